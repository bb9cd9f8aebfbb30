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
