// runMain(argv, commands, io): build the program, run it, and turn whatever it throws into text
// and an exit code here and only here. The entries (main.ts, main-embed.ts) say which commands.
import { CommanderError } from 'commander';
import { CancelledError, EXIT_CODES, STOP_SIGNALS, type StopSignal } from '../core/index.js';
import { markShown, wasShown } from '../ui/shown-errors.js';
import type { CliIO } from '../app/runtime.js';
import { lazyProcessStdin } from './process-stdin.js';
import { buildProgram, type CommandEntry } from './program.js';
import { renderError } from './render-error.js';

/** How soon a library's echo of the first signal comes, at most (see onInterrupt). */
const SIGNAL_ECHO_WINDOW_MS = 250;

/**
 * What stopped this run from outside, if anything did: a signal (SIGINT, SIGTERM, SIGHUP) or
 * the reader of stdout going away (`| head -c 10`). main() turns the CancelledError the
 * aborted request ends with into that: its message and exit code.
 */
let stoppedBy: StopSignal | 'stdout-closed' | undefined;
/** The handlers of the onInterrupt calls still listening. */
const interruptHandlers = new Set<() => void>();

/** Write errors that mean the reader went away: a closed pipe, or a terminal that hung up. */
const READER_GONE = new Set(['EPIPE', 'EIO']);

let watching = false;

function watchOutputs(): void {
  if (watching) return;
  watching = true;
  process.stdout.on('error', (error: NodeJS.ErrnoException) => {
    if (!READER_GONE.has(error.code ?? '')) throw error;
    // No one reads the answer any more: the request stops as on Ctrl+C (what came so far is
    // kept, nothing more is paid for), and the run ends with 0, as ripgrep's and fd's do: the
    // reader leaving (`| head`) is not our failure. (GNU tools die of SIGPIPE instead, which
    // `set -o pipefail` reports as 141.)
    stoppedBy ??= 'stdout-closed';
    for (const handler of interruptHandlers) handler();
  });
  process.stderr.on('error', (error: NodeJS.ErrnoException) => {
    // Nowhere to say anything any more; the run goes on (and its state is still saved).
    if (!READER_GONE.has(error.code ?? '')) throw error;
  });
}

function processIO(): CliIO {
  watchOutputs();
  const stdin = lazyProcessStdin();
  return {
    get stdin() {
      return stdin();
    },
    stdout: process.stdout,
    stderr: process.stderr,
    env: process.env,
    cwd: process.cwd(),
    onInterrupt: (handler) => {
      // The first stop signal (Ctrl+C, SIGTERM, SIGHUP) cancels the request (the run then ends
      // with that signal's code once it has wound down: 130, 143, 129); a second one ends the
      // process at once, however fast it comes. But a library may echo the first: when-exit
      // (which conf, no longer used, brought) caught a signal once, then re-sent it to the
      // process so that its default action happened; the check below stays for any other. So our listeners go first, and see whether a one-time listener is
      // still waiting for the signal: then one repeat of it within SIGNAL_ECHO_WINDOW_MS is
      // that echo. The listeners stay registered once a signal came (signal-exit, under Ink,
      // re-raises a signal that no other listener is left to handle).
      let first: { signal: StopSignal; at: number; echo: boolean } | undefined;
      const onSignal = (signal: StopSignal) => {
        const now = Date.now();
        if (first === undefined) {
          const echo = process.rawListeners(signal).some((listener) => 'listener' in listener);
          first = { signal, at: now, echo };
          stoppedBy ??= signal;
          handler();
        } else if (first.echo && signal === first.signal && now - first.at <= SIGNAL_ECHO_WINDOW_MS) {
          first.echo = false;
        } else {
          process.exit(EXIT_CODES[STOP_SIGNALS[signal]]);
        }
      };
      const listeners = STOP_SIGNAL_NAMES.map((signal) => [signal, () => onSignal(signal)] as const);
      for (const [signal, listener] of listeners) process.prependListener(signal, listener);
      interruptHandlers.add(handler);
      return () => {
        interruptHandlers.delete(handler);
        if (first !== undefined) return;
        for (const [signal, listener] of listeners) process.removeListener(signal, listener);
      };
    },
  };
}

const STOP_SIGNAL_NAMES = Object.keys(STOP_SIGNALS) as StopSignal[];

/** What a stopped run's CancelledError becomes: the signal's own kind and message. */
const STOPPED_MESSAGES: Record<Exclude<StopSignal, 'SIGINT'>, string> = {
  SIGTERM: 'terminated (SIGTERM)',
  SIGHUP: 'the terminal hung up (SIGHUP)',
};

function asStopped(error: unknown): unknown {
  if (!(error instanceof CancelledError) || stoppedBy === undefined || stoppedBy === 'SIGINT' || stoppedBy === 'stdout-closed') return error;
  const stopped = new CancelledError(STOPPED_MESSAGES[stoppedBy], {
    signal: stoppedBy,
    cause: error,
    ...(error.partialContent !== undefined ? { partialContent: error.partialContent } : {}),
  });
  // The terminal UI said "cancelled" already; the exit code is what changes.
  if (wasShown(error)) markShown(stopped);
  return stopped;
}

/** chat's --format value, read from argv: errors before or during parsing are written in it too. */
function formatFlag(argv: readonly string[]): string | undefined {
  const at = argv.findIndex((arg) => arg === '--format' || arg.startsWith('--format='));
  if (at === -1) return undefined;
  const arg = argv[at] as string;
  return arg === '--format' ? argv[at + 1] : arg.slice('--format='.length);
}

function wantsColor(argv: readonly string[], io: CliIO): boolean {
  if (argv.includes('--no-color') || io.env.NO_COLOR) return false;
  if (io.env.FORCE_COLOR && io.env.FORCE_COLOR !== '0') return true;
  return Boolean(io.stderr.isTTY);
}

export async function runMain(argv: string[], commands: readonly CommandEntry[], io: CliIO = processIO()): Promise<number> {
  const program = buildProgram(io, commands);
  let code: number = EXIT_CODES.success;
  try {
    await program.parseAsync(argv);
  } catch (error) {
    if (error instanceof CommanderError) {
      // commander already printed its message (or the help or version text).
      code = error.exitCode === 0 ? EXIT_CODES.success : EXIT_CODES.usage;
    } else if (error instanceof CancelledError && stoppedBy === 'stdout-closed') {
      // Nobody reads stdout any more, and that is no failure (see watchOutputs).
      code = EXIT_CODES.success;
    } else {
      code = renderError(asStopped(error), {
        debug: argv.includes('--debug') || io.env.DEVSYNTH_DEBUG === '1',
        color: wantsColor(argv, io),
        json: argv.includes('--json') || formatFlag(argv) === 'json',
        streamJson: formatFlag(argv) === 'stream-json',
        stderr: (text) => io.stderr.write(text),
        stdout: (text) => io.stdout.write(text),
      });
    }
  }
  process.exitCode = code;
  return code;
}
