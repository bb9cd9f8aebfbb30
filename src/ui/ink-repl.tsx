// The REPL's renderer: Ink and React load here, only for a terminal. No JSX in this module:
// the JSX runtime would be imported before react-production.js could choose React's build.
import './react-production.js';
import { render } from 'ink';
import { createElement } from 'react';
import { CancelledError } from '../core/index.js';
import { Repl, type ReplProps } from './Repl.js';
import { markShown } from './shown-errors.js';

/**
 * Bracketed paste: the terminal marks a pasted block (ESC[200~ … ESC[201~), so that its line
 * breaks are not taken for Enter. Turned off again however the run ends (a signal, a crash:
 * the 'exit' event), or the shell after us would see the markers around every paste.
 */
function bracketedPaste(stdout: NodeJS.WriteStream): () => void {
  if (!stdout.isTTY) return () => undefined;
  const off = () => {
    process.off('exit', off);
    stdout.write('\u001b[?2004l');
  };
  stdout.write('\u001b[?2004h');
  process.on('exit', off);
  return off;
}

export async function renderRepl(props: ReplProps, io: { stdin: NodeJS.ReadStream; stdout: NodeJS.WriteStream; stderr: NodeJS.WriteStream }): Promise<void> {
  const pasteOff = bracketedPaste(io.stdout);
  const instance = render(createElement(Repl, props), { stdin: io.stdin, stdout: io.stdout, stderr: io.stderr, exitOnCtrlC: false, patchConsole: false });
  try {
    await instance.waitUntilExit();
  } catch (error) {
    // Ctrl+C twice: leave with 130, quietly (the screen said what happened).
    if (error instanceof CancelledError) markShown(error);
    throw error;
  } finally {
    pasteOff();
  }
}
