// The cost's source in the usage records: split into reported, looked up and estimated once a
// cost was not reported; files written before the split still load, and their cost counts as
// reported; the days from a given one on.
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from '@jest/globals';
import { costBySource, createUsageStore } from '../../../src/state/usage-store.js';

let dir: string;
let warnings: string[];
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'usage-sources-'));
  warnings = [];
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));
const warn = (message: string) => warnings.push(message);
const at = (day: string) => () => new Date(`${day}T12:00:00Z`);
const usage = (cost: number, source?: string) => ({ prompt_tokens: 10, completion_tokens: 5, total_tokens: 15, cost, ...(source ? { cost_source: source } : {}) });

describe('usage records by cost source', () => {
  it('keeps the cost of each source apart, by model and by provider', async () => {
    const store = createUsageStore(dir, { warn, now: at('2026-11-20') });
    await store.record('m/x', usage(0.5, 'reported'), 'Groq');
    await store.record('m/x', usage(0.25, 'looked_up'), 'Groq');
    await store.record('m/x', usage(0.125, 'estimated'), 'Cerebras');
    const totals = createUsageStore(dir, { warn }).daysFrom('2026-11-20')['2026-11-20']?.['m/x'];
    expect(totals).toMatchObject({ requests: 3, cost: 0.875, cost_by_source: { reported: 0.5, looked_up: 0.25, estimated: 0.125 } });
    expect(totals?.by_provider?.Groq).toMatchObject({ cost: 0.75, cost_by_source: { reported: 0.5, looked_up: 0.25 } });
    expect(totals?.by_provider?.Cerebras).toMatchObject({ cost: 0.125, cost_by_source: { estimated: 0.125 } });
    expect(warnings).toEqual([]);
  });

  it('writes no split while every cost was reported (the file stays as older versions wrote it)', async () => {
    const store = createUsageStore(dir, { warn, now: at('2026-11-20') });
    await store.record('m/x', usage(0.5));
    await store.record('m/x', usage(0.5, 'reported'));
    const file = JSON.parse(readFileSync(join(dir, 'usage.json'), 'utf8'));
    expect(file.days['2026-11-20']['m/x']).toEqual({ requests: 2, prompt_tokens: 20, completion_tokens: 10, cost: 1 });
  });

  it("an older file's cost counts as reported, and stays so when an estimate is added", async () => {
    writeFileSync(join(dir, 'usage.json'), JSON.stringify({ days: { '2026-11-20': { 'm/x': { requests: 2, prompt_tokens: 20, completion_tokens: 10, cost: 1 } } } }));
    const store = createUsageStore(dir, { warn, now: at('2026-11-20') });
    expect(costBySource(store.day('2026-11-20')['m/x']!)).toEqual({ reported: 1, looked_up: 0, estimated: 0 });
    await store.record('m/x', usage(0.5, 'estimated'));
    expect(store.day('2026-11-20')['m/x']).toMatchObject({ cost: 1.5, cost_by_source: { reported: 1, estimated: 0.5 } });
    expect(warnings).toEqual([]);
  });

  it('an unknown source is counted as reported; a split of the wrong shape is an invalid file', async () => {
    const store = createUsageStore(dir, { warn, now: at('2026-11-20') });
    await store.record('m/x', usage(0.5, 'guessed'));
    expect(costBySource(store.day('2026-11-20')['m/x']!)).toEqual({ reported: 0.5, looked_up: 0, estimated: 0 });
    writeFileSync(join(dir, 'usage.json'), JSON.stringify({ days: { '2026-11-20': { 'm/x': { requests: 1, prompt_tokens: 1, completion_tokens: 1, cost: 1, cost_by_source: { estimated: 'lots' } } } } }));
    expect(createUsageStore(dir, { warn }).day('2026-11-20')).toEqual({});
    expect(warnings.join('\n')).toMatch(/usage\.json/);
  });

  it('daysFrom: the days from the one given on', async () => {
    for (const day of ['2026-11-01', '2026-11-15', '2026-11-20']) await createUsageStore(dir, { warn, now: at(day) }).record('m/x', usage(1));
    expect(Object.keys(createUsageStore(dir, { warn }).daysFrom('2026-11-15')).sort()).toEqual(['2026-11-15', '2026-11-20']);
  });
});
