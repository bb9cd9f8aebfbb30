// OpenRouterProvider.generation: GET /generation?id= against the fake server (the stats of the
// answers it gave, 404 while "not ready"), and hostile bodies from raw servers: a cost that is
// not a number of zero or more, another generation's record, a body far too large.
import { afterEach, describe, expect, it } from '@jest/globals';
import { createMemoryBreakerStore } from '../../src/core/internal/circuit-breaker.js';
import { GENERATION_NOT_READY_DELAYS_MS, OpenAICompatibleProvider, OpenRouterProvider } from '../../src/index.js';
import { startFakeOpenRouter, type FakeOpenRouter, TEST_API_KEY } from '../helpers/fake-openrouter.js';
import { type HostileServer, hostileServer, sendHuge } from '../helpers/hostile-server.js';

let fake: FakeOpenRouter | undefined;
let raw: HostileServer | undefined;
let sleeps: number[];
afterEach(async () => {
  await fake?.close();
  await raw?.close();
  fake = undefined;
  raw = undefined;
});

const provider = (baseUrl: string) => {
  sleeps = [];
  return new OpenRouterProvider({
    apiKey: TEST_API_KEY,
    baseUrl,
    maxRetries: 1,
    retryInitialDelay: 0.01,
    env: {},
    breakerStore: createMemoryBreakerStore(),
    sleep: async (ms) => {
      sleeps.push(ms);
    },
  });
};

const lookUps = (server: FakeOpenRouter) => server.requests.filter((request) => request.path === '/generation');

describe('the generation look-up against the fake server', () => {
  it("answers with the generation's cost, model, upstream and tokens", async () => {
    fake = await startFakeOpenRouter();
    fake.script({ kind: 'reply', provider: 'DeepInfra', omitCost: true, usage: { prompt_tokens: 10, completion_tokens: 4, total_tokens: 14, cost: 0.0042 } });
    const openrouter = provider(fake.url);
    const result = await openrouter.chat({ messages: [{ role: 'user', content: 'hi' }], model: 'openai/gpt-4o-mini' }).collect();
    expect(result.usage?.cost).toBeUndefined();
    const generation = await openrouter.generation(result.id!);
    expect(generation).toMatchObject({ id: result.id, totalCost: 0.0042, model: 'openai/gpt-4o-mini', providerName: 'DeepInfra', tokensPrompt: 10, tokensCompletion: 4 });
    const [request] = lookUps(fake);
    expect(request?.query.get('id')).toBe(result.id);
    expect(request?.headers.authorization).toBe(`Bearer ${TEST_API_KEY}`);
  });

  it('asks again while the stats are not ready (404), after short pauses', async () => {
    fake = await startFakeOpenRouter({ generationNotReady: 2 });
    const openrouter = provider(fake.url);
    const result = await openrouter.chat({ messages: [{ role: 'user', content: 'hi' }], model: 'openai/gpt-4o-mini' }).collect();
    const generation = await openrouter.generation(result.id!);
    expect(generation.totalCost).toBe(result.usage?.cost);
    expect(lookUps(fake)).toHaveLength(3);
    expect(sleeps).toEqual(GENERATION_NOT_READY_DELAYS_MS.slice(0, 2));
  });

  it('gives up with the 404 after a few seconds of pauses in all', async () => {
    fake = await startFakeOpenRouter();
    const error = await provider(fake.url).generation('gen-0-unknown').catch((e: unknown) => e);
    expect(error).toMatchObject({ status: 404 });
    expect(lookUps(fake)).toHaveLength(GENERATION_NOT_READY_DELAYS_MS.length + 1);
    expect(sleeps.reduce((sum, ms) => sum + ms, 0)).toBeLessThanOrEqual(5_000);
    expect(Math.min(...sleeps)).toBeGreaterThanOrEqual(500);
  });

  it('other providers have no look-up', async () => {
    const local = new OpenAICompatibleProvider({ preset: 'lmstudio', baseUrl: 'http://127.0.0.1:9/v1', env: {} });
    await expect(local.generation('gen-1')).resolves.toBeUndefined();
  });
});

describe('hostile generation bodies are refused, not passed on', () => {
  const serve = async (body: string) => {
    raw = await hostileServer((_req, res) => {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(body);
    });
    return provider(raw.baseUrl).generation('gen-1');
  };

  it.each([
    ['a cost as a string', '{"data":{"id":"gen-1","total_cost":"0.01"}}'],
    ['a negative cost', '{"data":{"id":"gen-1","total_cost":-0.5}}'],
    ['an infinite cost', '{"data":{"id":"gen-1","total_cost":1e999}}'],
    ['no cost', '{"data":{"id":"gen-1"}}'],
    ['no data', '{"total_cost":0.01}'],
    ["another generation's stats", '{"data":{"id":"gen-2","total_cost":0.01}}'],
  ])('%s', async (_what, body) => {
    await expect(serve(body)).rejects.toMatchObject({ kind: 'connection', failure: 'protocol' });
  });

  it('fields of the wrong type are left out, the cost kept', async () => {
    const generation = await serve('{"data":{"id":"gen-1","total_cost":0.5,"model":{"x":1},"provider_name":"' + 'P'.repeat(5000) + '","tokens_prompt":-3,"tokens_completion":7}}');
    expect(generation).toEqual({ id: 'gen-1', totalCost: 0.5, tokensCompletion: 7 });
  });

  it('a body of 1 GB is cut off at the cap, in one request', async () => {
    raw = await hostileServer((_req, res) =>
      sendHuge(res, { headers: { 'content-type': 'application/json' }, prefix: '{"data":{"id":"gen-1","total_cost":0.1,"pad":"', fill: 'x'.repeat(1024), total: 1024 ** 3 }),
    );
    await expect(provider(raw.baseUrl).generation('gen-1')).rejects.toMatchObject({ failure: 'too_large' });
    expect(raw.requests).toHaveLength(1);
  }, 60_000);

  it('an id is sent as one query value; one with spaces or control characters is not sent', async () => {
    raw = await hostileServer((_req, res) => {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end('{"data":{"total_cost":0}}');
    });
    await provider(raw.baseUrl).generation('gen-1&x=../key');
    const query = new URL(raw.requests[0]!.url, 'http://127.0.0.1').searchParams;
    expect([...query.keys()]).toEqual(['id']);
    expect(query.get('id')).toBe('gen-1&x=../key');
    await expect(provider(raw.baseUrl).generation('gen 1\n')).rejects.toMatchObject({ failure: 'protocol' });
    expect(raw.requests).toHaveLength(1);
  });
});
