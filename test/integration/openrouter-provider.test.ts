// OpenRouterProvider against the fake OpenRouter over real HTTP on 127.0.0.1. Retry waits go
// through an injected sleep (recorded, not waited); timeouts use short real limits.
import { inspect } from 'node:util';
import { afterEach, beforeEach, describe, expect, it } from '@jest/globals';
import {
  CancelledError,
  createMemoryBreakerStore,
  DevsynthError,
  OpenRouterAuthenticationError,
  OpenRouterCircuitOpenError,
  OpenRouterConnectionError,
  OpenRouterInsufficientCreditsError,
  OpenRouterInvalidModelError,
  OpenRouterModelError,
  OpenRouterProvider,
  type OpenRouterProviderOptions,
  OpenRouterRateLimitError,
  OpenRouterValidationError,
  type StreamEvent,
} from '../../src/index.js';
import { errorBodies, type FakeOpenRouter, startFakeOpenRouter, TEST_API_KEY } from '../helpers/fake-openrouter.js';

let fake: FakeOpenRouter;
let sleeps: number[];
let debugLines: string[];

beforeEach(async () => {
  fake = await startFakeOpenRouter();
  sleeps = [];
  debugLines = [];
});
afterEach(async () => {
  await fake.close();
  // Every request body the provider sent must be valid against OpenRouter's official spec.
  expect(fake.violations).toEqual([]);
});

function provider(options: OpenRouterProviderOptions = {}): OpenRouterProvider {
  return new OpenRouterProvider({
    apiKey: TEST_API_KEY,
    baseUrl: fake.url,
    env: {},
    breakerStore: createMemoryBreakerStore(),
    random: () => 0.5,
    sleep: async (ms) => {
      sleeps.push(ms);
    },
    debug: (line) => debugLines.push(line),
    ...options,
  });
}

const ask = (text = 'hi') => ({ messages: [{ role: 'user' as const, content: text }] });

async function events(p: OpenRouterProvider, request = ask(), signal?: AbortSignal): Promise<StreamEvent[]> {
  const out: StreamEvent[] = [];
  for await (const event of p.chat(request, signal ? { signal } : {})) out.push(event);
  return out;
}

async function failure(promise: Promise<unknown>): Promise<DevsynthError> {
  try {
    await promise;
  } catch (error) {
    if (error instanceof DevsynthError) return error;
    throw error;
  }
  throw new Error('expected a failure');
}

const chatRequests = () => fake.requests.filter((r) => r.path === '/chat/completions');

describe('answers', () => {
  it('generate() sends a non-streaming request and returns the text', async () => {
    fake.script({ kind: 'reply', content: ['Bonjour', ' !'] });
    await expect(provider().generate('Say hello', { model: 'openai/gpt-4o-mini', system: 'be brief' })).resolves.toBe('Bonjour !');
    const body = chatRequests()[0]?.body;
    expect(body).toMatchObject({
      model: 'openai/gpt-4o-mini',
      stream: false,
      temperature: 0.7,
      max_tokens: 4096,
      messages: [
        { role: 'system', content: 'be brief' },
        { role: 'user', content: 'Say hello' },
      ],
    });
  });

  it('generateWithContext() puts the context before the prompt', async () => {
    const context = [
      { role: 'user' as const, content: 'My name is Ada.' },
      { role: 'assistant' as const, content: 'Hello Ada.' },
    ];
    await provider().generateWithContext('What is my name?', context);
    expect(chatRequests()[0]?.body?.messages).toEqual([...context, { role: 'user', content: 'What is my name?' }]);
  });

  it('generateStream() and generateWithContextStream() yield the text piece by piece', async () => {
    fake.script({ kind: 'reply', content: ['a', 'b', 'c'] }, { kind: 'reply', content: ['x', 'y'] });
    const pieces: string[] = [];
    for await (const piece of provider().generateStream('go')) pieces.push(piece);
    expect(pieces).toEqual(['a', 'b', 'c']);
    const more: string[] = [];
    for await (const piece of provider().generateWithContextStream('go', [{ role: 'user', content: 'earlier' }])) more.push(piece);
    expect(more).toEqual(['x', 'y']);
    expect(chatRequests()[1]?.body?.stream).toBe(true);
  });

  it('chat() yields meta, reasoning, tokens, usage and done, in order', async () => {
    fake.script({ kind: 'reply', content: ['Hi'], reasoning: ['thinking…'], model: 'openai/gpt-4o-mini', provider: 'OpenAI', keepAlives: 3 });
    const seen = await events(provider());
    expect(seen.map((e) => e.type)).toEqual(['meta', 'reasoning', 'token', 'usage', 'done']);
    expect(seen[0]).toMatchObject({ type: 'meta', model: 'openai/gpt-4o-mini', provider: 'OpenAI' });
    expect(seen.at(-1)).toMatchObject({ type: 'done', finishReason: 'stop', model: 'openai/gpt-4o-mini' });
  });

  it.each(['separate-empty-choices', 'separate-with-role-choice', 'on-finish-chunk'] as const)(
    'takes usage from whichever chunk carries it (%s)',
    async (usagePlacement) => {
      fake.script({ kind: 'reply', content: ['ok'], usagePlacement, usage: { prompt_tokens: 5, completion_tokens: 1, total_tokens: 6, cost: 0.001 } });
      const result = await provider().chat(ask()).collect();
      expect(result.usage).toMatchObject({ prompt_tokens: 5, total_tokens: 6, cost: 0.001 });
      expect(result.finishReason).toBe('stop');
    },
  );

  it('reads CRLF streams', async () => {
    fake.script({ kind: 'reply', content: ['line', ' two'], crlf: true });
    expect((await provider().chat(ask()).collect()).content).toBe('line two');
  });

  it('sends bearer auth and the attribution headers, overridable', async () => {
    await provider().generate('hi');
    await provider({ httpReferer: 'https://example.org', xTitle: 'My App' }).generate('hi');
    const [first, second] = chatRequests();
    expect(first?.headers.authorization).toBe(`Bearer ${TEST_API_KEY}`);
    expect(first?.headers['http-referer']).toBe('https://devsynth.dev');
    expect(first?.headers['x-openrouter-title']).toBe('DevSynth AI Platform');
    expect(first?.headers['x-title']).toBe('DevSynth AI Platform');
    expect(first?.headers['x-openrouter-categories']).toBe('cli-agent');
    expect(second?.headers['http-referer']).toBe('https://example.org');
    expect(second?.headers['x-openrouter-title']).toBe('My App');
  });

  it('reads the key, model and attribution from the environment when not given', async () => {
    const p = new OpenRouterProvider({
      baseUrl: fake.url,
      breakerStore: createMemoryBreakerStore(),
      env: { OPENROUTER_API_KEY: TEST_API_KEY, OPENROUTER_MODEL: 'openai/gpt-4', OPENROUTER_X_TITLE: 'From Env' },
    });
    await p.generate('hi');
    expect(chatRequests()[0]?.body?.model).toBe('openai/gpt-4');
    expect(chatRequests()[0]?.headers['x-openrouter-title']).toBe('From Env');
  });

  it('sends fallback models as `models`, primary first', async () => {
    await provider().generate('hi', { model: 'openai/gpt-4o-mini', models: ['anthropic/claude-haiku-4.5'] });
    expect(chatRequests()[0]?.body?.models).toEqual(['openai/gpt-4o-mini', 'anthropic/claude-haiku-4.5']);
  });

  it('sends the configured routing preferences, unless the request brings its own', async () => {
    const routed = provider({ routing: { order: ['openai', 'together'], allow_fallbacks: false, sort: 'price', max_price: { prompt: 1 } } });
    await routed.generate('hi');
    await routed.generate('hi', { provider: { order: ['anthropic'] } });
    const [first, second] = chatRequests();
    // max_price is a decimal string in OpenRouter's spec (the fake refuses a number).
    expect(first?.body?.provider).toEqual({ order: ['openai', 'together'], allow_fallbacks: false, sort: 'price', max_price: { prompt: '1' } });
    expect(second?.body?.provider).toEqual({ order: ['anthropic'] });
  });
});

describe('retries', () => {
  it('retries a 429 after the Retry-After it names, announcing the retry', async () => {
    fake.script(errorBodies.rateLimited(2), { kind: 'reply', content: ['ok'] });
    const seen = await events(provider());
    expect(sleeps).toEqual([2000]);
    expect(seen[0]).toMatchObject({ type: 'retry', attempt: 1, delayMs: 2000, status: 429, reason: '429' });
    expect(seen.filter((e) => e.type === 'token')).toEqual([{ type: 'token', text: 'ok' }]);
    expect(chatRequests()).toHaveLength(2);
  });

  it('honours retry-after-ms and Retry-After as an HTTP date', async () => {
    const date = new Date(Date.now() + 3000).toUTCString();
    fake.script(
      { kind: 'http-error', status: 503, headers: { 'retry-after-ms': '1500' }, body: { error: { code: 503, message: 'busy' } } },
      { kind: 'http-error', status: 503, headers: { 'retry-after': date }, body: { error: { code: 503, message: 'busy' } } },
      { kind: 'reply' },
    );
    await provider().generate('hi');
    expect(sleeps[0]).toBe(1500);
    expect(sleeps[1]).toBeGreaterThan(1000);
    expect(sleeps[1]).toBeLessThanOrEqual(3000);
  });

  it.each([500, 502, 503, 504, 524, 529] as const)('retries %i and recovers', async (status) => {
    fake.script(errorBodies.server(status), { kind: 'reply', content: ['recovered'] });
    await expect(provider().generate('hi')).resolves.toBe('recovered');
    expect(chatRequests()).toHaveLength(2);
  });

  it('backs off exponentially from retry_initial_delay, then gives up with exit 7', async () => {
    fake.script(errorBodies.server(502), errorBodies.server(502), errorBodies.server(502), errorBodies.server(502));
    const error = await failure(provider({ retryInitialDelay: 1, maxRetries: 3 }).generate('hi'));
    expect(error).toBeInstanceOf(OpenRouterConnectionError);
    expect(error.exitCode).toBe(7);
    expect(error.message).toMatch(/server error \(502\).*gave up after 4 attempts/);
    expect(sleeps).toEqual([1000, 2000, 4000]);
    expect(chatRequests()).toHaveLength(4);
  });

  it.each([
    ['400', errorBodies.invalidModel('nope/model'), 6],
    ['401', errorBodies.userNotFound(), 4],
    ['402', errorBodies.insufficientCredits(), 9],
    ['403', errorBodies.moderation(), 6],
    ['404', errorBodies.noEndpoints('meta-llama/llama-3.2-1b-instruct:free'), 6],
    ['413', errorBodies.payloadTooLarge(), 6],
    ['422', errorBodies.unprocessable(), 6],
  ] as const)('never retries %s', async (_status, step, exitCode) => {
    fake.script(step);
    const error = await failure(provider().generate('hi'));
    expect(error.exitCode).toBe(exitCode);
    expect(chatRequests()).toHaveLength(1);
    expect(sleeps).toEqual([]);
  });

  it('does not retry the daily free-tier cap, and says when it resets (exit 5)', async () => {
    const reset = Date.UTC(2026, 11, 1);
    fake.script(errorBodies.dailyCap(reset));
    const error = await failure(provider().generate('hi'));
    expect(error).toBeInstanceOf(OpenRouterRateLimitError);
    expect((error as OpenRouterRateLimitError).dailyCap).toBe(true);
    expect((error as OpenRouterRateLimitError).resetAt?.getTime()).toBe(reset);
    expect(error.hint).toContain('2026-12-01T00:00:00.000Z');
    expect(error.exitCode).toBe(5);
    expect(chatRequests()).toHaveLength(1);
  });

  it('fails at once when Retry-After exceeds the 60 s cap, saying when to retry', async () => {
    fake.script(errorBodies.rateLimited(3600));
    const error = await failure(provider().generate('hi'));
    expect(error.exitCode).toBe(5);
    expect(error.message).toMatch(/wait 3600 s: retry after \d{4}-/);
    expect(sleeps).toEqual([]);
  });

  it('retries a connection reset before the headers', async () => {
    fake.script({ kind: 'reset' }, { kind: 'reply', content: ['back'] });
    const seen = await events(provider());
    expect(seen[0]).toMatchObject({ type: 'retry', reason: 'network' });
    expect(seen.some((e) => e.type === 'token' && e.text === 'back')).toBe(true);
  });

  it('never retries once a token was shown: a reset mid-stream keeps the partial text (exit 7)', async () => {
    fake.script({ kind: 'reset', afterChunks: 2 });
    const seen: StreamEvent[] = [];
    const error = await failure(
      (async () => {
        for await (const event of provider().chat(ask())) seen.push(event);
      })(),
    );
    expect(error).toBeInstanceOf(OpenRouterConnectionError);
    expect(error.exitCode).toBe(7);
    expect(error.partialContent).toBe('part0 part1 ');
    expect(seen.filter((e) => e.type === 'token')).toHaveLength(2);
    expect(chatRequests()).toHaveLength(1);
  });

  it('retries a stream that ended before any token', async () => {
    fake.script({ kind: 'truncate', content: [] }, { kind: 'reply', content: ['whole'] });
    await expect(provider().chat(ask()).collect()).resolves.toMatchObject({ content: 'whole' });
    expect(chatRequests()).toHaveLength(2);
  });
});

describe('timeouts', () => {
  it('call_timeout bounds the wait for headers; the stall is retried', async () => {
    fake.script({ kind: 'stall', beforeHeaders: true }, { kind: 'reply', content: ['late'] });
    const seen = await events(provider({ callTimeout: 0.5 }));
    expect(seen[0]).toMatchObject({ type: 'retry', reason: 'timeout' });
    expect(seen.some((e) => e.type === 'token')).toBe(true);
  });

  it('call_timeout bounds silence inside a stream: a stall after tokens fails with the partial text', async () => {
    fake.script({ kind: 'stall', afterChunks: 1 });
    const error = await failure(provider({ callTimeout: 0.2 }).chat(ask()).collect());
    expect(error).toBeInstanceOf(OpenRouterConnectionError);
    expect((error as OpenRouterConnectionError).failure).toBe('stalled');
    expect(error.message).toContain('call_timeout');
    expect(error.partialContent).toBe('part0 ');
    expect(chatRequests()).toHaveLength(1);
  });

  it('first_token_timeout fires even while keep-alive comments keep arriving', async () => {
    fake.script({ kind: 'stall', keepAliveEveryMs: 50 });
    const error = await failure(provider({ callTimeout: 0.2, firstTokenTimeout: 0.4, maxRetries: 0 }).chat(ask()).collect());
    expect((error as OpenRouterConnectionError).failure).toBe('first_token_timeout');
    expect(error.exitCode).toBe(7);
  });

  it('keep-alive comments count as life for call_timeout', async () => {
    fake.script({ kind: 'reply', content: ['a', 'b', 'c'], keepAlives: 2, chunkDelayMs: 150 });
    await expect(provider({ callTimeout: 0.6 }).chat(ask()).collect()).resolves.toMatchObject({ content: 'abc' });
  });

  it('timeout bounds a non-streaming attempt, and call_timeout does not cut it short', async () => {
    fake.script({ kind: 'delay', ms: 600, then: { kind: 'reply', content: ['slow but fine'] } });
    await expect(provider({ callTimeout: 0.2, timeout: 3 }).generate('hi')).resolves.toBe('slow but fine');
    fake.script({ kind: 'delay', ms: 1000, then: { kind: 'reply' } });
    const error = await failure(provider({ timeout: 0.2, maxRetries: 0 }).generate('hi'));
    expect(error.message).toContain('(timeout)');
    expect(error.exitCode).toBe(7);
  });
});

describe('errors inside HTTP 200', () => {
  it.each([429, 'server_error'] as const)('a mid-stream error chunk (code %s) is exit 6, not retried, partial kept', async (code) => {
    fake.script({ kind: 'midstream-error', content: ['Once', ' upon'], error: { code, message: 'Rate limit exceeded', metadata: { error_type: 'rate_limit_exceeded' } }, done: true });
    const error = await failure(provider().chat(ask()).collect());
    expect(error).toBeInstanceOf(OpenRouterModelError);
    expect(error.exitCode).toBe(6);
    expect(error.partialContent).toBe('Once upon');
    expect(error.message).toContain('Rate limit exceeded');
    expect(chatRequests()).toHaveLength(1);
  });

  it('a top-level error on a chunk without choices is a failure too', async () => {
    fake.script({ kind: 'midstream-error', content: ['so far'], error: { code: 502, message: 'Provider disconnected' }, withChoice: false });
    const error = await failure(provider().chat(ask()).collect());
    expect(error.exitCode).toBe(6);
    expect(error.message).toContain('Provider disconnected');
    expect(error.partialContent).toBe('so far');
  });

  it('text that arrives in the same read as an error is still passed on before the error', async () => {
    fake.script({ kind: 'midstream-error', content: ['Once', ' upon'], error: { code: 502, message: 'gone' } });
    const seen: string[] = [];
    const error = await failure(
      (async () => {
        for await (const event of provider().chat(ask())) if (event.type === 'token') seen.push(event.text);
      })(),
    );
    expect(seen.join('')).toBe('Once upon');
    expect(error.partialContent).toBe('Once upon');
  });

  it('finish_reason "error" alone is a failure', async () => {
    fake.script({ kind: 'finish-error', content: ['half'], nativeFinishReason: 'MALFORMED_FUNCTION_CALL' });
    const error = await failure(provider().chat(ask()).collect());
    expect(error.exitCode).toBe(6);
    expect(error.message).toContain('MALFORMED_FUNCTION_CALL');
    expect(error.partialContent).toBe('half');
  });

  it.each(['error-only', 'error-with-empty-choices', 'choice-error'] as const)('a non-streaming 200 with an error (%s) is exit 6', async (shape) => {
    fake.script({ kind: 'error-in-200', shape, partialContent: 'some' });
    const error = await failure(provider().generate('hi'));
    expect(error).toBeInstanceOf(OpenRouterModelError);
    expect(error.message).toContain('upstream failed');
    expect(chatRequests()).toHaveLength(1);
  });

  it('a truncated stream (no finish_reason, no [DONE]) after tokens is exit 7 with the partial text', async () => {
    fake.script({ kind: 'truncate', content: ['cut', ' off'] });
    const error = await failure(provider().chat(ask()).collect());
    expect((error as OpenRouterConnectionError).failure).toBe('truncated');
    expect(error.partialContent).toBe('cut off');
  });

  it('a malformed chunk is a protocol error, not retried', async () => {
    fake.script({ kind: 'malformed', content: ['ok'] });
    const error = await failure(provider().chat(ask()).collect());
    expect((error as OpenRouterConnectionError).failure).toBe('protocol');
    expect(error.partialContent).toBe('ok');
    expect(chatRequests()).toHaveLength(1);
  });
});

describe('error mapping', () => {
  it('401: an authentication error that never shows the key', async () => {
    fake.script(errorBodies.userNotFound());
    const error = await failure(provider().generate('hi'));
    expect(error).toBeInstanceOf(OpenRouterAuthenticationError);
    expect(error.hint).toContain('OPENROUTER_API_KEY');
  });

  it('402: insufficient credits (exit 9); 403 key limit: exit 4; 404 no endpoints: invalid model', async () => {
    fake.script(errorBodies.insufficientCredits(), errorBodies.keyLimit(), errorBodies.noEndpoints('x/y:free'));
    expect(await failure(provider().generate('hi'))).toBeInstanceOf(OpenRouterInsufficientCreditsError);
    expect((await failure(provider().generate('hi'))).exitCode).toBe(4);
    expect(await failure(provider().generate('hi'))).toBeInstanceOf(OpenRouterInvalidModelError);
  });

  it('shows metadata.raw and the provider for "Provider returned error"', async () => {
    fake.script(errorBodies.providerReturned(400, '{"error":{"message":"context too long for this model"}}', 'DeepInfra'));
    const error = await failure(provider().generate('hi'));
    expect(error.message).toContain('context too long for this model (via DeepInfra)');
  });

  it('connection refused is a connection error (exit 7), retried then given up', async () => {
    const url = fake.url;
    await fake.close();
    const error = await failure(provider({ baseUrl: url, maxRetries: 1 }).generate('hi'));
    expect(error).toBeInstanceOf(OpenRouterConnectionError);
    expect(error.message).toMatch(/connection refused/);
    expect(sleeps).toHaveLength(1);
  });
});

describe('validation before any request', () => {
  it.each([
    [{ temperature: 3 }, /temperature/],
    [{ temperature: -0.5 }, /temperature/],
    [{ maxTokens: 0 }, /max tokens/],
    [{ model: 'not a model' }, /invalid model id/],
  ] as const)('%j is refused with exit 2', async (params, pattern) => {
    const error = await failure(provider().generate('hi', params));
    expect(error).toBeInstanceOf(OpenRouterValidationError);
    expect(error.exitCode).toBe(2);
    expect(error.message).toMatch(pattern);
    expect(fake.requests).toHaveLength(0);
  });

  it('refuses an empty prompt and an oversized request', async () => {
    expect((await failure(provider().generate('   '))).message).toContain('empty');
    const error = await failure(provider({ maxRequestBytes: 1000 }).generate('x'.repeat(2000)));
    expect(error.message).toMatch(/over the .* limit/);
    expect(fake.requests).toHaveLength(0);
  });

  it('without a key, chat fails with exit 4 naming OPENROUTER_API_KEY, and nothing is sent', async () => {
    const error = await failure(provider({ apiKey: null }).generate('hi'));
    expect(error.exitCode).toBe(4);
    expect(error.message).toContain('OPENROUTER_API_KEY');
    expect(fake.requests).toHaveLength(0);
  });

  it('refuses a plain-http base URL that is not loopback', () => {
    expect(() => provider({ baseUrl: 'http://openrouter.example.invalid/api/v1' })).toThrow(/https/);
  });
});

describe('pacing', () => {
  it('holds free-model requests to 20 a minute by default, and paid ones not at all', async () => {
    let now = 0;
    const p = provider({ now: () => now, sleep: async (ms) => { sleeps.push(ms); now += ms; } });
    for (let i = 0; i < 21; i++) await p.generate('hi', { model: 'meta-llama/llama-3.3-70b-instruct:free' });
    expect(sleeps).toEqual([60_000]);
    for (let i = 0; i < 25; i++) await p.getEmbedding('x');
    expect(sleeps).toEqual([60_000]);
    const limited = provider({ requestsPerMinute: 2, now: () => now, sleep: async (ms) => { sleeps.push(ms); now += ms; } });
    for (let i = 0; i < 3; i++) await limited.getEmbedding('x');
    expect(sleeps).toEqual([60_000, 60_000]);
  });
});

describe('circuit breaker', () => {
  it('opens after failure_threshold failed calls and refuses the next without a request (exit 8); a probe closes it', async () => {
    let now = 1_000_000;
    const store = createMemoryBreakerStore();
    const make = () => provider({ breakerStore: store, failureThreshold: 2, recoveryTimeout: 30, maxRetries: 0, now: () => now });
    fake.script(errorBodies.server(503), errorBodies.server(503));
    await failure(make().generate('hi'));
    await failure(make().generate('hi'));
    const refused = await failure(make().generate('hi'));
    expect(refused).toBeInstanceOf(OpenRouterCircuitOpenError);
    expect(refused.exitCode).toBe(8);
    expect(chatRequests()).toHaveLength(2);
    expect(debugLines.some((line) => line.includes('closed → open'))).toBe(true);

    now += 30_001;
    await expect(make().generate('hi')).resolves.toBe('Hello from fake');
    expect(chatRequests()).toHaveLength(3);
    await expect(make().breakerState()).resolves.toEqual({ state: 'closed', failures: 0 });
  });

  it('client errors do not count towards opening it', async () => {
    const store = createMemoryBreakerStore();
    for (let i = 0; i < 4; i++) fake.script(errorBodies.invalidModel('a/b'));
    for (let i = 0; i < 4; i++) await failure(provider({ breakerStore: store, failureThreshold: 2 }).generate('hi'));
    await expect(provider({ breakerStore: store }).breakerState()).resolves.toMatchObject({ state: 'closed' });
  });
});

describe('cancellation', () => {
  it('aborting the signal mid-stream ends the request with CancelledError (130) and the partial text', async () => {
    fake.script({ kind: 'reply', content: ['one ', 'two ', 'three ', 'four '], chunkDelayMs: 80 });
    const controller = new AbortController();
    const seen: string[] = [];
    const error = await failure(
      (async () => {
        for await (const event of provider().chat(ask(), { signal: controller.signal })) {
          if (event.type === 'token') {
            seen.push(event.text);
            controller.abort();
          }
        }
      })(),
    );
    expect(error).toBeInstanceOf(CancelledError);
    expect(error.exitCode).toBe(130);
    expect(error.partialContent).toBe('one ');
    expect(chatRequests()).toHaveLength(1);
  });

  it('breaking out of the loop closes the connection', async () => {
    fake.script({ kind: 'stall', afterChunks: 3 });
    for await (const event of provider().chat(ask())) {
      if (event.type === 'token') break;
    }
    // The fake sees its socket closed: close() would otherwise wait on it.
    await fake.close();
  });

  it('a chat stream can be consumed once', async () => {
    const stream = provider().chat(ask());
    await stream.collect();
    await expect(stream.collect()).rejects.toThrow(/already consumed/);
  });
});

describe('embeddings, catalogue and key', () => {
  it('getEmbedding() returns one vector for a text and vectors in order for a list', async () => {
    const p = provider();
    const one = await p.getEmbedding('hello');
    const many = await p.getEmbedding(['hello', 'world']);
    expect(one).toHaveLength(8);
    expect(many[0]).toEqual(one);
    expect(many[1]).not.toEqual(one);
    expect(fake.requests[0]?.body).toMatchObject({ model: 'openai/text-embedding-3-small', input: ['hello'] });
  });

  it('embed() reorders data by index and validates input', async () => {
    fake.script({
      kind: 'raw',
      handle: (_req, res) => {
        res.writeHead(200, { 'content-type': 'application/json' });
        res.end(JSON.stringify({ object: 'list', model: 'm/e', data: [{ index: 1, embedding: [2] }, { index: 0, embedding: [1] }] }));
      },
    });
    const result = await provider().embed({ input: ['a', 'b'] });
    expect(result.data).toEqual([{ index: 0, embedding: [1] }, { index: 1, embedding: [2] }]);
    await expect(provider().embed({ input: [''] })).rejects.toBeInstanceOf(OpenRouterValidationError);
  });

  it('embeddings errors are retried and mapped like chat errors', async () => {
    fake.script(errorBodies.server(502), { kind: 'reply' });
    await expect(provider().getEmbedding('x')).resolves.toHaveLength(8);
    expect(sleeps).toEqual([1000]);
    fake.script(errorBodies.insufficientCredits());
    expect((await failure(provider().getEmbedding('x'))).exitCode).toBe(9);
  });

  it('lists the catalogue without a key, and the embedding catalogue', async () => {
    const p = provider({ apiKey: null });
    const models = await p.listModels();
    expect(models.map((m) => m.id)).toContain('openrouter/auto');
    expect(models.find((m) => m.id === 'mystery/no-context')?.context_length).toBeNull();
    const embedding = await p.listModels({ embeddings: true });
    expect(embedding.map((m) => m.id)).toContain('openai/text-embedding-3-small');
    expect(fake.requests.every((r) => r.headers.authorization === undefined)).toBe(true);
  });

  it('reads key information from GET /key', async () => {
    const info = await provider().getKeyInfo();
    expect(info).toMatchObject({ limit: 10, limit_remaining: 7.5, is_free_tier: false });
    expect(fake.requests[0]?.path).toBe('/key');
  });
});

describe('the API key never leaks', () => {
  it('appears in no error, message, hint, inspection or debug line across failures', async () => {
    const key = 'sk-or-v1-5ecret5ecret5ecret5ecret5ecret';
    const leaky = await startFakeOpenRouter({ apiKey: key });
    try {
      leaky.script(
        { kind: 'http-error', status: 400, body: { error: { code: 400, message: `bad header Authorization: Bearer ${key}`, metadata: { echo: key } } } },
        { kind: 'midstream-error', content: ['x'], error: { code: 500, message: `upstream saw ${key}` } },
        errorBodies.userNotFound(),
      );
      const p = provider({ apiKey: key, baseUrl: leaky.url, maxRetries: 0 });
      const errors = [
        await failure(p.generate('hi')),
        await failure(p.chat(ask()).collect()),
        await failure(p.generate('hi')),
      ];
      const url = leaky.url;
      await leaky.close();
      errors.push(await failure(provider({ apiKey: key, baseUrl: url, maxRetries: 0 }).generate('hi')));
      for (const error of errors) {
        const views = [error.message, error.hint ?? '', JSON.stringify(error), inspect(error, { depth: 5 }), JSON.stringify((error as { metadata?: unknown }).metadata ?? {})];
        for (const view of views) expect(view).not.toContain(key);
      }
      expect(debugLines.length).toBeGreaterThan(3);
      expect(debugLines.join('\n')).not.toContain(key);
      expect(debugLines.join('\n')).toContain('[REDACTED]');
    } finally {
      await leaky.close();
    }
  });
});
