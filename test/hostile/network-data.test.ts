// Acceptance: what the network sends is checked before it is passed on and stored: catalogue
// entries without a usable id are left out with one warning; embeddings that are not one
// vector of finite numbers per input are refused, and so never cached.
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from '@jest/globals';
import { expectStateIntact, type HostileCase, hostileCase, oneErrorLine } from './network-support.js';

let current: HostileCase | undefined;
afterEach(async () => {
  await current?.dispose();
  current = undefined;
});

const json = (res: import('node:http').ServerResponse, body: unknown) => {
  res.writeHead(200, { 'content-type': 'application/json' });
  res.end(typeof body === 'string' ? body : JSON.stringify(body));
};

describe('hostile server: the catalogue', () => {
  it('null entries, numeric ids and bad fields are skipped with one warning; the rest is listed and cached', async () => {
    current = await hostileCase((_req, res) =>
      json(res, {
        data: [
          null,
          { id: 42, pricing: { prompt: '0', completion: '0' } },
          { id: 'good/one', context_length: 8192, pricing: { prompt: '0.000001', completion: '0.000002' } },
          'a string',
          { id: 'bad/context', context_length: 'huge', pricing: { prompt: '0', completion: '0' } },
          { id: 'good/two:free', context_length: null, pricing: { prompt: '0', completion: '0' } },
        ],
      }),
    );
    const result = await current.cli.run([...current.config, 'models', '--refresh']);
    expect(result.code).toBe(0);
    expect(result.stdout.trim().split('\n').map((line) => line.split('\t')[0])).toEqual(['good/one', 'good/two:free']);
    const warnings = result.stderr.split('\n').filter((line) => /invalid/.test(line));
    expect(warnings).toEqual(['devsynth-or: warning: the model list had 4 invalid entries (no usable id); left out']);
    expectStateIntact(current.cli);
    // The cached copy serves the next listing without a request, and holds only valid entries.
    const cached = await current.cli.run([...current.config, 'models']);
    expect(cached.code).toBe(0);
    expect(cached.stdout.trim().split('\n')).toHaveLength(2);
    expect(current.server.requests).toHaveLength(1);
    const stateDir = current.cli.env.DEVSYNTH_HOME as string;
    const files = readdirSync(stateDir, { recursive: true }).map(String).filter((f) => /catalogue.*models/.test(f));
    expect(files.length).toBeGreaterThan(0);
    for (const file of files) {
      const ids = JSON.parse(readFileSync(join(stateDir, file), 'utf8')).models.map((m: { id: unknown }) => m.id);
      expect(ids).toEqual(['good/one', 'good/two:free']);
    }
  });
});

describe('hostile server: poisoned embeddings', () => {
  const vector = [0.1, 0.2, 0.3];
  it.each([
    ['a vector of strings', [{ index: 0, embedding: ['x', 'y', 'z'] }, { index: 1, embedding: vector }], 'embedding 0 is not a list of numbers'],
    ['an infinite number', '{"data":[{"index":0,"embedding":[1e999,0,0]},{"index":1,"embedding":[0.1,0.2,0.3]}]}', 'embedding 0 is not a list of numbers'],
    ['a duplicated index', [{ index: 0, embedding: vector }, { index: 0, embedding: vector }], 'two embeddings for input 0'],
    ['an index out of range', [{ index: 0, embedding: vector }, { index: 7, embedding: vector }], "an embedding's index is missing or out of range (2 inputs)"],
    ['a missing index', [{ index: 0, embedding: vector }, { embedding: vector }], "an embedding's index is missing or out of range (2 inputs)"],
    ['one vector for two inputs', [{ index: 0, embedding: vector }], '1 embeddings for 2 inputs'],
  ])('%s: exit 7, nothing cached (the next run asks again)', async (_what, data, message) => {
    let poisoned = true;
    current = await hostileCase((req, res) => {
      if (poisoned) {
        poisoned = false;
        return json(res, typeof data === 'string' ? data : { data, model: 'm' });
      }
      const inputs = JSON.parse(req.body).input as string[];
      json(res, { data: inputs.map((_t, index) => ({ index, embedding: vector })), model: 'm' });
    });
    const first = await current.cli.run([...current.config, 'embed', 'alpha', 'beta']);
    expect(first.code).toBe(7);
    expect(oneErrorLine(first.stderr)).toBe(`devsynth-or: invalid response from OpenRouter: ${message}`);
    expect(current.server.requests).toHaveLength(1);
    expectStateIntact(current.cli);
    const second = await current.cli.run([...current.config, 'embed', 'alpha', 'beta']);
    expect(second.code).toBe(0);
    expect(second.stdout.trim().split('\n').map((line) => JSON.parse(line).embedding)).toEqual([vector, vector]);
    expect(current.server.requests).toHaveLength(2);
  });
});
