import { describe, expect, it } from '@jest/globals';
import { isFreeModel, RequestPacer } from '../../../../src/core/internal/request-pacer.js';

function pacer(limitFor: (model: string) => number | undefined) {
  let now = 0;
  const waits: number[] = [];
  const p = new RequestPacer({
    limitFor,
    now: () => now,
    sleep: async (ms) => {
      waits.push(ms);
      now += ms;
    },
  });
  return { p, waits, advance: (ms: number) => (now += ms) };
}

describe('RequestPacer', () => {
  it('lets `limit` requests through per 60 s window, then waits for the oldest to age out', async () => {
    const { p, waits, advance } = pacer(() => 3);
    for (let i = 0; i < 3; i++) {
      await p.acquire('m');
      advance(1000);
    }
    expect(waits).toEqual([]);
    await p.acquire('m');
    expect(waits).toEqual([57_000]);
  });

  it('paces each model on its own, and not at all without a limit', async () => {
    const { p, waits } = pacer((model) => (model === 'free:free' ? 1 : undefined));
    await p.acquire('free:free');
    for (let i = 0; i < 50; i++) await p.acquire('paid/model');
    expect(waits).toEqual([]);
    await p.acquire('free:free');
    expect(waits).toEqual([60_000]);
  });

  it('knows the free models', () => {
    expect(isFreeModel('meta-llama/llama-3.3-70b-instruct:free')).toBe(true);
    expect(isFreeModel('openrouter/free')).toBe(true);
    expect(isFreeModel('openai/gpt-4o')).toBe(false);
  });
});
