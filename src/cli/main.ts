// main(argv): build the program, run it, and turn whatever it throws into text and an exit
// code here and only here.
import { CommanderError } from 'commander';
import { EXIT_CODES } from '../core/index.js';
import { buildProgram } from './program.js';
import { renderError } from './render-error.js';

function wantsColor(argv: readonly string[]): boolean {
  if (argv.includes('--no-color') || process.env.NO_COLOR) return false;
  if (process.env.FORCE_COLOR && process.env.FORCE_COLOR !== '0') return true;
  return Boolean(process.stderr.isTTY);
}

export async function main(argv: string[]): Promise<void> {
  const program = buildProgram();
  try {
    await program.parseAsync(argv);
  } catch (error) {
    if (error instanceof CommanderError) {
      // commander already printed its message (or the help/version text).
      process.exitCode = error.exitCode === 0 ? 0 : EXIT_CODES.usage;
      return;
    }
    process.exitCode = renderError(error, {
      debug: argv.includes('--debug') || process.env.DEVSYNTH_DEBUG === '1',
      color: wantsColor(argv),
      json: argv.includes('--json'),
      stderr: (text) => process.stderr.write(text),
      stdout: (text) => process.stdout.write(text),
    });
  }
}
