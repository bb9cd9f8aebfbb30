// The usage of a tool loop's steps, summed (runTools' result, and what a failed loop records).
import { describe, expect, it } from '@jest/globals';
import type { ChatResult } from '../../../src/core/index.js';
import { sumUsage } from '../../../src/core/run-tools.js';

const step = (usage?: ChatResult['usage']): ChatResult => ({ content: '', model: 'm', finishReason: 'stop', ...(usage ? { usage } : {}) }) as ChatResult;
const tokens = (prompt: number, completion: number) => ({ prompt_tokens: prompt, completion_tokens: completion, total_tokens: prompt + completion });

describe('sumUsage', () => {
  it('adds the tokens and, when every step reported one, the costs', () => {
    const total = sumUsage([step({ ...tokens(10, 2), cost: 0.01 }), step({ ...tokens(20, 3), cost: 0.02 })]);
    expect(total).toMatchObject(tokens(30, 5));
    expect(total?.cost).toBeCloseTo(0.03, 12);
  });

  it('gives no cost when a step reported none or had no usage: the sum of some would pass for the whole', () => {
    expect(sumUsage([step({ ...tokens(10, 2), cost: 0.01 }), step(tokens(20, 3))])).toEqual(tokens(30, 5));
    expect(sumUsage([step({ ...tokens(10, 2), cost: 0.01 }), step()])).toEqual(tokens(10, 2));
    expect(sumUsage([step(), step()])).toBeUndefined();
  });
});
