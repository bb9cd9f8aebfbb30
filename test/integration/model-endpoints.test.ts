// OpenRouterProvider.getModelEndpoints and modelsServedBy against the fake server (a real HTTP
// server on 127.0.0.1): the endpoints fixture validates against the OpenAPI spec, ids are
// checked and path-encoded, an unknown model is an invalid-model error, hostile entries are
// left out, a huge body is refused at the cap; the providers without such a list say so.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, beforeEach, describe, expect, it } from '@jest/globals';
import {
  createMemoryBreakerStore,
  OfflineProvider,
  OpenAICompatibleProvider,
  OpenRouterConnectionError,
  OpenRouterInvalidModelError,
  OpenRouterProvider,
  OpenRouterValidationError,
} from '../../src/core/index.js';
import { MAX_ENDPOINTS_BODY_BYTES } from '../../src/core/providers/openrouter.js';
import { defaultEndpoints, defaultModels, endpointEntry, endpointsBody } from '../helpers/fake-catalogue.js';
import { type FakeOpenRouter, startFakeOpenRouter } from '../helpers/fake-openrouter.js';
import { validateEndpointsResponse } from '../helpers/openapi.js';

let fake: FakeOpenRouter;
beforeEach(async () => {
  fake = await startFakeOpenRouter();
});
afterEach(async () => {
  await fake.close();
});

const provider = (baseUrl = fake.url) =>
  new OpenRouterProvider({ apiKey: null, baseUrl, env: {}, breakerStore: createMemoryBreakerStore(), maxRetries: 0, sleep: async () => {} });
const endpointRequests = () => fake.requests.filter((request) => request.path.endsWith('/endpoints'));

describe('the endpoints fixture', () => {
  it('every model of the default catalogue gets a body that validates against the spec', () => {
    const models = defaultModels();
    const endpoints = defaultEndpoints(models);
    for (const model of models) {
      expect(validateEndpointsResponse(endpointsBody(model, endpoints[String(model.id)] ?? []))).toEqual([]);
    }
    expect(validateEndpointsResponse({ data: { id: 'x/y', endpoints: [] } }).length).toBeGreaterThan(0);
  });
});

describe('getModelEndpoints', () => {
  it('lists the providers serving a model, with what the spec reports, without a key', async () => {
    const answer = await provider().getModelEndpoints('openai/gpt-4o-mini');
    expect(answer.id).toBe('openai/gpt-4o-mini');
    expect(answer.endpoints.map((endpoint) => endpoint.provider_name)).toEqual(['OpenAI', 'Azure']);
    expect(answer.endpoints[1]).toMatchObject({ status: -1, uptime_last_1d: 98.25, latency_last_30m: { p50: 1650 }, throughput_last_30m: { p50: 88.2 } });
    const [request] = endpointRequests();
    expect(request?.path).toBe('/models/openai/gpt-4o-mini/endpoints');
    expect(request?.headers.authorization).toBeUndefined();
    // What the fake sent is what the spec describes.
    for (const sent of fake.sent.filter((entry) => entry.path.endsWith('/endpoints'))) expect(validateEndpointsResponse(sent.json)).toEqual([]);
  });

  it('a :free variant keeps its colon in the path', async () => {
    const answer = await provider().getModelEndpoints('meta-llama/llama-3.3-70b-instruct:free');
    expect(answer.endpoints.map((endpoint) => endpoint.provider_name)).toEqual(['Groq']);
    expect(endpointRequests()[0]?.path).toBe('/models/meta-llama/llama-3.3-70b-instruct:free/endpoints');
  });

  it('an id that could reach another path is refused before any request', async () => {
    for (const id of ['../key', 'openai/../../key', 'openai/gpt-4o?x=1', 'openai/gpt 4o', 'openai/a/b', '%2e%2e/key']) {
      await expect(provider().getModelEndpoints(id)).rejects.toBeInstanceOf(OpenRouterValidationError);
    }
    expect(fake.requests).toHaveLength(0);
  });

  it('a model OpenRouter does not know is the invalid-model error', async () => {
    const error = await provider().getModelEndpoints('nobody/no-such-model').catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(OpenRouterInvalidModelError);
    expect((error as OpenRouterInvalidModelError).message).toMatch(/unknown model "nobody\/no-such-model"/);
    expect((error as OpenRouterInvalidModelError).exitCode).toBe(6);
  });

  it('entries that cannot be shown are left out and counted; a body that is no endpoints list is refused', async () => {
    await fake.close();
    const [model] = defaultModels().filter((entry) => entry.id === 'openai/gpt-4');
    const good = endpointEntry(model!, { provider: 'OpenAI', context: 8191, prompt: '0.00003', completion: '0.00006' });
    fake = await startFakeOpenRouter({
      endpoints: {
        'openai/gpt-4': [
          good,
          { ...good, provider_name: 42 },
          { ...good, pricing: { prompt: 0.1, completion: '1' } },
          { ...good, latency_last_30m: { p50: 'fast' } },
          { ...good, context_length: -5 },
          { ...good, provider_name: 'x'.repeat(5000) },
          'not an object' as unknown as Record<string, unknown>,
        ],
        'openai/gpt-4o-mini': 'not a list' as unknown as [],
      },
    });
    let skipped = 0;
    const answer = await provider().getModelEndpoints('openai/gpt-4', { onSkipped: (count) => (skipped = count) });
    expect(answer.endpoints).toHaveLength(1);
    expect(skipped).toBe(6);
    await expect(provider().getModelEndpoints('openai/gpt-4o-mini')).rejects.toThrow(/invalid response from OpenRouter: not a list of endpoints/);
  });
});

describe('a huge endpoints body', () => {
  let server: Server;
  afterEach(async () => {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  });

  it('is refused at its cap, far below the general one, and the connection closed', async () => {
    let written = 0;
    let hungUp = false;
    server = createServer((_req, res) => {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.write('{"data":{"id":"openai/gpt-4","endpoints":[');
      const chunk = `${JSON.stringify({ provider_name: 'P', context_length: 1, pricing: { prompt: '0', completion: '0' } })},`.repeat(1000);
      // Up to 64 MB unless the client hangs up first.
      const pump = () => {
        while (written < 64 * 1024 * 1024) {
          written += chunk.length;
          if (!res.write(chunk)) return void res.once('drain', pump);
        }
        res.end(']}}');
      };
      res.on('close', () => {
        if (!res.writableFinished) hungUp = true;
        written = Number.POSITIVE_INFINITY;
      });
      pump();
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as AddressInfo;
    const error = await provider(`http://127.0.0.1:${port}/api/v1`).getModelEndpoints('openai/gpt-4').catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(OpenRouterConnectionError);
    expect((error as OpenRouterConnectionError).failure).toBe('too_large');
    expect((error as Error).message).toMatch(/exceeded 4 MB/);
    expect(MAX_ENDPOINTS_BODY_BYTES).toBe(4 * 1024 * 1024);
    for (let waited = 0; !hungUp && waited < 10_000; waited += 50) await new Promise((resolve) => setTimeout(resolve, 50));
    expect(hungUp).toBe(true);
  });
});

describe('modelsServedBy', () => {
  it('asks GET /models with the providers filter and returns the ids listed', async () => {
    expect((await provider().modelsServedBy(['Groq'])).sort()).toEqual(['meta-llama/llama-3.3-70b-instruct:free', 'tiny/context-model']);
    expect((await provider().modelsServedBy(['Azure', 'Amazon Bedrock'])).sort()).toEqual(['anthropic/claude-haiku-4.5', 'openai/gpt-4o-mini']);
    expect(fake.requests.map((request) => request.query.get('providers'))).toEqual(['Groq', 'Azure,Amazon Bedrock']);
  });
});

describe('providers without such lists', () => {
  it('the offline and OpenAI-compatible providers answer undefined, asking nothing', async () => {
    expect(await new OfflineProvider().getModelEndpoints('offline/echo')).toBeUndefined();
    expect(await new OfflineProvider().modelsServedBy(['Groq'])).toBeUndefined();
    const local = new OpenAICompatibleProvider({ preset: 'lmstudio', baseUrl: fake.url, env: {} });
    expect(await local.getModelEndpoints('openai/gpt-4')).toBeUndefined();
    expect(await local.modelsServedBy(['Groq'])).toBeUndefined();
    expect(fake.requests).toHaveLength(0);
  });
});
