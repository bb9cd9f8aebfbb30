// The one place where errors become text and an exit code.
import { DevsynthError, EXIT_CODES, redactSecrets } from '../core/index.js';
import { wasShown } from '../ui/shown-errors.js';
import { terminalSafe, terminalSafeJson } from '../ui/terminal-safe.js';

export interface RenderErrorOptions {
  debug: boolean;
  color: boolean;
  /** --json: also print the contract's failure object on stdout. */
  json: boolean;
  /** --format stream-json: the failure object, as the stream's final `{"type":"error",...}` event, on stdout. */
  streamJson?: boolean;
  stderr: (text: string) => void;
  stdout: (text: string) => void;
}

const red = (text: string, color: boolean) => (color ? `\u001b[31m${text}\u001b[39m` : text);
const dim = (text: string, color: boolean) => (color ? `\u001b[2m${text}\u001b[22m` : text);

/** The contract's `--json` failure object. */
export function jsonFailure(error: unknown): Record<string, unknown> {
  const body: Record<string, unknown> =
    error instanceof DevsynthError
      ? { error: error.toJSON() }
      : { error: { kind: 'internal', message: `unexpected error: ${String((error as Error)?.message ?? error)}`, exit_code: EXIT_CODES.internal } };
  const partial = error instanceof DevsynthError ? error.partialContent : undefined;
  if (partial) body.partial_content = partial;
  return body;
}

/**
 * A message, hint and stack carry the server's words (an error body, its metadata), so they are
 * made terminal-safe before our colours go around them, whether or not stderr is a terminal:
 * a log file is read on one later. The --json object says the same, escaped as JSON.
 *
 * Writes `devsynth-or: <message>` (+ a `hint:` line, + the stack with --debug) to stderr, and
 * with --json the failure object to stdout; returns the exit code.
 */
export function renderError(error: unknown, options: RenderErrorOptions): number {
  const known = error instanceof DevsynthError;
  // The terminal UI showed it in its panel already.
  if (wasShown(error)) return known ? error.exitCode : EXIT_CODES.internal;
  const message = known ? error.message : `unexpected error: ${error instanceof Error ? error.message : String(error)}`;
  let text = `${red('devsynth-or:', options.color)} ${terminalSafe(message)}\n`;
  if (known && error.hint) text += `${dim('hint:', options.color)} ${terminalSafe(error.hint)}\n`;
  if (options.debug && error instanceof Error && error.stack) text += `${dim(terminalSafe(error.stack), options.color)}\n`;
  options.stderr(redactSecrets(text));
  if (options.streamJson) options.stdout(`${redactSecrets(terminalSafeJson({ type: 'error', ...jsonFailure(error) }))}\n`);
  else if (options.json) options.stdout(`${redactSecrets(terminalSafeJson(jsonFailure(error)))}\n`);
  return known ? error.exitCode : EXIT_CODES.internal;
}
