// runTools end to end against the fake OpenRouter over real HTTP: results fed back, every body
// valid against the OpenAPI spec, parallel handlers, maxSteps, cancel, handler errors, unknown
// tools, summed usage, and the non-streaming form.
import { afterEach, beforeEach, describe, expect, it } from '@jest/globals';
import {
  AnswerContractError,
  CancelledError,
  type ChatRequest,
  createMemoryBreakerStore,
  OpenRouterProvider,
  runTools,
  type ToolDefinition,
  type ToolRunEvent,
  UsageError,
} from '../../src/index.js';
import { defaultUsage, type FakeOpenRouter, startFakeOpenRouter, TEST_API_KEY } from '../helpers/fake-openrouter.js';
import { validateChatRequest } from '../helpers/openapi.js';

let fake: FakeOpenRouter;

beforeEach(async () => {
  fake = await startFakeOpenRouter();
});
afterEach(async () => {
  await fake.close();
  expect(fake.violations).toEqual([]);
});

const provider = () =>
  new OpenRouterProvider({ apiKey: TEST_API_KEY, baseUrl: fake.url, env: {}, breakerStore: createMemoryBreakerStore(), sleep: async () => {} });

const tool = (name: string, properties: Record<string, unknown> = { city: { type: 'string' } }): ToolDefinition => ({
  type: 'function',
  function: { name, parameters: { type: 'object', properties, required: Object.keys(properties) } },
});
const request = (extra: Partial<ChatRequest> = {}): ChatRequest => ({
  messages: [{ role: 'user', content: 'Weather in Oslo and Rome?' }],
  tools: [tool('get_weather'), tool('get_time', { zone: { type: 'string' } })],
  ...extra,
});
const bodies = () => fake.requests.filter((r) => r.path === '/chat/completions').map((r) => r.body ?? {});
type Sent = Array<Record<string, unknown>>;

const twoCalls = { kind: 'tool-calls' as const, content: ['Checking.'], piece: 2, calls: [
  { id: 'call_oslo', name: 'get_weather', arguments: { city: 'Oslo' } },
  { id: 'call_rome', name: 'get_weather', arguments: { city: 'Rome' } },
] };

describe('runTools', () => {
  it.each([true, false])('stream %s: runs the calls, feeds the results back, and returns the answer with usage summed', async (stream) => {
    const usage1 = defaultUsage(40, 12);
    const usage2 = defaultUsage(90, 5);
    fake.script({ ...twoCalls, usage: usage1 }, { kind: 'reply', content: ['Oslo 3°, Rome 18°.'], usage: usage2 });
    const seen: Array<[string, number]> = [];
    const result = await runTools(
      provider(),
      request({ stream }),
      {
        get_weather: async ({ city }: { city: string }) => (city === 'Oslo' ? { temp: 3 } : '18 degrees'),
        get_time: () => '12:00',
      },
      { onEvent: (event: ToolRunEvent, step) => seen.push([event.type, step]) },
    );

    expect(result).toMatchObject({ stopReason: 'answer', content: 'Oslo 3°, Rome 18°.', finishReason: 'stop' });
    expect(result.steps).toHaveLength(2);
    expect(result.usage).toEqual({
      prompt_tokens: 130,
      completion_tokens: 17,
      total_tokens: 147,
      cost: (usage1.cost as number) + (usage2.cost as number),
    });

    // The second request carried the assistant turn with its calls, then one tool message per call.
    const [first, second] = bodies();
    expect(first?.tools).toEqual(request().tools);
    expect((second?.messages as Sent).slice(1)).toEqual([
      {
        role: 'assistant',
        content: 'Checking.',
        tool_calls: [
          { id: 'call_oslo', type: 'function', function: { name: 'get_weather', arguments: '{"city":"Oslo"}' } },
          { id: 'call_rome', type: 'function', function: { name: 'get_weather', arguments: '{"city":"Rome"}' } },
        ],
      },
      { role: 'tool', tool_call_id: 'call_oslo', content: '{"temp":3}' },
      { role: 'tool', tool_call_id: 'call_rome', content: '18 degrees' },
    ]);
    for (const body of bodies()) expect(validateChatRequest(body)).toEqual([]);
    expect(result.messages.map((m) => m.role)).toEqual(['user', 'assistant', 'tool', 'tool', 'assistant']);
    expect(result.messages.at(-1)).toEqual({ role: 'assistant', content: 'Oslo 3°, Rome 18°.' });

    // Every step's events reach onEvent, with the tool results between the steps.
    const types = seen.map(([type, step]) => `${step}:${type}`);
    expect(types.filter((t) => /tool_call|tool_result|done/.test(t))).toEqual([
      '1:tool_call', '1:tool_call', '1:done', '1:tool_result', '1:tool_result', '2:done',
    ]);
  });

  it('runs the calls of one step in parallel', async () => {
    fake.script(twoCalls, { kind: 'reply' });
    // Each handler waits until both have started: run one after the other, they never would.
    let started = 0;
    let release: () => void = () => {};
    const both = new Promise<void>((resolve) => (release = resolve));
    const timeout = new Promise<never>((_, reject) => setTimeout(() => reject(new Error('the handlers ran one at a time')), 10_000).unref());
    const handler = async () => {
      if (++started === 2) release();
      await Promise.race([both, timeout]);
      return 'ok';
    };
    const result = await runTools(provider(), request(), { get_weather: handler, get_time: handler });
    expect(result.stopReason).toBe('answer');
    expect(started).toBe(2);
  });

  it('an assistant turn that only asks for tools is sent back with content null', async () => {
    fake.script({ ...twoCalls, content: [] }, { kind: 'reply' });
    await runTools(provider(), request(), { get_weather: () => 1, get_time: () => 2 });
    const assistant = (bodies()[1]?.messages as Sent)[1];
    expect(assistant).toMatchObject({ role: 'assistant', content: null });
  });

  it('stops after maxSteps model calls with stopReason max_steps, the last calls unrun', async () => {
    fake.script(twoCalls, twoCalls, twoCalls);
    const ran: string[] = [];
    const result = await runTools(provider(), request(), { get_weather: ({ city }: { city: string }) => ran.push(city), get_time: () => 0 }, { maxSteps: 2 });
    expect(result.stopReason).toBe('max_steps');
    expect(bodies()).toHaveLength(2);
    expect(ran).toEqual(['Oslo', 'Rome']);
    expect(result.toolCalls?.map((call) => call.id)).toEqual(['call_oslo', 'call_rome']);
    // The conversation stays sendable: no assistant turn whose calls have no results.
    expect(result.messages.map((m) => m.role)).toEqual(['user', 'assistant', 'tool', 'tool']);
    expect(result.usage?.total_tokens).toBeGreaterThan(0);
  });

  it('a cancel while the tools run: CancelledError, and no further request, even from a handler that ignores it', async () => {
    fake.script(twoCalls, { kind: 'reply' });
    const controller = new AbortController();
    let sawAbort = false;
    const run = runTools(
      provider(),
      request(),
      {
        get_weather: ({ city }: { city: string }, { signal }) => {
          if (city === 'Oslo') {
            signal.addEventListener('abort', () => (sawAbort = true));
            controller.abort();
          }
          // Never settles: the cancel must not wait for it.
          return new Promise(() => {});
        },
        get_time: () => 0,
      },
      { signal: controller.signal },
    );
    await expect(run).rejects.toBeInstanceOf(CancelledError);
    expect(sawAbort).toBe(true);
    // Give a stray request time to arrive: none may.
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(bodies()).toHaveLength(1);
  });

  it('a cancel during a model call: CancelledError from the stream, no second request', async () => {
    fake.script({ kind: 'stall', beforeHeaders: true });
    const controller = new AbortController();
    setTimeout(() => controller.abort(), 300).unref();
    await expect(runTools(provider(), request(), { get_weather: () => 1, get_time: () => 2 }, { signal: controller.signal })).rejects.toBeInstanceOf(
      CancelledError,
    );
    expect(bodies()).toHaveLength(1);
  });

  it("a handler that throws stops the run with that error; its sibling's signal aborts", async () => {
    fake.script(twoCalls, { kind: 'reply' });
    const broken = new Error('weather service down');
    let siblingAborted = false;
    const run = runTools(provider(), request(), {
      get_weather: async ({ city }: { city: string }, { signal }) => {
        if (city === 'Oslo') throw broken;
        await new Promise<void>((resolve) => signal.addEventListener('abort', () => resolve()));
        siblingAborted = true;
        return 'late';
      },
      get_time: () => 0,
    });
    await expect(run).rejects.toBe(broken);
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(siblingAborted).toBe(true);
    expect(bodies()).toHaveLength(1);
  });

  it('a call to a tool the request does not define is told to the model as an error result, and the run goes on', async () => {
    fake.script({ kind: 'tool-calls', calls: [{ id: 'call_x', name: 'launch_rocket', arguments: {} }] }, { kind: 'reply', content: ['Sorry.'] });
    const results: ToolRunEvent[] = [];
    const result = await runTools(provider(), request(), { get_weather: () => 1, get_time: () => 2 }, {
      onEvent: (event) => event.type === 'tool_result' && results.push(event),
    });
    expect(result).toMatchObject({ stopReason: 'answer', content: 'Sorry.' });
    const fedBack = (bodies()[1]?.messages as Sent).at(-1);
    expect(fedBack).toEqual({ role: 'tool', tool_call_id: 'call_x', content: 'error: there is no tool named "launch_rocket"; the tools are get_weather, get_time' });
    expect(results).toEqual([{ type: 'tool_result', id: 'call_x', name: 'launch_rocket', content: fedBack?.content, isError: true }]);
  });

  it('arguments that fail the schema stop the run with AnswerContractError (exit 10) before any handler runs', async () => {
    fake.script({ kind: 'tool-calls', calls: [{ id: 'call_1', name: 'get_weather', arguments: { town: 'Oslo' } }] }, { kind: 'reply' });
    let ran = false;
    const run = runTools(provider(), request(), { get_weather: () => (ran = true), get_time: () => 0 });
    await expect(run).rejects.toBeInstanceOf(AnswerContractError);
    expect(ran).toBe(false);
    expect(bodies()).toHaveLength(1);
  });

  it('refuses, before sending anything, a tool without a handler, a request without tools, and a bad maxSteps', async () => {
    await expect(runTools(provider(), request(), { get_weather: () => 1 })).rejects.toThrow(new UsageError('no handler for tool get_time'));
    await expect(runTools(provider(), request({ tools: [] }), {})).rejects.toBeInstanceOf(UsageError);
    await expect(runTools(provider(), request(), { get_weather: () => 1, get_time: () => 2 }, { maxSteps: 0 })).rejects.toThrow(/maxSteps/);
    expect(bodies()).toHaveLength(0);
  });
});
