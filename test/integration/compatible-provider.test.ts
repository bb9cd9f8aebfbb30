// OpenAICompatibleProvider (the local, lmstudio and openai presets) against the fake in its
// OpenAI flavour over real HTTP on 127.0.0.1: what it sends, what it reads, how it fails.
import { afterEach, describe, expect, it, jest } from '@jest/globals';
import {
  ConfigError,
  createMemoryBreakerStore,
  createProvider,
  OpenAICompatibleProvider,
  type OpenAICompatibleProviderOptions,
  OpenRouterAuthenticationError,
  OpenRouterCircuitOpenError,
  OpenRouterConnectionError,
  type StreamEvent,
} from '../../src/index.js';
import { errorBodies, type FakeOpenRouter, startFakeOpenRouter } from '../helpers/fake-openrouter.js';

let fake: FakeOpenRouter | undefined;
afterEach(async () => {
  await fake?.close();
  // Nothing OpenRouter-only (models, provider, reasoning…) may reach an OpenAI-style server.
  expect(fake?.violations ?? []).toEqual([]);
  fake = undefined;
});

async function serve(options: Parameters<typeof startFakeOpenRouter>[0] = {}): Promise<FakeOpenRouter> {
  fake = await startFakeOpenRouter({ flavour: 'openai', apiKey: null, ...options });
  return fake;
}

function compatible(options: OpenAICompatibleProviderOptions = {}): OpenAICompatibleProvider {
  return new OpenAICompatibleProvider({
    preset: 'lmstudio',
    baseUrl: fake?.url ?? null,
    env: {},
    breakerStore: createMemoryBreakerStore(),
    sleep: async () => {},
    ...options,
  });
}

const ask = (text = 'hi') => ({ messages: [{ role: 'user' as const, content: text }] });

async function events(provider: OpenAICompatibleProvider, request: Parameters<OpenAICompatibleProvider['chat']>[0] = ask()): Promise<StreamEvent[]> {
  const out: StreamEvent[] = [];
  for await (const event of provider.chat(request)) out.push(event);
  return out;
}

describe('presets', () => {
  it('each preset has its own name, base URL and key rule', () => {
    const local = createProvider('local', { env: {} });
    const lmstudio = createProvider('lmstudio', { env: {} });
    const openai = createProvider('openai', { env: {} });
    expect([local.id, lmstudio.id, openai.id]).toEqual(['local', 'lmstudio', 'openai']);
    expect(openai.model).toBe('gpt-4o-mini');
    expect(openai.embeddingModel).toBe('text-embedding-3-small');
    // Local servers: the model is asked of the server on first use.
    expect(local.model).toBe('');
  });

  it('reads the preset variables when no option is given', async () => {
    const server = await serve({ apiKey: 'lm-secret' });
    const provider = new OpenAICompatibleProvider({
      preset: 'lmstudio',
      env: { LMSTUDIO_BASE_URL: server.url, LMSTUDIO_API_KEY: 'lm-secret', LMSTUDIO_MODEL: 'my-model' },
      breakerStore: createMemoryBreakerStore(),
    });
    expect(provider.model).toBe('my-model');
    expect(await provider.generate('hi')).toBe('Hello from fake');
    expect(server.requests[0]?.headers.authorization).toBe('Bearer lm-secret');
  });

  it('openai needs a key: refused before any request, naming OPENAI_API_KEY (exit 4)', async () => {
    const server = await serve({ apiKey: 'sk-openai' });
    const provider = compatible({ preset: 'openai' });
    const error = await provider.generate('hi').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(OpenRouterAuthenticationError);
    expect((error as OpenRouterAuthenticationError).exitCode).toBe(4);
    expect((error as Error).message).toContain('OPENAI_API_KEY');
    expect((error as OpenRouterAuthenticationError).hint).toContain('llm.providers.openai.api_key');
    expect(server.requests).toHaveLength(0);
  });

  it('a rejected key says which variable to check', async () => {
    await serve({ apiKey: 'sk-right' });
    const error = await compatible({ preset: 'openai', apiKey: 'sk-wrong' }).generate('hi').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(OpenRouterAuthenticationError);
    expect((error as OpenRouterAuthenticationError).hint).toContain('OPENAI_API_KEY');
    expect((error as Error).message).toContain('OpenAI rejected the API key (401)');
  });
});

describe('what is sent', () => {
  it('streams with include_usage, no attribution headers, no OpenRouter fields, no key when none is set', async () => {
    const server = await serve();
    const out = await events(compatible({ model: 'qwen2.5-7b-instruct' }), {
      ...ask(),
      models: ['other/model'],
      provider: { order: ['x'] },
      reasoning: { effort: 'high' },
    });
    const body = server.requests[0]?.body as Record<string, unknown>;
    expect(body).toMatchObject({ model: 'qwen2.5-7b-instruct', stream: true, stream_options: { include_usage: true } });
    for (const field of ['models', 'provider', 'reasoning']) expect(body).not.toHaveProperty(field);
    const headers = server.requests[0]?.headers ?? {};
    expect(headers.authorization).toBeUndefined();
    expect(headers['http-referer']).toBeUndefined();
    expect(headers['x-title']).toBeUndefined();
    expect(out.filter((e) => e.type === 'token').map((e) => (e as { text: string }).text).join('')).toBe('Hello from fake');
    expect(out.find((e) => e.type === 'usage')).toMatchObject({ usage: { prompt_tokens: expect.any(Number), completion_tokens: 3 } });
  });

  it('accepts model ids in the server own style (no org/ prefix, Ollama tags)', async () => {
    const server = await serve();
    await compatible({ preset: 'local' }).generate('hi', { model: 'llama3.2:3b' });
    expect((server.requests[0]?.body as { model: string }).model).toBe('llama3.2:3b');
    await expect(compatible({ preset: 'local' }).generate('hi', { model: 'has space' })).rejects.toThrow(/invalid model id/);
  });

  it('non-streaming calls work the same', async () => {
    const server = await serve();
    expect(await compatible({ model: 'm' }).generate('hi')).toBe('Hello from fake');
    expect(server.requests[0]?.body).toMatchObject({ stream: false });
    expect(server.requests[0]?.body).not.toHaveProperty('stream_options');
  });
});

describe('models the server has', () => {
  it('with no model configured, the first chat model the server lists is used, asked once', async () => {
    const server = await serve();
    const provider = compatible();
    expect(await provider.generate('one')).toBe('Hello from fake');
    expect(await provider.generate('two')).toBe('Hello from fake');
    const chats = server.requests.filter((r) => r.path === '/chat/completions');
    expect(chats.map((r) => (r.body as { model: string }).model)).toEqual(['qwen2.5-7b-instruct', 'qwen2.5-7b-instruct']);
    expect(server.requests.filter((r) => r.path === '/models')).toHaveLength(1);
  });

  it('embeddings go to the first listed embedding model', async () => {
    const server = await serve();
    const vectors = await compatible().getEmbedding(['a', 'b']);
    expect(vectors).toHaveLength(2);
    expect(server.requests.find((r) => r.path === '/embeddings')?.body).toMatchObject({ model: 'text-embedding-nomic-embed-text-v1.5' });
  });

  it('a server with no chat model loaded: a configuration error that says what to do (exit 3)', async () => {
    await serve({ models: [{ id: 'nomic-embed-text', object: 'model' }] });
    const error = await compatible().generate('hi').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ConfigError);
    expect((error as ConfigError).message).toContain('no model set for LM Studio');
    expect((error as ConfigError).hint).toContain('llm.providers.lmstudio.model');
  });

  it('lists chat and embedding models apart, free on this machine', async () => {
    await serve();
    const provider = compatible();
    expect((await provider.listModels()).map((m) => m.id)).toEqual(['qwen2.5-7b-instruct']);
    const embeddings = await provider.listModels({ embeddings: true });
    expect(embeddings.map((m) => m.id)).toEqual(['text-embedding-nomic-embed-text-v1.5']);
    expect(embeddings[0]).toMatchObject({ context_length: null, pricing: { prompt: '0', completion: '0' } });
  });
});

describe('time limits', () => {
  /** A fetch whose response never comes: only a time limit (or the caller) ends the wait. */
  const silentFetch = ((_input: unknown, init?: { signal?: AbortSignal }) =>
    new Promise((_resolve, reject) => init?.signal?.addEventListener('abort', () => reject(init.signal?.reason)))) as unknown as typeof fetch;

  /** The error that ends a call to a server that never answers, in fake time. */
  async function limitHit(call: () => Promise<unknown>): Promise<Error> {
    // Loaded now, with real timers: a module load under fake ones would arm the limit late.
    await import('ofetch');
    jest.useFakeTimers();
    try {
      let error: Error | undefined;
      const outcome = call().catch((e: Error) => (error = e));
      for (let i = 0; i < 100 && !error; i++) await jest.advanceTimersByTimeAsync(5_000);
      await outcome;
      return error as Error;
    } finally {
      jest.useRealTimers();
    }
  }
  const make = (options: OpenAICompatibleProviderOptions) =>
    new OpenAICompatibleProvider({ apiKey: 'k', model: 'm', baseUrl: 'http://127.0.0.1:9/v1', env: {}, maxRetries: 0, fetch: silentFetch, breakerStore: createMemoryBreakerStore(), ...options });
  const streamed = (provider: OpenAICompatibleProvider) => async () => {
    for await (const _piece of provider.generateStream('hi')) void _piece;
  };

  it.each([
    ['lmstudio', 120, 300, 'LM Studio'],
    ['local', 120, 300, 'the local server'],
    ['openai', 10, 60, 'OpenAI'],
  ] as const)('%s waits %i s for the headers of a stream and %i s for a whole answer (a local server may load its model first)', async (preset, headers, whole, label) => {
    expect((await limitHit(streamed(make({ preset })))).message).toBe(`no response from ${label} within ${headers} s (call_timeout)`);
    expect((await limitHit(() => make({ preset }).generate('hi'))).message).toBe(`no answer from ${label} within ${whole} s (timeout)`);
  });

  it('configured limits win over the preset', async () => {
    const provider = () => make({ preset: 'lmstudio', callTimeout: 3, timeout: 4 });
    expect((await limitHit(streamed(provider()))).message).toBe('no response from LM Studio within 3 s (call_timeout)');
    expect((await limitHit(() => provider().generate('hi'))).message).toBe('no answer from LM Studio within 4 s (timeout)');
  });
});

describe('failures', () => {
  it('nothing listening: a connection error (exit 7) naming the server', async () => {
    const server = await serve();
    const url = server.url;
    await server.close();
    const error = await compatible({ baseUrl: url, model: 'm', maxRetries: 0 }).generate('hi').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(OpenRouterConnectionError);
    expect((error as OpenRouterConnectionError).exitCode).toBe(7);
  });

  it('5xx is retried, then opens its own breaker, keyed by the preset', async () => {
    const server = await serve();
    const store = createMemoryBreakerStore();
    const provider = compatible({ model: 'm', maxRetries: 1, failureThreshold: 1, breakerStore: store });
    server.script(errorBodies.server(503), errorBodies.server(503));
    const error = await provider.generate('hi').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(OpenRouterConnectionError);
    expect((error as OpenRouterConnectionError).hint).toContain('LM Studio is failing');
    expect(server.requests.filter((r) => r.path === '/chat/completions')).toHaveLength(2);
    expect((await store.get('lmstudio'))?.state).toBe('open');
    expect(await store.get('openrouter')).toBeUndefined();
    await expect(provider.generate('again')).rejects.toBeInstanceOf(OpenRouterCircuitOpenError);
  });
});
