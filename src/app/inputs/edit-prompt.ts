// -e, --editor: the prompt written in the user's editor, in a file no one else can read (a
// 0600 file in a fresh 0700 directory, removed afterwards: a prompt may hold anything), seeded
// with the words given. The editor gets the terminal even when our stdin or stdout is a pipe
// (`git diff | devsynth-or chat -e`), by opening /dev/tty for it as git's editor does.
import { openSync, closeSync } from 'node:fs';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { StdioOptions } from 'node:child_process';
import { CancelledError, UsageError } from '../../core/index.js';
import type { CliIO } from '../runtime.js';
import { openInEditor } from './editor.js';

/** What the editor's stdin and stdout are: ours when they are the terminal, else /dev/tty. */
function terminalFor(io: CliIO): { stdio: StdioOptions; close: () => void } {
  if (io.stdin.isTTY && io.stdout.isTTY) return { stdio: 'inherit', close: () => undefined };
  let tty: number;
  try {
    tty = openSync('/dev/tty', 'r+');
  } catch {
    throw new UsageError('-e needs a terminal for the editor, and this run has none', {
      hint: 'write the prompt to a file and pipe it in instead: devsynth-or chat < prompt.md',
    });
  }
  return {
    stdio: [io.stdin.isTTY ? 'inherit' : tty, io.stdout.isTTY ? 'inherit' : tty, 'inherit'],
    close: () => closeSync(tty),
  };
}

/** The text the user wrote, trimmed at the end; an empty file cancels (exit 2). */
export async function editPrompt(io: CliIO, seed: string): Promise<string> {
  const terminal = terminalFor(io);
  // mkdtemp makes the directory 0700.
  const directory = await mkdtemp(join(tmpdir(), 'devsynth-prompt-'));
  // A Ctrl+C that reaches us (not the editor's key) while the editor runs cancels the prompt
  // once the editor is gone, as git waits for its editor.
  let interrupted = false;
  const stopListening = io.onInterrupt?.(() => (interrupted = true));
  try {
    const file = join(directory, 'prompt.md');
    await writeFile(file, seed ? `${seed}\n` : '', { mode: 0o600, flag: 'wx' });
    const failure = await openInEditor(io.env, file, terminal.stdio).then(
      () => undefined,
      (error: unknown) => error,
    );
    if (interrupted) throw new CancelledError('interrupted');
    if (failure) throw failure;
    const text = (await readFile(file, 'utf8')).replace(/\s+$/, '');
    if (text.trim() === '') throw new UsageError('the editor left the prompt empty; nothing was sent');
    return text;
  } finally {
    stopListening?.();
    terminal.close();
    await rm(directory, { recursive: true, force: true });
  }
}
