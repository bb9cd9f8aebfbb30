// Finished answer lines as terminal text: markdown styling (headings, code, quotes) as SGR codes, and
// word wrapping to the terminal's width. The chat UI writes these straight to the terminal,
// once, instead of laying them out through Ink (which measures and restyles every character of
// every line: most of the UI's CPU on a long answer).
import wrapAnsi from 'wrap-ansi';
import type { ViewLine } from './chat-view-state.js';

/** The text a line shows: a heading without its hashes, a list item with a bullet. */
export function displayText(line: ViewLine): string {
  switch (line.kind) {
    case 'heading':
      return line.text.replace(/^#{1,6}\s+/, '');
    case 'code':
      return `  ${line.text}`;
    case 'list':
      return line.text.replace(/^(\s*)[-*+]\s/, '$1• ');
    default:
      // An empty line still takes a row.
      return line.text || ' ';
  }
}

const STYLES: Record<ViewLine['kind'], [open: string, close: string] | undefined> = {
  heading: ['\u001b[1m\u001b[36m', '\u001b[39m\u001b[22m'],
  fence: ['\u001b[2m', '\u001b[22m'],
  code: ['\u001b[33m', '\u001b[39m'],
  list: undefined,
  quote: ['\u001b[3m\u001b[2m', '\u001b[22m\u001b[23m'],
  text: undefined,
  // Dimmed and italic, as while it streamed: the model's thinking, not its answer.
  reasoning: ['\u001b[2m\u001b[3m', '\u001b[23m\u001b[22m'],
  // Tool calls and results: cyan and dim, notes beside the answer.
  tool: ['\u001b[2m\u001b[36m', '\u001b[39m\u001b[22m'],
};

/**
 * Breaks a line into rows of at most `columns` cells, the way Ink wraps its own text (wrap-ansi,
 * hard breaks inside words longer than a row, spaces kept), so a finished line looks the same
 * as it did while it was live.
 */
export function wrapRow(text: string, columns: number): string[] {
  // Fast path: no code unit takes more than two cells, so a line this short fits.
  if (text.length * 2 <= columns || (text.length <= columns && /^[\x20-\x7e]*$/.test(text))) return [text];
  return wrapAnsi(text, columns, { hard: true, trim: false, wordWrap: true }).split('\n');
}

/** Whether `text` takes at most `columns` cells (measured as wrapRow measures: wide characters take two). */
export function fitsIn(text: string, columns: number): boolean {
  // Fast path: printable ASCII, and the footer's "·" and "…", take a cell each.
  if (/^[\x20-\x7e\u00b7\u2026]*$/.test(text)) return text.length <= columns;
  return wrapRow(text, columns).length <= 1;
}

/** Finished lines as terminal text, each ending in a newline. */
export function answerText(lines: readonly ViewLine[], columns: number, color: boolean): string {
  let out = '';
  for (const line of lines) {
    const style = color ? STYLES[line.kind] : undefined;
    for (const row of wrapRow(displayText(line), columns)) {
      out += style ? `${style[0]}${row}${style[1]}\n` : `${row}\n`;
    }
  }
  return out;
}

/** Whether the terminal takes colours: NO_COLOR, FORCE_COLOR=0 (--no-color) and TERM=dumb say no. */
export function terminalHasColors(stdout: NodeJS.WriteStream): boolean {
  return typeof stdout.hasColors === 'function' ? stdout.hasColors() : false;
}
