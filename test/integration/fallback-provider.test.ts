// llm.fallback in the library: real providers over real HTTP on 127.0.0.1. The chosen
// provider fails in each way that counts as "unavailable" (and in ways that do not), and the
// chain either moves on, saying so in a `fallback` event, or stops with the first error.
import { afterEach, beforeEach, describe, expect, it } from '@jest/globals';
import {
  CancelledError,
  createMemoryBreakerStore,
  createProviderChain,
  FallbackProvider,
  OfflineProvider,
  OpenAICompatibleProvider,
  OpenRouterAuthenticationError,
  OpenRouterConnectionError,
  OpenRouterProvider,
  type OpenRouterProviderOptions,
  OpenRouterRateLimitError,
  OpenRouterValidationError,
  type StreamEvent,
} from '../../src/index.js';
import { errorBodies, type FakeOpenRouter, startFakeOpenRouter, TEST_API_KEY } from '../helpers/fake-openrouter.js';

let openrouter: FakeOpenRouter;
let lmstudio: FakeOpenRouter;
beforeEach(async () => {
  openrouter = await startFakeOpenRouter();
  lmstudio = await startFakeOpenRouter({ flavour: 'openai', apiKey: null });
});
afterEach(async () => {
  await openrouter.close();
  await lmstudio.close();
  expect([...openrouter.violations, ...lmstudio.violations]).toEqual([]);
});

function chain(options: OpenRouterProviderOptions = {}): FallbackProvider {
  const store = createMemoryBreakerStore();
  return new FallbackProvider([
    new OpenRouterProvider({ apiKey: TEST_API_KEY, baseUrl: openrouter.url, env: {}, breakerStore: store, maxRetries: 1, sleep: async () => {}, ...options }),
    new OpenAICompatibleProvider({ preset: 'lmstudio', baseUrl: lmstudio.url, env: {}, breakerStore: store, sleep: async () => {} }),
    new OfflineProvider(),
  ]);
}

async function run(provider: FallbackProvider, request = { messages: [{ role: 'user' as const, content: 'hi' }] }, signal?: AbortSignal) {
  const events: StreamEvent[] = [];
  try {
    for await (const event of provider.chat(request, signal ? { signal } : {})) events.push(event);
    return { events, text: tokens(events) };
  } catch (error) {
    return { events, text: tokens(events), error };
  }
}
const tokens = (events: StreamEvent[]) => events.filter((e) => e.type === 'token').map((e) => (e as { text: string }).text).join('');
const fallbacks = (events: StreamEvent[]) => events.filter((e) => e.type === 'fallback').map((e) => `${(e as { from: string }).from}→${(e as { to: string }).to}`);

describe('moves on when the chosen provider is unavailable', () => {
  it('5xx after the retry budget: the next provider answers, and the event says why', async () => {
    openrouter.script(errorBodies.server(502), errorBodies.server(502));
    const { events, text, error } = await run(chain());
    expect(error).toBeUndefined();
    expect(text).toBe('Hello from fake');
    expect(fallbacks(events)).toEqual(['openrouter→lmstudio']);
    const notice = events.find((e) => e.type === 'fallback') as Extract<StreamEvent, { type: 'fallback' }>;
    expect(notice.reason).toContain('server error (502)');
    expect(notice.error).toBeInstanceOf(OpenRouterConnectionError);
    // Retries came first, as events, on the chosen provider.
    expect(events.findIndex((e) => e.type === 'retry')).toBeLessThan(events.findIndex((e) => e.type === 'fallback'));
  });

  it('the fallback gets the conversation, not the model, fallback models or routing meant for OpenRouter', async () => {
    openrouter.script(errorBodies.server(500), errorBodies.server(500));
    await run(chain(), { messages: [{ role: 'user', content: 'hi' }], model: 'openai/gpt-4o', models: ['x/y'], provider: { order: ['a'] } } as never);
    const body = lmstudio.requests.find((r) => r.path === '/chat/completions')?.body as Record<string, unknown>;
    expect(body.model).toBe('qwen2.5-7b-instruct');
    expect(body.messages).toEqual([{ role: 'user', content: 'hi' }]);
  });

  it('nothing listening anywhere but offline: two fallbacks, offline answers', async () => {
    await openrouter.close();
    await lmstudio.close();
    const { events, text, error } = await run(chain({ maxRetries: 0 }));
    expect(error).toBeUndefined();
    expect(fallbacks(events)).toEqual(['openrouter→lmstudio', 'lmstudio→offline']);
    expect(text).toContain('[offline]');
  });

  it('an open breaker is skipped without a request', async () => {
    const provider = chain({ maxRetries: 0, failureThreshold: 1 });
    openrouter.script(errorBodies.server(500));
    await run(provider);
    const before = openrouter.requests.length;
    const { events, error } = await run(provider);
    expect(error).toBeUndefined();
    expect(openrouter.requests.length).toBe(before);
    expect((events.find((e) => e.type === 'fallback') as { reason: string }).reason).toMatch(/circuit breaker/i);
  });

  it('a stream that stalls before its first token falls back; the stalled attempt is not shown', async () => {
    openrouter.script({ kind: 'stall', beforeHeaders: true }, { kind: 'stall', beforeHeaders: true });
    const { text, events } = await run(chain({ callTimeout: 0.2, maxRetries: 0 }));
    expect(fallbacks(events)).toEqual(['openrouter→lmstudio']);
    expect(text).toBe('Hello from fake');
  });
});

describe('stops where falling back would hide the problem or mix answers', () => {
  it.each([
    ['a rejected key (401)', () => openrouter.script(errorBodies.unauthorized()), OpenRouterAuthenticationError],
    ['a rejected request (422)', () => openrouter.script(errorBodies.unprocessable()), Error],
    ['a rate limit after retries (429)', () => openrouter.script(errorBodies.rateLimited(0), errorBodies.rateLimited(0)), OpenRouterRateLimitError],
  ])('%s is the user to see, not the fallback', async (_name, setUp, kind) => {
    setUp();
    const { events, error } = await run(chain());
    expect(error).toBeInstanceOf(kind);
    expect(fallbacks(events)).toEqual([]);
    expect(lmstudio.requests).toHaveLength(0);
  });

  it('a request refused before sending (validation) does not fall back', async () => {
    const { error } = await run(chain(), { messages: [] } as never);
    expect(error).toBeInstanceOf(OpenRouterValidationError);
    expect(lmstudio.requests).toHaveLength(0);
  });

  it('a failure after tokens were shown keeps the partial answer and does not fall back', async () => {
    openrouter.script({ kind: 'reset', afterChunks: 2 });
    const { events, error } = await run(chain({ maxRetries: 0 }));
    expect(error).toBeInstanceOf(OpenRouterConnectionError);
    expect(tokens(events)).toBe('part0 part1 ');
    expect(fallbacks(events)).toEqual([]);
    expect(lmstudio.requests).toHaveLength(0);
  });

  it('a cancel is a cancel', async () => {
    openrouter.script({ kind: 'stall', beforeHeaders: true });
    const controller = new AbortController();
    setTimeout(() => controller.abort(), 50);
    const { error } = await run(chain(), undefined, controller.signal);
    expect(error).toBeInstanceOf(CancelledError);
    expect(lmstudio.requests).toHaveLength(0);
  });

  it('the last provider failing too: its error, after every notice', async () => {
    openrouter.script(errorBodies.server(500), errorBodies.server(500));
    await lmstudio.close();
    const provider = new FallbackProvider([
      new OpenRouterProvider({ apiKey: TEST_API_KEY, baseUrl: openrouter.url, env: {}, breakerStore: createMemoryBreakerStore(), maxRetries: 1, sleep: async () => {} }),
      new OpenAICompatibleProvider({ preset: 'lmstudio', baseUrl: lmstudio.url, env: {}, breakerStore: createMemoryBreakerStore(), maxRetries: 0 }),
    ]);
    const { events, error } = await run(provider);
    expect(fallbacks(events)).toEqual(['openrouter→lmstudio']);
    expect(error).toBeInstanceOf(OpenRouterConnectionError);
    expect((error as Error).message).toMatch(/LM Studio|127\.0\.0\.1/);
  });

  it('embeddings never fall back: vectors of two models do not mix', async () => {
    await openrouter.close();
    const error = await chain({ maxRetries: 0 }).getEmbedding('a').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(OpenRouterConnectionError);
    expect(lmstudio.requests).toHaveLength(0);
  });
});

describe('createProviderChain', () => {
  it('one name: the provider itself; several: a FallbackProvider in order, repeats dropped', () => {
    expect(createProviderChain(['offline'])).toBeInstanceOf(OfflineProvider);
    const made = createProviderChain(['offline', 'lmstudio', 'offline'], () => ({ env: {} }));
    expect(made).toBeInstanceOf(FallbackProvider);
    expect((made as FallbackProvider).chain.map((p) => p.id)).toEqual(['offline', 'lmstudio']);
    expect(made.id).toBe('offline');
  });

  it('anthropic: a configuration error naming what works instead', () => {
    expect(() => createProviderChain(['openrouter', 'anthropic'], () => ({ env: {} }))).toThrow(/anthropic.*not built in/);
  });
});
