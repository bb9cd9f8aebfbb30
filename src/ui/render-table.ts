// Rows as an aligned table for a terminal, or tab-separated values for pipes (one record per
// line, no padding, no colour: what cut, awk and sort expect). Cells come from the catalogue
// (ids, names, descriptions from the network or the cache file), so each is made terminal-safe
// here, with its tabs and newlines as spaces: one cell cannot break its row, in either form.
import { terminalSafeCell } from './terminal-safe.js';

export interface TableOptions {
  tty: boolean;
  /** Right-align these columns (numbers). */
  right?: ReadonlySet<number>;
  /**
   * Align these columns on the decimal point (prices): numbers get their whole and fractional
   * parts padded apart; other cells (a header, "varies", "?") are right-aligned.
   */
  decimal?: ReadonlySet<number>;
  header?: readonly string[];
}

const NUMBER = /^(-?\d+)(\.\d+)?$/;

/**
 * One column's numbers padded so that their points line up: the whole parts to the right, the
 * fractions (with their point) to the left. A whole number takes the point's place as a space.
 */
function alignPoints(cells: readonly string[]): string[] {
  let whole = 0;
  let fraction = 0;
  for (const cell of cells) {
    const match = NUMBER.exec(cell);
    if (!match) continue;
    whole = Math.max(whole, (match[1] ?? '').length);
    fraction = Math.max(fraction, (match[2] ?? '').length);
  }
  return cells.map((cell) => {
    const match = NUMBER.exec(cell);
    return match ? (match[1] ?? '').padStart(whole) + (match[2] ?? '').padEnd(fraction) : cell;
  });
}

export function renderTable(untrusted: ReadonlyArray<readonly string[]>, options: TableOptions): string {
  const rows = untrusted.map((row) => row.map(terminalSafeCell));
  if (!options.tty) return rows.map((row) => row.join('\t')).join('\n') + (rows.length ? '\n' : '');
  for (const column of options.decimal ?? []) {
    const aligned = alignPoints(rows.map((row) => row[column] ?? ''));
    rows.forEach((row, i) => {
      if (column < row.length) row[column] = aligned[i] ?? '';
    });
  }
  const all = options.header ? [options.header, ...rows] : rows;
  const widths = all.reduce<number[]>((acc, row) => row.map((cell, i) => Math.max(acc[i] ?? 0, cell.length)), []);
  const line = (row: readonly string[]) =>
    row
      .map((cell, i) => (options.right?.has(i) || options.decimal?.has(i) ? cell.padStart(widths[i] ?? 0) : cell.padEnd(widths[i] ?? 0)))
      .join('  ')
      .trimEnd();
  return all.map(line).join('\n') + (all.length ? '\n' : '');
}
