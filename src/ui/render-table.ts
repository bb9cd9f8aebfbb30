// Rows as an aligned table for a terminal, or tab-separated values for pipes (one record per
// line, no padding, no colour: what cut, awk and sort expect). Cells come from the catalogue
// (ids, names, descriptions from the network or the cache file), so each is made terminal-safe
// here, with its tabs and newlines as spaces: one cell cannot break its row, in either form.
import { terminalSafeCell } from './terminal-safe.js';

export interface TableOptions {
  tty: boolean;
  /** Right-align these columns (numbers). */
  right?: ReadonlySet<number>;
  header?: readonly string[];
}

export function renderTable(untrusted: ReadonlyArray<readonly string[]>, options: TableOptions): string {
  const rows = untrusted.map((row) => row.map(terminalSafeCell));
  if (!options.tty) return rows.map((row) => row.join('\t')).join('\n') + (rows.length ? '\n' : '');
  const all = options.header ? [options.header, ...rows] : rows;
  const widths = all.reduce<number[]>((acc, row) => row.map((cell, i) => Math.max(acc[i] ?? 0, cell.length)), []);
  const line = (row: readonly string[]) =>
    row
      .map((cell, i) => (options.right?.has(i) ? cell.padStart(widths[i] ?? 0) : cell.padEnd(widths[i] ?? 0)))
      .join('  ')
      .trimEnd();
  return all.map(line).join('\n') + (all.length ? '\n' : '');
}
