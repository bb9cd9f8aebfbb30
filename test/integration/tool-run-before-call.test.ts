// runTools' beforeCall hook against the fake OpenRouter over real HTTP: asked before every model
// call with the request as it is sent, told how each call ended, and able to stop the run before
// a call is sent (what a spend limit does).
import { afterEach, beforeEach, describe, expect, it } from '@jest/globals';
import {
  type ChatRequest,
  createMemoryBreakerStore,
  type ModelCallOutcome,
  OpenRouterProvider,
  runTools,
  SpendLimitError,
  type ToolDefinition,
} from '../../src/index.js';
import { defaultUsage, type FakeOpenRouter, startFakeOpenRouter, TEST_API_KEY } from '../helpers/fake-openrouter.js';

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
const weather: ToolDefinition = {
  type: 'function',
  function: { name: 'get_weather', parameters: { type: 'object', properties: { city: { type: 'string' } }, required: ['city'] } },
};
const request: ChatRequest = { messages: [{ role: 'user', content: 'Weather in Oslo?' }], tools: [weather] };
const handlers = { get_weather: () => '3 degrees' };
const chatBodies = () => fake.requests.filter((r) => r.path === '/chat/completions').map((r) => r.body as { messages: Array<{ role: string }> });
const toolCall = (id: string) => ({ kind: 'tool-calls' as const, calls: [{ id, name: 'get_weather', arguments: { city: 'Oslo' } }], usage: defaultUsage(10, 2) });

describe('runTools beforeCall', () => {
  it('is asked before each call with the request as sent (growing with the tool results), and told each result', async () => {
    fake.script(toolCall('c1'), toolCall('c2'), { kind: 'reply', content: ['Cold.'], usage: defaultUsage(30, 1) });
    const asked: Array<{ step: number; roles: string[]; sentBefore: number }> = [];
    const told: Array<{ step: number; outcome: ModelCallOutcome }> = [];
    const result = await runTools(provider(), request, handlers, {
      beforeCall: (sent, step) => {
        asked.push({ step, roles: sent.messages.map((m) => m.role), sentBefore: chatBodies().length });
        return (outcome) => {
          told.push({ step, outcome });
        };
      },
    });
    expect(result.stopReason).toBe('answer');
    expect(asked).toEqual([
      { step: 1, roles: ['user'], sentBefore: 0 },
      { step: 2, roles: ['user', 'assistant', 'tool'], sentBefore: 1 },
      { step: 3, roles: ['user', 'assistant', 'tool', 'assistant', 'tool'], sentBefore: 2 },
    ]);
    // What the hook saw is what went out.
    expect(chatBodies().map((body) => body.messages.map((m) => m.role))).toEqual(asked.map((a) => a.roles));
    expect(told.map((t) => [t.step, t.outcome.result?.usage?.prompt_tokens])).toEqual([[1, 10], [2, 10], [3, 30]]);
  });

  it('throwing stops the run with that error before the call is sent', async () => {
    fake.script(toolCall('c1'), { kind: 'reply', content: ['never sent'] });
    const refused = new SpendLimitError('model call 2 could cost too much', { limit: 'max_cost', limitUsd: 0.01, spentUsd: 0.01 });
    let handled = 0;
    const run = runTools(provider(), request, { get_weather: () => `${++handled}` }, {
      beforeCall: (_sent, step) => {
        if (step === 2) throw refused;
      },
    });
    await expect(run).rejects.toBe(refused);
    expect(chatBodies()).toHaveLength(1);
    expect(handled).toBe(1);
  });

  it('a call that fails is told its error, and the run fails with it', async () => {
    fake.script({ kind: 'http-error', status: 400, body: { error: { code: 400, message: 'bad request' } } });
    const told: ModelCallOutcome[] = [];
    const run = runTools(provider(), request, handlers, { beforeCall: () => (outcome) => void told.push(outcome) });
    const error = await run.then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(error).toBeDefined();
    expect(told).toHaveLength(1);
    expect(told[0]?.error).toBe(error);
    expect(told[0]?.result).toBeUndefined();
  });
});
