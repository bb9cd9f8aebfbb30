// What the pty tests share about tmux.
import { execFileSync } from 'node:child_process';

/**
 * Stops the tmux server on `socket` if one is left. A test that ended it itself, or never
 * started one, is fine; tmux's "no server running on …" is kept out of the test log.
 */
export function stopTmuxServer(socket: string): void {
  try {
    execFileSync('tmux', ['-L', socket, 'kill-server'], { stdio: 'ignore' });
  } catch {
    // None was running.
  }
}

/**
 * A tmux socket name that changes each time its server is stopped. A server that is still
 * shutting down when `new-session` runs on its socket makes tmux fail with "server exited
 * unexpectedly" (seen on a loaded machine): a test that starts tmux again after stopping it
 * gets a fresh socket instead.
 */
export function renewingSocket(prefix: string): { readonly name: string; stop(): void } {
  let round = 0;
  const nameOf = () => `${prefix}-${process.pid}-${round}`;
  return {
    get name() {
      return nameOf();
    },
    stop() {
      stopTmuxServer(nameOf());
      round += 1;
    },
  };
}

/** `value` as one word for sh: single-quoted, with its own single quotes escaped. */
export const shellQuote = (value: string): string => `'${value.replace(/'/g, "'\\''")}'`;

export const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

export interface PtyHarness {
  /** The socket of the current server (it changes after stop()). */
  readonly socket: string;
  /** Runs tmux on this harness's socket (and config file, if any); returns its stdout. */
  tmux(...args: string[]): string;
  /** The pane's text (capture-pane -p, with the harness's flags and any given here). */
  screen(...flags: string[]): string;
  /** The screen once `predicate` holds, polled every 50 ms; throws with the screen after `ms`. */
  waitFor(predicate: (text: string) => boolean, ms?: number): Promise<string>;
  /** Stops the tmux server; the next tmux call starts on a fresh socket (renewingSocket). */
  stop(): void;
}

/**
 * What every pty test file needs around tmux: a renewing socket, the pane's text, and a wait for
 * it to show something. `target` is the pane the tests start (`ui`, or `ui:0`); `config` a tmux
 * configuration file (`/dev/null` for none, or a file with `set-clipboard on` and the like).
 */
export function ptyHarness(prefix: string, options: { config?: string; target?: string; captureFlags?: readonly string[]; waitMs?: number } = {}): PtyHarness {
  const socket = renewingSocket(prefix);
  const target = options.target ?? 'ui';
  const tmux = (...args: string[]) =>
    execFileSync('tmux', ['-L', socket.name, ...(options.config ? ['-f', options.config] : []), ...args], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
  const screen = (...flags: string[]) => tmux('capture-pane', '-p', ...(options.captureFlags ?? []), ...flags, '-t', target);
  return {
    get socket() {
      return socket.name;
    },
    tmux,
    screen,
    async waitFor(predicate, ms = options.waitMs ?? 20_000) {
      const until = Date.now() + ms;
      let text = '';
      while (Date.now() < until) {
        text = screen();
        if (predicate(text)) return text;
        await sleep(50);
      }
      throw new Error(`the screen never matched; it shows:\n${text}`);
    },
    stop: () => socket.stop(),
  };
}
