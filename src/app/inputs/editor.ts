// The user's editor, as git runs it: $VISUAL, else $EDITOR, else vi, through the shell so that
// an editor given with arguments ("code --wait", "emacs -nw") works as it does for git.
import { spawn, type StdioOptions } from 'node:child_process';
import { UsageError } from '../../core/index.js';

/** The editor's command line, as the user set it. */
export function editorCommand(env: Record<string, string | undefined>): string {
  return env.VISUAL?.trim() || env.EDITOR?.trim() || 'vi';
}

/**
 * Opens `file` in the user's editor, with the terminal handed over, and waits until it exits.
 * `stdio` is what the editor gets for its stdin, stdout and stderr: ours by default; a
 * terminal opened for it when ours are pipes. An editor that fails (not found, non-zero exit,
 * killed) is a usage error naming it: the prompt was not written.
 */
export async function openInEditor(env: Record<string, string | undefined>, file: string, stdio: StdioOptions = 'inherit'): Promise<void> {
  const editor = editorCommand(env);
  // "$@" passes the file as one argument whatever characters its path holds.
  const child =
    process.platform === 'win32'
      ? spawn(editor, [file], { stdio, shell: true, env })
      : spawn('/bin/sh', ['-c', `${editor} "$@"`, editor, file], { stdio, env });
  const outcome = await new Promise<{ code: number | null; signal: NodeJS.Signals | null; error?: Error }>((resolve) => {
    child.once('error', (error) => resolve({ code: null, signal: null, error }));
    child.once('exit', (code, signal) => resolve({ code, signal }));
  });
  if (outcome.error || outcome.code !== 0) {
    // 127 is the shell's "command not found": say so rather than quote a bare number.
    const why =
      outcome.error?.message ??
      (outcome.signal ? `was stopped by ${outcome.signal}` : outcome.code === 127 ? 'was not found (the shell said 127)' : `exited with ${outcome.code}`);
    throw new UsageError(`the editor (${editor}) ${outcome.error ? `could not start: ${why}` : why}; nothing was sent`, {
      hint: 'set $VISUAL or $EDITOR to an editor that waits until the file is closed (e.g. "code --wait")',
    });
  }
}
