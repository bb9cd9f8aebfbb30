// The batch's pieces that need no server: what a line becomes, which shard an item falls in,
// and the usage of many items recorded in one update.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from '@jest/globals';
import { itemKey, itemOfLine, itemOfRecord } from '../../../../src/app/batch/items.js';
import { shardOf } from '../../../../src/app/batch/run-batch.js';
import { createUsageStore } from '../../../../src/state/usage-store.js';

const dirs: string[] = [];
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

describe('batch items', () => {
  it('a plain line is a prompt, keyed by its hash; the same line, the same key', () => {
    const a = itemOfLine('Explain SSE', 0, 1, 'in.txt');
    expect(a.item).toEqual({ prompt: 'Explain SSE' });
    expect(itemKey(a)).toBe(itemKey(itemOfLine('Explain SSE', 7, 9, 'in.txt')));
    expect(itemKey(a)).not.toBe(itemKey(itemOfLine('Explain SSE.', 0, 1, 'in.txt')));
  });

  it('a JSON object is an item keyed by its id; numbers as ids are kept as text', () => {
    const read = itemOfLine('{"id": 42, "prompt": "hi", "vars": {"n": 3, "ok": true}, "attach": "x.png"}', 0, 1, 'in.jsonl');
    expect(read.error).toBeUndefined();
    expect(read.item).toEqual({ id: '42', prompt: 'hi', vars: { n: '3', ok: 'true' }, attach: ['x.png'] });
    expect(itemKey(read)).toBe('id:42');
  });

  it('an invalid item is its own usage error, naming the line and the field; the id is kept when readable', () => {
    const unknown = itemOfLine('{"id": "a", "promt": "typo"}', 0, 3, 'in.jsonl');
    expect(unknown.error?.kind).toBe('usage');
    expect(unknown.error?.message).toMatch(/^line 3 of in\.jsonl: /);
    expect(unknown.id).toBe('a');
    expect(itemOfLine('{"prompt": "x", "temperature": 3}', 0, 1, 'f').error?.message).toMatch(/temperature: temperature must be between 0 and 2/);
    expect(itemOfLine('{"prompt": "x", "messages": [{"role": "user", "content": "y"}]}', 0, 1, 'f').error?.message).toMatch(/not both/);
    expect(itemOfLine('{"messages": []}', 0, 1, 'f').error?.message).toMatch(/messages must not be empty/);
    expect(itemOfLine('{oops', 0, 5, 'f').error?.message).toMatch(/^line 5 of f is not valid JSON/);
  });

  it('a CSV record: its columns are variables, an id column is the id', () => {
    const read = itemOfRecord({ id: 'r1', text: 'great' }, 0);
    expect(read.item).toEqual({ id: 'r1', vars: { id: 'r1', text: 'great' } });
    expect(itemKey(read)).toBe('id:r1');
    expect(itemOfRecord({ text: 'x' }, 1).id).toBeNull();
  });
});

describe('shards', () => {
  it('every key falls in exactly one of n shards, stably, and the shards share the items', () => {
    const keys = Array.from({ length: 3000 }, (_, i) => `id:item-${i}`);
    const sizes = [0, 0, 0];
    for (const key of keys) {
      const shard = shardOf(key, 3);
      expect(shard).toBe(shardOf(key, 3));
      sizes[shard] = (sizes[shard] as number) + 1;
    }
    for (const size of sizes) expect(size).toBeGreaterThan(800);
    expect(keys.every((key) => shardOf(key, 1) === 0)).toBe(true);
  });
});

describe('usage of many items', () => {
  it('recordMany adds each item as one request, in one update', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'devsynth-batch-usage-'));
    dirs.push(dir);
    const usage = createUsageStore(dir, { now: () => new Date('2026-11-29T10:00:00Z') });
    await usage.recordMany([
      { model: 'm/a', usage: { prompt_tokens: 10, completion_tokens: 5, total_tokens: 15, cost: 0.01 }, provider: 'P' },
      { model: 'm/a', usage: { prompt_tokens: 1, completion_tokens: 1, total_tokens: 2, cost: 0.02 }, provider: 'P' },
      { model: 'm/b', usage: undefined },
    ]);
    const day = usage.day('2026-11-29');
    expect(day['m/a']).toMatchObject({ requests: 2, prompt_tokens: 11, completion_tokens: 6, by_provider: { P: { requests: 2 } } });
    expect(day['m/a']?.cost).toBeCloseTo(0.03);
    expect(day['m/b']).toEqual({ requests: 1, prompt_tokens: 0, completion_tokens: 0, cost: 0 });
  });
});
