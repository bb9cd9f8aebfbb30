// The response cache's key (canonical, complete, without secrets), its entries (validated,
// expiring) and the replay of a stored answer as live batches.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { collectChat, OpenRouterConnectionError, type ChatRequest, type ChatResult, type StreamEvent } from '../../../../src/core/index.js';
import { canonicalJson, chatCache, openResponseStore, replayAnswer, responseKey, watchAnswer } from '../../../../src/app/response-cache/index.js';

const dirs: string[] = [];
const tempDir = () => {
  const dir = mkdtempSync(join(tmpdir(), 'devsynth-response-cache-'));
  dirs.push(dir);
  return dir;
};
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

const SOURCE = { provider: 'openrouter', endpoint: 'http://127.0.0.1:1/api/v1', defaults: { temperature: 0.7, max_tokens: 4096 } };
const REQUEST: ChatRequest = {
  model: 'openai/gpt-4o-mini',
  messages: [
    { role: 'system', content: 'be brief' },
    { role: 'user', content: [{ type: 'text', text: 'what is this?' }, { type: 'image_url', image_url: { url: 'data:image/png;base64,AAAA' } }] },
  ],
  temperature: 0.2,
  maxTokens: 100,
  models: ['openai/gpt-4o'],
  reasoning: { effort: 'low' },
  provider: { order: ['openai'], allow_fallbacks: false },
  plugins: [{ id: 'web', max_results: 3 }],
  extra: { response_format: { type: 'json_schema', json_schema: { name: 'a', strict: true, schema: { type: 'object' } } } },
  stream: true,
};

/** The same value with every object's keys in reverse order. */
function reversed(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(reversed);
  if (value === null || typeof value !== 'object') return value;
  return Object.fromEntries(Object.entries(value).reverse().map(([k, v]) => [k, reversed(v)]));
}

describe('responseKey', () => {
  it('is the same for the same request whatever the order of its keys, and ignores stream', () => {
    expect(canonicalJson({ b: 1, a: { d: [1, { f: 2, e: 3 }], c: undefined } })).toBe('{"a":{"d":[1,{"e":3,"f":2}]},"b":1}');
    const key = responseKey(SOURCE, REQUEST);
    expect(key).toMatch(/^[0-9a-f]{64}$/);
    expect(responseKey(reversed(SOURCE) as typeof SOURCE, reversed(REQUEST) as ChatRequest)).toBe(key);
    expect(responseKey(SOURCE, { ...REQUEST, stream: false })).toBe(key);
  });

  it('changes with every parameter that decides the answer', () => {
    const key = responseKey(SOURCE, REQUEST);
    const changed: Array<[typeof SOURCE, ChatRequest]> = [
      [{ ...SOURCE, provider: 'openai' }, REQUEST],
      [{ ...SOURCE, endpoint: 'http://127.0.0.1:2/api/v1' }, REQUEST],
      [{ ...SOURCE, defaults: { ...SOURCE.defaults, temperature: 0.1 } }, REQUEST],
      [{ ...SOURCE, defaults: { ...SOURCE.defaults, max_tokens: 10 } }, REQUEST],
      [SOURCE, { ...REQUEST, model: 'openai/gpt-4o' }],
      [SOURCE, { ...REQUEST, models: ['anthropic/claude-3.5-sonnet'] }],
      [SOURCE, { ...REQUEST, temperature: 0.3 }],
      [SOURCE, { ...REQUEST, maxTokens: 101 }],
      [SOURCE, { ...REQUEST, reasoning: { effort: 'high' } }],
      [SOURCE, { ...REQUEST, provider: { order: ['anthropic'], allow_fallbacks: false } }],
      [SOURCE, { ...REQUEST, plugins: [{ id: 'web', max_results: 4 }] }],
      [SOURCE, { ...REQUEST, extra: { response_format: { type: 'json_object' } } }],
      [SOURCE, { ...REQUEST, tools: [{ type: 'function', function: { name: 'f' } }] }],
      [SOURCE, { ...REQUEST, messages: [{ role: 'user', content: 'what is this?' }] }],
      // A content part changed: the image.
      [SOURCE, { ...REQUEST, messages: [REQUEST.messages[0]!, { role: 'user', content: [{ type: 'text', text: 'what is this?' }, { type: 'image_url', image_url: { url: 'data:image/png;base64,AAAB' } }] }] }],
    ];
    const keys = changed.map(([source, request]) => responseKey(source, request));
    for (const other of keys) expect(other).not.toBe(key);
    expect(new Set(keys).size).toBe(keys.length);
  });
});

const ANSWER: ChatResult = {
  id: 'gen-1',
  model: 'openai/gpt-4o-mini',
  provider: 'OpenAI',
  content: 'forty-two',
  reasoning: 'thinking',
  finishReason: 'stop',
  usage: { prompt_tokens: 10, completion_tokens: 2, total_tokens: 12, cost: 0.001 },
  citations: [{ url: 'https://example.invalid/a', title: 'A' }],
  toolCalls: [{ id: 'call_1', name: 'add', arguments: { a: 1 }, rawArguments: '{"a":1}' }],
};

async function* live(batches: StreamEvent[][]): AsyncGenerator<StreamEvent[]> {
  yield* batches;
}
async function* failing(): AsyncGenerator<StreamEvent[]> {
  yield [{ type: 'token', text: 'part' }];
  throw new Error('cut');
}
const drain = async (batches: AsyncIterable<StreamEvent[]>) => {
  for await (const _ of batches);
};

describe('replay and storage', () => {
  it('a stored answer replays as batches that gather to the same result', async () => {
    const events: StreamEvent[] = [];
    for await (const batch of replayAnswer(ANSWER)) events.push(...batch);
    expect(events.map((e) => e.type)).toEqual(['meta', 'reasoning', 'token', 'tool_call', 'usage', 'done']);
    expect(await collectChat(events as unknown as AsyncIterable<StreamEvent>)).toEqual(ANSWER);
  });

  it('keeps an answer only when it ended whole, without a fallback, and not with finish reason error', async () => {
    const whole = watchAnswer(live([[{ type: 'meta', model: 'm' }], [{ type: 'token', text: 'hi' }], [{ type: 'done', finishReason: 'stop' }]]));
    await drain(whole.batches);
    expect(whole.complete()).toMatchObject({ content: 'hi', finishReason: 'stop' });
    const noDone = watchAnswer(live([[{ type: 'token', text: 'hi' }]]));
    await drain(noDone.batches);
    expect(noDone.complete()).toBeUndefined();
    const errored = watchAnswer(live([[{ type: 'token', text: 'hi' }], [{ type: 'done', finishReason: 'error' }]]));
    await drain(errored.batches);
    expect(errored.complete()).toBeUndefined();
    const fellBack = watchAnswer(live([[{ type: 'fallback', from: 'openrouter', to: 'lmstudio', reason: 'down', error: new OpenRouterConnectionError('network', 'down') }], [{ type: 'token', text: 'hi' }], [{ type: 'done', finishReason: 'stop' }]]));
    await drain(fellBack.batches);
    expect(fellBack.complete()).toBeUndefined();
    const thrown = watchAnswer(failing());
    await expect(drain(thrown.batches)).rejects.toThrow('cut');
    expect(thrown.complete()).toBeUndefined();
  });

  it('entries expire after the TTL; an invalid entry is a miss and one warning', () => {
    const dir = tempDir();
    let now = 1_000_000;
    const warnings: string[] = [];
    const store = openResponseStore(dir, { warn: (m) => warnings.push(m), ttlMs: 60_000, now: () => now });
    store.put('k', ANSWER);
    expect(store.get('k')).toEqual({ at: 1_000_000, answer: ANSWER });
    now += 60_001;
    expect(store.get('k')).toBeUndefined();
    expect(store.store.stats().entries).toBe(0);
    store.store.putJson('bad', { format: 1, at: now, answer: { content: 42 } });
    expect(store.get('bad')).toBeUndefined();
    expect(store.get('bad')).toBeUndefined();
    expect(warnings).toEqual(['ignored an invalid entry of the response cache; the request is sent, and its answer replaces the entry']);
  });

  it('chatCache: off unless asked, never with tools, and a hit never calls live', async () => {
    const dir = tempDir();
    const warnings: string[] = [];
    const provider = { id: 'openrouter', model: 'openai/gpt-4o-mini', endpoint: () => 'http://127.0.0.1:1/api/v1' };
    const input = { flag: true, config: undefined, withTools: false, provider, defaults: {}, request: REQUEST, cacheDir: dir, warn: (m: string) => warnings.push(m) };
    expect(chatCache({ ...input, flag: undefined })).toBeUndefined();
    expect(chatCache({ ...input, flag: false, config: { responses: true } })).toBeUndefined();
    expect(chatCache({ ...input, withTools: true })).toBeUndefined();
    expect(warnings).toEqual(['--cache is not used with tools (MCP): a run with tools takes several steps, each on what a tool returned']);
    const miss = chatCache(input)!;
    expect(miss.hit).toBe(false);
    await drain(miss.batches(() => replayAnswer({ ...ANSWER, content: `${ANSWER.content}` })));
    miss.keep();
    const hit = chatCache({ ...input, flag: undefined, config: { responses: true } })!;
    expect(hit.hit).toBe(true);
    const events: StreamEvent[] = [];
    for await (const batch of hit.batches(() => {
      throw new Error('a hit must not ask');
    })) events.push(...batch);
    expect(events.find((e) => e.type === 'token')).toEqual({ type: 'token', text: 'forty-two' });
  });
});
