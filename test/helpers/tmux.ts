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
