// `usage`'s report from the records: grouped by day, model or provider, from a day on, totals
// and the cost by source; --since as a duration or a date, anything else refused.
import { describe, expect, it } from '@jest/globals';
import { sinceDay, UNKNOWN_PROVIDER, usageReport } from '../../../src/app/usage-report.js';
import type { UsageDays } from '../../../src/state/usage-store.js';

const counts = (requests: number, cost: number, extra: Record<string, unknown> = {}) => ({ requests, prompt_tokens: requests * 10, completion_tokens: requests * 5, cost, ...extra });

const DAYS: UsageDays = {
  '2026-11-01': { 'm/old': counts(5, 5) },
  '2026-11-20': {
    'm/a': { ...counts(3, 0.3, { cost_by_source: { reported: 0.1, looked_up: 0.2 } }), by_provider: { Groq: counts(2, 0.2, { cost_by_source: { looked_up: 0.2 } }) } },
    'm/b': counts(1, 1),
  },
  '2026-11-21': { 'm/a': { ...counts(1, 0.05, { cost_by_source: { estimated: 0.05 } }), by_provider: { Groq: counts(1, 0.05, { cost_by_source: { estimated: 0.05 } }) } } },
};

describe('usageReport', () => {
  it('by model, dearest first, from the day given; the total and its sources', () => {
    const report = usageReport(DAYS, '2026-11-20', 'model');
    expect(report.rows.map((row) => [row.key, row.requests, row.cost])).toEqual([
      ['m/b', 1, 1],
      ['m/a', 4, 0.35],
    ]);
    expect(report.rows[1]?.cost_by_source).toEqual({ reported: 0.1, looked_up: 0.2, estimated: 0.05 });
    expect(report.total).toEqual({ requests: 5, prompt_tokens: 50, completion_tokens: 25, cost: 1.35, cost_by_source: { reported: 1.1, looked_up: 0.2, estimated: 0.05 } });
    expect(report).toMatchObject({ since: '2026-11-20', by: 'model' });
  });

  it('by day, oldest first', () => {
    expect(usageReport(DAYS, '2026-11-01', 'day').rows.map((row) => [row.key, row.requests])).toEqual([
      ['2026-11-01', 5],
      ['2026-11-20', 4],
      ['2026-11-21', 1],
    ]);
  });

  it('by provider: the requests no provider was named for in a row of their own', () => {
    const rows = usageReport(DAYS, '2026-11-20', 'provider').rows;
    expect(rows.map((row) => [row.key, row.requests, row.cost])).toEqual([
      [UNKNOWN_PROVIDER, 2, 1.1],
      ['Groq', 3, 0.25],
    ]);
    expect(rows[0]?.cost_by_source).toEqual({ reported: 1.1, looked_up: 0, estimated: 0 });
  });
});

describe('sinceDay', () => {
  const now = new Date('2026-11-29T05:00:00Z');
  it.each([
    ['7d', '2026-11-22'],
    ['12h', '2026-11-28'],
    ['2w', '2026-11-15'],
    ['2026-11-01', '2026-11-01'],
  ])('%s → %s', (text, day) => expect(sinceDay(text, now)).toBe(day));
  it.each(['yesterday', '7', '2026-02-31', '2026-13-01', '-7d', ''])('%j is refused', (text) => {
    expect(() => sinceDay(text, now)).toThrow(expect.objectContaining({ kind: 'usage' }));
  });
});
