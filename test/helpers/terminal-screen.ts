// What a terminal would show after the given writes: the text, with the cursor movements and
// erasures Ink uses to redraw its live part (CSI A, B, C, D, G, H, J, K) carried out and the
// styling (SGR, cursor visibility) dropped. For UIs that write part of their output straight
// to stdout, where ink-testing-library's last frame holds only the last write.
export function terminalScreen(writes: readonly string[]): string {
  const rows: string[][] = [[]];
  let row = 0;
  let column = 0;
  const line = () => (rows[row] ??= []);
  const text = writes.join('');
  for (let i = 0; i < text.length; i++) {
    const char = text[i] as string;
    if (char === '\u001b' && text[i + 1] === '[') {
      const match = /^\[([?0-9;]*)([A-Za-z])/.exec(text.slice(i + 1));
      if (!match) continue;
      i += match[0].length;
      const [, params = '', command] = match;
      const n = Number.parseInt(params.replace('?', ''), 10);
      const count = Number.isNaN(n) ? 1 : n;
      switch (command) {
        case 'A':
          row = Math.max(0, row - count);
          break;
        case 'B':
          row += count;
          break;
        case 'C':
          column += count;
          break;
        case 'D':
          column = Math.max(0, column - count);
          break;
        case 'G':
          column = Math.max(0, count - 1);
          break;
        case 'H': {
          const [r = 1, c = 1] = params.split(';').map((p) => Number.parseInt(p, 10) || 1);
          row = r - 1;
          column = c - 1;
          break;
        }
        case 'K':
          if (params === '2') rows[row] = [];
          else if (params === '1') line().fill(' ', 0, column);
          else line().length = Math.min(line().length, column);
          break;
        case 'J':
          if (params === '2' || params === '3') rows.length = 0;
          else {
            line().length = Math.min(line().length, column);
            rows.length = Math.min(rows.length, row + 1);
          }
          break;
        default:
          // SGR styling, cursor visibility and the like: nothing on screen.
          break;
      }
      continue;
    }
    if (char === '\n') {
      row += 1;
      column = 0;
    } else if (char === '\r') {
      column = 0;
    } else {
      const current = line();
      while (current.length < column) current.push(' ');
      current[column] = char;
      column += 1;
    }
  }
  return Array.from({ length: rows.length }, (_, index) => (rows[index] ?? []).join('').trimEnd()).join('\n').trimEnd();
}
