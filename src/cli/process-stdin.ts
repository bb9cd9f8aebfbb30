// process.stdin as the CLI's io.stdin, made on first use. Node builds process.stdin when it is
// first read, and for a file or /dev/null that loads its file streams (about 8 ms of a start):
// a command that never looks at stdin (`embed "text"`, `models`) should not pay for it. When
// stdin is /dev/null, as under cron, `nohup`, `< /dev/null` or a CI step that gives none, it
// is an empty stream of our own: nothing could be read from it anyway.
import { fstatSync, statSync } from 'node:fs';
import type { CliIO } from '../app/runtime.js';
import { withDefaultV8Flags } from './v8-flags.js';

type Stdin = CliIO['stdin'];

/** A stdin with nothing in it: what /dev/null reads as. */
const EMPTY_STDIN: Stdin = { isTTY: false, async *[Symbol.asyncIterator]() {} };

/** Whether file descriptor 0 is /dev/null (the same character device). */
export function stdinIsDevNull(): boolean {
  if (process.platform === 'win32') return false;
  try {
    const stdin = fstatSync(0);
    return stdin.isCharacterDevice() && stdin.rdev === statSync('/dev/null').rdev;
  } catch {
    // Closed (EBADF) or /dev/null missing: Node's own stdin decides what it is.
    return false;
  }
}

/** A getter of the process's stdin: the same object on every call, made on the first. */
export function lazyProcessStdin(): () => Stdin {
  let stdin: Stdin | undefined;
  // Node loads the stream modules for it as it is first read: under the defaults (v8-flags.ts).
  return () => (stdin ??= stdinIsDevNull() ? EMPTY_STDIN : withDefaultV8Flags(() => process.stdin));
}
