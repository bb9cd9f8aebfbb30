// Finished answer lines as terminal text: the markdown styling of AnswerLine, as SGR codes, and
// word wrapping to the terminal's width. The chat UI writes these straight to the terminal,
// once, instead of laying them out through Ink (which measures and restyles every character of
// every line: most of the UI's CPU on a long answer).
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
};

/** Columns a code point takes: 0 for combining marks and zero-width ones, 2 for wide ones. */
function codePointWidth(cp: number): number {
  if (cp < 0x300) return cp < 0x20 || (cp >= 0x7f && cp < 0xa0) ? 0 : 1;
  if (
    (cp >= 0x300 && cp <= 0x36f) ||
    (cp >= 0x200b && cp <= 0x200f) ||
    (cp >= 0xfe00 && cp <= 0xfe0f) ||
    (cp >= 0x20d0 && cp <= 0x20ff) ||
    (cp >= 0xe0100 && cp <= 0xe01ef)
  ) {
    return 0;
  }
  if (
    (cp >= 0x1100 && cp <= 0x115f) ||
    (cp >= 0x2e80 && cp <= 0x303e) ||
    (cp >= 0x3041 && cp <= 0x33ff) ||
    (cp >= 0x3400 && cp <= 0x4dbf) ||
    (cp >= 0x4e00 && cp <= 0x9fff) ||
    (cp >= 0xa000 && cp <= 0xa4cf) ||
    (cp >= 0xac00 && cp <= 0xd7a3) ||
    (cp >= 0xf900 && cp <= 0xfaff) ||
    (cp >= 0xfe30 && cp <= 0xfe4f) ||
    (cp >= 0xff00 && cp <= 0xff60) ||
    (cp >= 0xffe0 && cp <= 0xffe6) ||
    (cp >= 0x1f300 && cp <= 0x1f64f) ||
    (cp >= 0x1f900 && cp <= 0x1f9ff) ||
    (cp >= 0x20000 && cp <= 0x3fffd)
  ) {
    return 2;
  }
  return 1;
}

/**
 * Breaks a line into rows of at most `columns` cells: at the last space that fits, or inside a
 * word longer than a row, as Ink's own wrapping does. Spaces are kept (a row may end in one).
 */
export function wrapRow(text: string, columns: number): string[] {
  // Fast path: no code unit takes more than two cells, so a line this short fits.
  if (text.length * 2 <= columns || (text.length <= columns && /^[\x20-\x7e]*$/.test(text))) return [text];
  const rows: string[] = [];
  let start = 0;
  let width = 0;
  let lastSpace = -1;
  let i = 0;
  while (i < text.length) {
    const cp = text.codePointAt(i) ?? 0;
    const size = cp > 0xffff ? 2 : 1;
    const w = codePointWidth(cp);
    if (width + w > columns && i > start) {
      const cut = lastSpace > start ? lastSpace + 1 : i;
      rows.push(text.slice(start, cut));
      start = cut;
      lastSpace = -1;
      width = 0;
      i = start;
      continue;
    }
    if (cp === 0x20) lastSpace = i;
    width += w;
    i += size;
  }
  rows.push(text.slice(start));
  return rows;
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
