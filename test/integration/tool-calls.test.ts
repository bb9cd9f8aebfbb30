// Tool calls through the provider over real HTTP: the fake OpenRouter replays tool-call streams
// (arguments split across many deltas, several calls interleaved) and the same calls without
// streaming; the provider turns them into tool_call events with checked arguments.
import { afterEach, beforeEach, describe, expect, it } from '@jest/globals';
import {
  AnswerContractError,
  type ChatRequest,
  collectChat,
  createMemoryBreakerStore,
  OpenRouterProvider,
  OpenRouterValidationError,
  type StreamEvent,
  type ToolDefinition,
} from '../../src/index.js';
import { type FakeOpenRouter, startFakeOpenRouter, TEST_API_KEY } from '../helpers/fake-openrouter.js';
import { validateChatChunk, validateChatResponse } from '../helpers/openapi.js';

let fake: FakeOpenRouter;

beforeEach(async () => {
  fake = await startFakeOpenRouter();
});
afterEach(async () => {
  await fake.close();
  // Every request body the provider sent validated against OpenRouter's OpenAPI spec.
  expect(fake.violations).toEqual([]);
});

const provider = () =>
  new OpenRouterProvider({ apiKey: TEST_API_KEY, baseUrl: fake.url, env: {}, breakerStore: createMemoryBreakerStore(), sleep: async () => {} });

const WEATHER: ToolDefinition = {
  type: 'function',
  function: {
    name: 'get_weather',
    description: 'Current weather of a city',
    parameters: {
      type: 'object',
      properties: { city: { type: 'string' }, unit: { enum: ['C', 'F'] } },
      required: ['city'],
      additionalProperties: false,
    },
  },
};
const TIME: ToolDefinition = { type: 'function', function: { name: 'get_time', parameters: { type: 'object', properties: { zone: { type: 'string' } } } } };

const request = (extra: Partial<ChatRequest> = {}): ChatRequest => ({
  messages: [{ role: 'user', content: 'Weather in Oslo and Rome, and the time?' }],
  tools: [WEATHER, TIME],
  ...extra,
});

async function events(req: ChatRequest): Promise<StreamEvent[]> {
  const out: StreamEvent[] = [];
  for await (const event of provider().chat(req)) out.push(event);
  return out;
}

const toolCalls = (seen: StreamEvent[]) => seen.filter((event) => event.type === 'tool_call');

const THREE_CALLS = [
  { id: 'call_oslo', name: 'get_weather', arguments: { city: 'Oslo', unit: 'C' } },
  { id: 'call_rome', name: 'get_weather', arguments: '{"city": "Rome"}' },
  { id: 'call_time', name: 'get_time', arguments: { zone: 'Europe/Oslo' } },
];

describe('streamed tool calls', () => {
  it.each([
    ['one call after another, 2 characters a delta', { piece: 2 }],
    ['interleaved by index, 1 character a delta', { piece: 1, interleave: true }],
  ])('%s: one tool_call event per call, whole, in index order, before done', async (_how, shape) => {
    fake.script({ kind: 'tool-calls', content: ['Let me ', 'check.'], calls: THREE_CALLS, ...shape });
    const seen = await events(request({ toolChoice: 'auto', parallelToolCalls: true }));

    expect(seen.map((event) => event.type)).toEqual(['meta', 'token', 'token', 'tool_call', 'tool_call', 'tool_call', 'usage', 'done']);
    expect(toolCalls(seen)).toEqual([
      { type: 'tool_call', index: 0, id: 'call_oslo', name: 'get_weather', arguments: { city: 'Oslo', unit: 'C' }, rawArguments: '{"city":"Oslo","unit":"C"}' },
      { type: 'tool_call', index: 1, id: 'call_rome', name: 'get_weather', arguments: { city: 'Rome' }, rawArguments: '{"city": "Rome"}' },
      { type: 'tool_call', index: 2, id: 'call_time', name: 'get_time', arguments: { zone: 'Europe/Oslo' }, rawArguments: '{"zone":"Europe/Oslo"}' },
    ]);
    expect(seen.at(-1)).toMatchObject({ type: 'done', finishReason: 'tool_calls' });

    // The fake really split the arguments, and every chunk it sent is a valid ChatStreamChunk.
    const fragments = fake.sent.filter((s) => s.stream && JSON.stringify(s.json).includes('"tool_calls"'));
    expect(fragments.length).toBeGreaterThan(30);
    expect(fake.sent.flatMap((s) => (s.stream ? validateChatChunk(s.json) : []))).toEqual([]);
    // What was asked for went out as the API's fields.
    expect(fake.requests[0]?.body).toMatchObject({ tools: [WEATHER, TIME], tool_choice: 'auto', parallel_tool_calls: true });
  });

  it('collect() and collectChat() give the calls in the result; .batched() carries the events', async () => {
    fake.script({ kind: 'tool-calls', calls: THREE_CALLS.slice(0, 1) }, { kind: 'tool-calls', calls: THREE_CALLS.slice(1) });
    const result = await provider().chat(request()).collect();
    expect(result).toMatchObject({ content: '', finishReason: 'tool_calls', toolCalls: [{ id: 'call_oslo', name: 'get_weather', arguments: { city: 'Oslo', unit: 'C' } }] });

    const batches: StreamEvent[][] = [];
    for await (const batch of provider().chat(request()).batched()) batches.push(batch);
    const flat = batches.flat();
    expect(toolCalls(flat).map((event) => event.type === 'tool_call' && event.id)).toEqual(['call_rome', 'call_time']);
    // collectChat folds any event source, the calls included.
    async function* replay() {
      yield* flat;
    }
    expect((await collectChat(replay())).toolCalls?.map((call) => call.id)).toEqual(['call_rome', 'call_time']);
  });

  it('a stream that ends with [DONE] and no finish_reason still hands out its calls', async () => {
    fake.script({ kind: 'tool-calls', calls: THREE_CALLS.slice(0, 2), finish: false });
    const seen = await events(request());
    expect(toolCalls(seen).map((event) => event.type === 'tool_call' && event.id)).toEqual(['call_oslo', 'call_rome']);
    expect(seen.at(-1)).toMatchObject({ type: 'done', finishReason: null });
  });
});

describe('a tool-call stream cut off', () => {
  it('before it finished: retried (no call was handed out yet), and each call comes once', async () => {
    fake.script({ kind: 'tool-calls', calls: THREE_CALLS, finish: false, done: false }, { kind: 'tool-calls', calls: THREE_CALLS });
    const seen = await events(request());
    expect(seen.filter((event) => event.type === 'retry')).toHaveLength(1);
    expect(toolCalls(seen).map((event) => event.type === 'tool_call' && event.id)).toEqual(['call_oslo', 'call_rome', 'call_time']);
    expect(fake.requests).toHaveLength(2);
  });
});

describe('tool calls without streaming', () => {
  it('message.tool_calls give the same events, and the body is a valid ChatResult', async () => {
    fake.script({ kind: 'tool-calls', calls: THREE_CALLS });
    const seen = await events(request({ stream: false }));
    expect(seen.map((event) => event.type)).toEqual(['meta', 'tool_call', 'tool_call', 'tool_call', 'usage', 'done']);
    expect(toolCalls(seen).map((event) => event.type === 'tool_call' && [event.index, event.id, event.arguments])).toEqual([
      [0, 'call_oslo', { city: 'Oslo', unit: 'C' }],
      [1, 'call_rome', { city: 'Rome' }],
      [2, 'call_time', { zone: 'Europe/Oslo' }],
    ]);
    expect(fake.requests[0]?.body?.stream).toBe(false);
    expect(validateChatResponse(fake.sent[0]?.json)).toEqual([]);
  });
});

describe('arguments that fail their contract', () => {
  async function failure(req: ChatRequest): Promise<unknown> {
    try {
      await provider().chat(req).collect();
    } catch (error) {
      return error;
    }
    throw new Error('expected a failure');
  }

  it.each([
    ['do not match the schema (streaming)', { arguments: { town: 'Oslo' } }, true, /do not match its parameters schema/],
    ['do not match the schema (non-streaming)', { arguments: { city: 'Oslo', unit: 'K' } }, false, /\/unit must be equal to one of the allowed values/],
    ['are not JSON (streaming)', { arguments: '{"city": "Oslo"' }, true, /are not valid JSON/],
    ['are not JSON (non-streaming)', { arguments: "{city: 'Oslo'}" }, false, /are not valid JSON/],
  ])('arguments that %s: AnswerContractError, exit 10, not retried', async (_what, call, stream, message) => {
    fake.script({ kind: 'tool-calls', calls: [{ id: 'call_1', name: 'get_weather', ...call }] });
    const error = await failure(request({ stream }));
    expect(error).toBeInstanceOf(AnswerContractError);
    expect((error as AnswerContractError).exitCode).toBe(10);
    expect((error as AnswerContractError).message).toMatch(message);
    expect((error as AnswerContractError).issues.length).toBeGreaterThan(0);
    expect(fake.requests).toHaveLength(1);
  });

  it('a tool with an invalid schema, or a tool_choice naming an unknown tool, is refused before anything is sent (exit 2)', async () => {
    const broken: ToolDefinition = { type: 'function', function: { name: 'f', parameters: { type: 'object', required: 'city' } } };
    await expect(provider().chat(request({ tools: [broken] })).collect()).rejects.toBeInstanceOf(OpenRouterValidationError);
    await expect(provider().chat(request({ toolChoice: { type: 'function', function: { name: 'nope' } } })).collect()).rejects.toThrow(
      /tool choice names "nope"/,
    );
    expect(fake.requests).toHaveLength(0);
  });
});
