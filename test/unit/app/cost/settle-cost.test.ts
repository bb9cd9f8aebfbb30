// The cost settler on an event stream: each source (reported, looked up, estimated, none), a
// look-up that fails then falls back to the estimate, a fallback provider's answer not looked
// up, and the reported path passing every batch on as it came.
import { describe, expect, it } from '@jest/globals';
import { settleCost, withSettledCost, type CostSettling } from '../../../../src/app/cost/settle-cost.js';
import { CancelledError, OpenRouterConnectionError, type Generation, type StreamEvent, type Usage } from '../../../../src/core/index.js';

const usage = (extra: Partial<Usage> = {}): Usage => ({ prompt_tokens: 100, completion_tokens: 20, total_tokens: 120, ...extra });
const prices = { prompt: 0.000001, completion: 0.000002, request: 0 };

async function* stream(batches: StreamEvent[][]): AsyncIterable<StreamEvent[]> {
  for (const batch of batches) yield batch;
}

async function run(batches: StreamEvent[][], how: CostSettling): Promise<StreamEvent[][]> {
  const out: StreamEvent[][] = [];
  for await (const batch of withSettledCost(stream(batches), how)) out.push(batch);
  return out;
}

const answer = (u: Usage, id = 'gen-1'): StreamEvent[][] => [
  [{ type: 'meta', id, model: 'openai/gpt-4o-mini', provider: 'OpenAI' }],
  [{ type: 'token', text: 'Hello' }],
  [{ type: 'token', text: ' there' }],
  [{ type: 'usage', usage: u }, { type: 'done', finishReason: 'stop', id, model: 'openai/gpt-4o-mini' }],
];

const usageOf = (batches: StreamEvent[][]) => batches.flat().find((event): event is Extract<StreamEvent, { type: 'usage' }> => event.type === 'usage')?.usage;

describe('withSettledCost', () => {
  it('reported: the usage keeps its cost and says so; nothing is asked', async () => {
    const asked: string[] = [];
    const out = await run(answer(usage({ cost: 0.0007 })), {
      lookUp: async (id) => {
        asked.push(id);
        return undefined;
      },
      prices: async () => prices,
    });
    expect(usageOf(out)).toMatchObject({ cost: 0.0007, cost_source: 'reported' });
    expect(asked).toEqual([]);
    // Every batch passed on, the text ones untouched and in order.
    expect(out.map((batch) => batch.map((event) => event.type))).toEqual([['meta'], ['token'], ['token'], ['usage', 'done']]);
  });

  it('a cost of 0 (a free model) is reported, not looked up', async () => {
    const out = await run(answer(usage({ cost: 0 })), { lookUp: async () => { throw new Error('not to be asked'); } });
    expect(usageOf(out)).toMatchObject({ cost: 0, cost_source: 'reported' });
  });

  it('looked up: a usage without a cost gets the generation\'s total_cost, by the answer\'s id', async () => {
    const asked: string[] = [];
    const out = await run(answer(usage()), {
      lookUp: async (id) => {
        asked.push(id);
        return { id, totalCost: 0.0031 } satisfies Generation;
      },
      prices: async () => prices,
    });
    expect(asked).toEqual(['gen-1']);
    expect(usageOf(out)).toMatchObject({ cost: 0.0031, cost_source: 'looked_up', prompt_tokens: 100 });
    // The events held back go on after the usage, in order.
    expect(out.flat().map((event) => event.type)).toEqual(['meta', 'token', 'token', 'usage', 'done']);
  });

  it('an invalid cost (a string) is not reported: it is looked up', async () => {
    const out = await run(answer(usage({ cost: '0.5' as unknown as number })), { lookUp: async (id) => ({ id, totalCost: 0.25 }) });
    expect(usageOf(out)).toMatchObject({ cost: 0.25, cost_source: 'looked_up' });
  });

  it('the look-up fails (gives up on 404, a bad body): estimated from the catalogue prices', async () => {
    const priced: string[] = [];
    const out = await run(answer(usage()), {
      lookUp: async () => {
        throw new OpenRouterConnectionError('protocol', 'invalid response from OpenRouter: a bad body');
      },
      prices: async (model) => {
        priced.push(model);
        return prices;
      },
    });
    expect(priced).toEqual(['openai/gpt-4o-mini']);
    expect(usageOf(out)?.cost).toBeCloseTo(100 * 0.000001 + 20 * 0.000002, 12);
    expect(usageOf(out)?.cost_source).toBe('estimated');
  });

  it('a look-up that takes too long is given up for the estimate', async () => {
    const out = await run(answer(usage()), {
      lookUp: (_id, signal) => new Promise((_resolve, reject) => signal.addEventListener('abort', () => reject(signal.reason))),
      prices: async () => prices,
      lookUpTimeoutMs: 50,
    });
    expect(usageOf(out)?.cost_source).toBe('estimated');
  });

  it('no look-up and no prices: the usage goes on without a cost or a source', async () => {
    const out = await run(answer(usage()), { lookUp: async () => undefined, prices: async () => undefined, model: 'local-model' });
    expect(usageOf(out)).toEqual(usage());
  });

  it('the asked model is priced when the answer\'s is not in the catalogue', async () => {
    const out = await run(answer(usage()), { prices: async (model) => (model === 'openai/gpt-4o' ? prices : undefined), model: 'openai/gpt-4o' });
    expect(usageOf(out)?.cost_source).toBe('estimated');
  });

  it("a fallback provider's answer is neither looked up nor priced by the first one's catalogue", async () => {
    const batches: StreamEvent[][] = [
      [{ type: 'fallback', from: 'openrouter', to: 'lmstudio', reason: 'down', error: new OpenRouterConnectionError('network', 'down') }],
      ...answer(usage()),
    ];
    const out = await run(batches, { lookUp: async (id) => ({ id, totalCost: 1 }), prices: async () => prices });
    expect(usageOf(out)?.cost).toBeUndefined();
  });

  it('several generations (tool steps) are not looked up as one: estimated', async () => {
    const batches: StreamEvent[][] = [[{ type: 'meta', id: 'gen-a' }], [{ type: 'meta', id: 'gen-b', model: 'm/x' }], [{ type: 'usage', usage: usage() }, { type: 'done', finishReason: 'stop' }]];
    const asked: string[] = [];
    const out = await run(batches, {
      lookUp: async (id) => {
        asked.push(id);
        return { id, totalCost: 1 };
      },
      prices: async () => prices,
    });
    expect(asked).toEqual([]);
    expect(usageOf(out)?.cost_source).toBe('estimated');
  });

  it('a stream that fails after its usage passes what it held on, then the error', async () => {
    async function* failing(): AsyncIterable<StreamEvent[]> {
      yield [{ type: 'usage', usage: usage() }];
      throw new OpenRouterConnectionError('network', 'gone');
    }
    const seen: StreamEvent[] = [];
    await expect(
      (async () => {
        for await (const batch of withSettledCost(failing(), { lookUp: async (id) => ({ id, totalCost: 1 }) })) seen.push(...batch);
      })(),
    ).rejects.toThrow('gone');
    expect(seen.map((event) => event.type)).toEqual(['usage']);
  });

  it("the user's cancel during the look-up stops the run", async () => {
    const controller = new AbortController();
    const settling = settleCost(usage(), { id: 'gen-1' }, {
      signal: controller.signal,
      lookUp: (_id, signal) => new Promise((_resolve, reject) => signal.addEventListener('abort', () => reject(signal.reason))),
      prices: async () => prices,
    });
    controller.abort();
    await expect(settling).rejects.toBeInstanceOf(CancelledError);
  });
});
