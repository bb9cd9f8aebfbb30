// The provider that served each answer, in the state files: on a session's answers and in the
// usage totals by provider; cut to a length the schema keeps, so a server's long name never
// makes the file invalid; files written without it still load.
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from '@jest/globals';
import { createSessionStore } from '../../../src/state/sessions.js';
import { createUsageStore } from '../../../src/state/usage-store.js';

let dir: string;
let warnings: string[];
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'served-by-'));
  warnings = [];
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));
const warn = (message: string) => warnings.push(message);
const USAGE = { prompt_tokens: 10, completion_tokens: 5, total_tokens: 15, cost: 0.5 };

describe('usage by provider', () => {
  it('adds each request to its model and to the provider that served it', async () => {
    const usage = createUsageStore(dir, { warn });
    await usage.record('m/x', USAGE, 'Groq');
    await usage.record('m/x', USAGE, 'Cerebras');
    await usage.record('m/x', USAGE, 'Groq');
    await usage.record('m/x', USAGE);
    const day = createUsageStore(dir, { warn }).day();
    expect(day['m/x']).toEqual({
      requests: 4, prompt_tokens: 40, completion_tokens: 20, cost: 2,
      by_provider: { Groq: { requests: 2, prompt_tokens: 20, completion_tokens: 10, cost: 1 }, Cerebras: { requests: 1, prompt_tokens: 10, completion_tokens: 5, cost: 0.5 } },
    });
    expect(warnings).toEqual([]);
  });

  it('a very long provider name is cut, and the file stays valid', async () => {
    const usage = createUsageStore(dir, { warn });
    await usage.record('m/x', USAGE, 'P'.repeat(100_000));
    await usage.record('m/x', USAGE);
    expect(Object.keys(usage.day()['m/x']?.by_provider ?? {})).toEqual(['P'.repeat(200)]);
    expect(usage.day()['m/x']?.requests).toBe(2);
    expect(warnings).toEqual([]);
  });

  it('a file written without it loads, and gains it', async () => {
    const today = new Date().toISOString().slice(0, 10);
    writeFileSync(join(dir, 'usage.json'), JSON.stringify({ days: { [today]: { 'm/x': { requests: 1, prompt_tokens: 1, completion_tokens: 1, cost: 0 } } } }));
    const usage = createUsageStore(dir, { warn });
    await usage.record('m/x', USAGE, 'Groq');
    expect(usage.day()['m/x']).toMatchObject({ requests: 2, by_provider: { Groq: { requests: 1 } } });
    expect(warnings).toEqual([]);
  });

  it('a by_provider of the wrong shape is an invalid file, as any other field', async () => {
    const today = new Date().toISOString().slice(0, 10);
    writeFileSync(join(dir, 'usage.json'), JSON.stringify({ days: { [today]: { 'm/x': { requests: 1, prompt_tokens: 1, completion_tokens: 1, cost: 0, by_provider: { Groq: 'lots' } } } } }));
    expect(createUsageStore(dir, { warn }).day()).toEqual({});
    expect(warnings.join('\n')).toMatch(/usage/);
  });
});

describe('sessions keep the provider on the answer', () => {
  it('on the assistant message only; not on what is read back for the model', async () => {
    const sessions = createSessionStore(dir, { warn });
    await sessions.appendTurn('s', { messages: [{ role: 'user', content: 'q' }, { role: 'assistant', content: 'a' }], model: 'm/x', provider: 'Groq' });
    await sessions.appendTurn('s', { messages: [{ role: 'user', content: 'q2' }, { role: 'assistant', content: 'a2' }], model: 'm/x', provider: 'X'.repeat(1000) });
    const file = JSON.parse(readFileSync(join(dir, 'sessions', 's.json'), 'utf8'));
    expect(file.messages.map((m: { provider?: string }) => m.provider ?? null)).toEqual([null, 'Groq', null, 'X'.repeat(200)]);
    expect(sessions.load('s').messages).toEqual([
      { role: 'user', content: 'q' },
      { role: 'assistant', content: 'a' },
      { role: 'user', content: 'q2' },
      { role: 'assistant', content: 'a2' },
    ]);
    expect(warnings).toEqual([]);
  });

  it('a provider that is not text makes the file invalid, as any other field', () => {
    const path = join(dir, 'sessions');
    createSessionStore(dir, { warn });
    rmSync(path, { recursive: true, force: true });
    mkdirSync(path, { recursive: true });
    writeFileSync(join(path, 'bad.json'), JSON.stringify({ name: 'bad', model: null, created: 'x', updated: 'x', messages: [{ role: 'assistant', content: 'a', provider: 42 }] }));
    expect(createSessionStore(dir, { warn }).load('bad').messages).toEqual([]);
    expect(warnings.join('\n')).toMatch(/bad/);
  });
});
