// The `models` table: prices aligned on the decimal point for a terminal; tab-separated and
// unpadded for a pipe.
import { describe, expect, it } from '@jest/globals';
import { catalogueTable } from '../../../src/app/list-models.js';
import type { ModelInfo } from '../../../src/core/index.js';
import { renderTable } from '../../../src/ui/render-table.js';

const model = (id: string, prompt: string, completion: string, context: number | null = 128000): ModelInfo => ({
  id,
  context_length: context,
  pricing: { prompt, completion },
});
const catalogue = [
  model('a/free:free', '0', '0'),
  model('openai/gpt-4o-mini', '0.00000015', '0.0000006'),
  model('openai/gpt-4o', '0.0000025', '0.00001'),
  model('x/big', '0.000015', '0.000075'),
  model('x/varies', '-1', '-1', null),
  model('x/tiny', '0.0000000375', '0.00000015'),
];

describe('the models table', () => {
  it('lines up the decimal points of each price column; "varies" and "?" stay right-aligned; the capability marks last', () => {
    expect(catalogueTable(catalogue, true)).toBe(
      [
        'id                  context   $/M in  $/M out        caps',
        'a/free:free          128000   0          0     free  ------',
        'openai/gpt-4o-mini   128000   0.15       0.6         ------',
        'openai/gpt-4o        128000   2.50      10.00        ------',
        'x/big                128000  15.00      75.00        ------',
        'x/varies                  ?   varies   varies        ------',
        'x/tiny               128000   0.0375     0.15        ------',
        '',
      ].join('\n'),
    );
    const rows = catalogueTable(catalogue, true).split('\n').slice(1, -1);
    for (const column of [/^\S+\s+\S+\s+(\d+)\.?/, /^\S+\s+\S+\s+\S+\s+(\d+)\.?/]) {
      const ends = rows.filter((row) => !row.includes('varies')).map((row) => {
        const match = column.exec(row);
        return (match?.index ?? 0) + (match?.[0].replace(/\.$/, '').length ?? 0);
      });
      expect(new Set(ends).size).toBe(1);
    }
  });

  it('for a pipe: tab-separated, no padding, no header', () => {
    expect(catalogueTable(catalogue.slice(1, 3), false)).toBe('openai/gpt-4o-mini\t128000\t0.15\t0.6\t\nopenai/gpt-4o\t128000\t2.50\t10.00\t\n');
  });

  it('a decimal column wider in its header than in its numbers keeps the points in line', () => {
    expect(renderTable([['1.5'], ['10']], { tty: true, decimal: new Set([0]), header: ['a long header'] })).toBe('a long header\n          1.5\n         10\n');
  });
});
