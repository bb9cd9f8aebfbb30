// main(argv): build the program, run it, and turn whatever it throws into text and an exit
// code here and only here.
import { CommanderError } from 'commander';
import { EXIT_CODES } from '../core/index.js';
import type { CliIO } from '../app/runtime.js';
import { buildProgram } from './program.js';
import { renderError } from './render-error.js';

/** A SIGINT this soon after the first is a library re-sending it, not a second Ctrl+C. */
const SIGNAL_ECHO_WINDOW_MS = 250;

function processIO(): CliIO {
  return {
    stdin: process.stdin,
    stdout: process.stdout,
    stderr: process.stderr,
    env: process.env,
    cwd: process.cwd(),
    onInterrupt: (handler) => {
      // The first Ctrl+C cancels the request (exit 130 once it has wound down); a second one
      // ends the process at once. Two libraries under conf and proper-lockfile also listen:
      // when-exit re-sends every SIGINT it sees to the process, and signal-exit re-raises one
      // that no other listener is left to handle. So the listener stays registered throughout,
      // and a repeat within SIGNAL_ECHO_WINDOW_MS (an echo, not a person) is ignored.
      let first = 0;
      const onSignal = () => {
        const now = Date.now();
        if (first === 0) {
          first = now;
          handler();
        } else if (now - first > SIGNAL_ECHO_WINDOW_MS) {
          process.exit(EXIT_CODES.interrupted);
        }
      };
      process.on('SIGINT', onSignal);
      return () => process.removeListener('SIGINT', onSignal);
    },
  };
}

function wantsColor(argv: readonly string[], io: CliIO): boolean {
  if (argv.includes('--no-color') || io.env.NO_COLOR) return false;
  if (io.env.FORCE_COLOR && io.env.FORCE_COLOR !== '0') return true;
  return Boolean(io.stderr.isTTY);
}

export async function main(argv: string[], io: CliIO = processIO()): Promise<number> {
  const program = buildProgram(io);
  let code: number = EXIT_CODES.success;
  try {
    await program.parseAsync(argv);
  } catch (error) {
    if (error instanceof CommanderError) {
      // commander already printed its message (or the help or version text).
      code = error.exitCode === 0 ? EXIT_CODES.success : EXIT_CODES.usage;
    } else {
      code = renderError(error, {
        debug: argv.includes('--debug') || io.env.DEVSYNTH_DEBUG === '1',
        color: wantsColor(argv, io),
        json: argv.includes('--json'),
        stderr: (text) => io.stderr.write(text),
        stdout: (text) => io.stdout.write(text),
      });
    }
  }
  process.exitCode = code;
  return code;
}
