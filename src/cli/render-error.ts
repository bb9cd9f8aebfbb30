// The one place where errors become text and an exit code.
import { DevsynthError, EXIT_CODES, redactSecrets } from '../core/index.js';

export interface RenderErrorOptions {
  debug: boolean;
  color: boolean;
  write: (text: string) => void;
}

const red = (text: string, color: boolean) => (color ? `\u001b[31m${text}\u001b[39m` : text);
const dim = (text: string, color: boolean) => (color ? `\u001b[2m${text}\u001b[22m` : text);

/** Writes `devsynth-or: <message>` (+ `hint:` line, + stack with --debug) and returns the exit code. */
export function renderError(error: unknown, options: RenderErrorOptions): number {
  const known = error instanceof DevsynthError;
  const message = known ? error.message : `unexpected error: ${error instanceof Error ? error.message : String(error)}`;
  let text = `${red('devsynth-or:', options.color)} ${message}\n`;
  if (known && error.hint) text += `${dim('hint:', options.color)} ${error.hint}\n`;
  if (options.debug && error instanceof Error && error.stack) text += `${dim(error.stack, options.color)}\n`;
  options.write(redactSecrets(text));
  return known ? error.exitCode : EXIT_CODES.internal;
}
