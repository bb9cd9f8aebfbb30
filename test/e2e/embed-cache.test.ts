// `embed` and its on-disk vector cache against the fake server with real-sized vectors (1,536
// dimensions): a cached run prints byte for byte what an uncached one does, without a request,
// and vectors are cached apart for each endpoint; the store is set up during the first request.
import { existsSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from '@jest/globals';
import { type FakeOpenRouter, startFakeOpenRouter } from '../helpers/fake-openrouter.js';
import { type CliSandbox, cliSandbox } from '../helpers/run-cli.js';

const servers: FakeOpenRouter[] = [];
const sandboxes: CliSandbox[] = [];
afterEach(async () => {
  await Promise.all(servers.splice(0).map((s) => s.close()));
  for (const s of sandboxes.splice(0)) s.dispose();
});
const start = async (dimensions?: number) => {
  const fake = await startFakeOpenRouter(dimensions ? { embeddingDimensions: dimensions, keepSent: false } : {});
  servers.push(fake);
  return fake;
};
const embedRequests = (fake: FakeOpenRouter) => fake.requests.filter((r) => r.path === '/embeddings').length;

describe('embed with the vector cache', () => {
  it('a cached run prints the same bytes as an uncached one, and sends nothing', async () => {
    const fake = await start(1536);
    const cli = cliSandbox(fake.url);
    sandboxes.push(cli);
    const file = join(cli.home, 'lines.txt');
    writeFileSync(file, Array.from({ length: 450 }, (_, i) => `line ${i} of the test`).join('\n'));
    const uncached = await cli.run(['embed', '--no-cache', '-f', file]);
    expect(uncached.code).toBe(0);
    const lines = uncached.stdout.trim().split('\n');
    expect(lines).toHaveLength(450);
    expect(JSON.parse(lines[0] as string).embedding).toHaveLength(1536);
    const filling = await cli.run(['embed', '-f', file]);
    const sent = embedRequests(fake);
    const cached = await cli.run(['embed', '-f', file]);
    const cachedJson = await cli.run(['embed', '--json', '-f', file]);
    const uncachedJson = await cli.run(['embed', '--json', '--no-cache', '-f', file]);
    expect([filling.code, cached.code, cachedJson.code, uncachedJson.code]).toEqual([0, 0, 0, 0]);
    expect(filling.stdout).toBe(uncached.stdout);
    expect(cached.stdout).toBe(uncached.stdout);
    // The vectors byte for byte (the usage differs: the cached run used no tokens).
    const dataOf = (text: string) => text.slice(0, text.lastIndexOf('],"usage":'));
    expect(dataOf(cachedJson.stdout)).toBe(dataOf(uncachedJson.stdout));
    expect(dataOf(cachedJson.stdout).length).toBeGreaterThan(450 * 1536 * 5);
    // The cached runs asked nothing; the last (--no-cache) asked again.
    expect(embedRequests(fake)).toBe(sent + 5);
    expect(cached.stderr).toBe('');
    // One file per vector under the store's fan-out, no JSON-lines file.
    const store = join(cli.env.DEVSYNTH_HOME as string, 'cache', 'store', 'embeddings');
    const entries = readdirSync(store, { recursive: true, withFileTypes: true }).filter((e) => e.isFile() && /^[0-9a-f]{64}$/.test(e.name));
    expect(entries).toHaveLength(450);
  }, 180_000);

  it("another base URL, or the same model elsewhere, never gets the first one's vectors", async () => {
    const first = await start(1536);
    const second = await start();
    const cli = cliSandbox(first.url);
    sandboxes.push(cli);
    const one = await cli.run(['embed', 'alpha', 'beta']);
    expect(one.code).toBe(0);
    expect(JSON.parse(one.stdout.split('\n')[0] as string).embedding).toHaveLength(1536);
    const other = await cli.run(['embed', 'alpha', 'beta'], { env: { OPENROUTER_BASE_URL: second.url } });
    expect(other.code).toBe(0);
    expect(embedRequests(second)).toBe(1);
    expect(JSON.parse(other.stdout.split('\n')[0] as string).embedding).toHaveLength(8);
    // Each endpoint's own vectors come back from the cache.
    expect((await cli.run(['embed', 'alpha', 'beta'])).stdout).toBe(one.stdout);
    expect((await cli.run(['embed', 'alpha', 'beta'], { env: { OPENROUTER_BASE_URL: second.url } })).stdout).toBe(other.stdout);
    expect([embedRequests(first), embedRequests(second)]).toEqual([1, 1]);
  }, 120_000);

  it('a JSON-lines cache of an earlier version is not served, and is removed', async () => {
    const fake = await start();
    const cli = cliSandbox(fake.url);
    sandboxes.push(cli);
    const old = join(cli.env.DEVSYNTH_HOME as string, 'cache', 'embeddings');
    const { mkdirSync } = await import('node:fs');
    mkdirSync(old, { recursive: true });
    const { createHash } = await import('node:crypto');
    const h = createHash('sha256').update('alpha').digest('hex');
    writeFileSync(join(old, 'openai_text-embedding-3-small.jsonl'), `{"h":"${h}","v":[9,9,9]}\n{"h":\n`);
    const result = await cli.run(['embed', 'alpha']);
    expect(result.code).toBe(0);
    expect(JSON.parse(result.stdout).embedding).toHaveLength(8);
    expect(embedRequests(fake)).toBe(1);
    expect(existsSync(join(old, 'openai_text-embedding-3-small.jsonl'))).toBe(false);
  });

  it("the store's set-up is done while the first request is on its way, not after the answer", async () => {
    const fake = await start();
    const cli = cliSandbox(fake.url);
    sandboxes.push(cli);
    const store = join(cli.env.DEVSYNTH_HOME as string, 'cache', 'store', 'embeddings');
    const fans = () => (existsSync(store) ? readdirSync(store).filter((name) => /^[0-9a-f]{2}$/.test(name)) : []);
    let seen: string[] | undefined;
    // The answer waits (up to 5 s) for the entry's folder: made only by the wait's set-up, since
    // nothing has been stored in this home yet.
    fake.script({
      kind: 'raw',
      handle: (_req, res, body) => {
        void (async () => {
          for (const until = Date.now() + 5000; fans().length === 0 && Date.now() < until; ) await new Promise((done) => setTimeout(done, 10));
          seen = fans();
          const model = String((body as { model?: unknown } | undefined)?.model);
          res.writeHead(200, { 'content-type': 'application/json' });
          res.end(JSON.stringify({ object: 'list', data: [{ object: 'embedding', index: 0, embedding: [0.5, -0.25, 1e-9] }], model, usage: { prompt_tokens: 2, total_tokens: 2, cost: 0 } }));
        })();
      },
    });
    const result = await cli.run(['embed', 'a text never embedded']);
    expect(result.code).toBe(0);
    expect(result.stderr).toBe('');
    expect(JSON.parse(result.stdout).embedding).toEqual([0.5, -0.25, 1e-9]);
    expect(seen).toHaveLength(1);
    // The vector went into that folder, and comes back from it.
    expect(readdirSync(join(store, (seen as string[])[0] as string)).filter((name) => /^[0-9a-f]{64}$/.test(name))).toHaveLength(1);
    expect((await cli.run(['embed', 'a text never embedded'])).stdout).toBe(result.stdout);
    expect(embedRequests(fake)).toBe(1);
  });
});
