// Which models are suggested when the chosen one cannot read an attachment: those taking every
// modality needed, free first, then by price, ties by id; never a router.
import { describe, expect, it } from '@jest/globals';
import type { ModelInfo } from '../../../../src/core/index.js';
import { modelsTaking } from '../../../../src/app/inputs/attachment-modalities.js';

const entry = (id: string, price: string, input: string[]): ModelInfo => ({ id, context_length: 1000, pricing: { prompt: price, completion: price }, architecture: { input_modalities: input } });

describe('modelsTaking', () => {
  const models = [
    entry('z/vision-pricey', '0.00001', ['text', 'image']),
    entry('openrouter/auto', '-1', ['text', 'image', 'file', 'audio']),
    entry('b/vision-free:free', '0', ['text', 'image']),
    entry('a/vision-free:free', '0', ['text', 'image']),
    entry('c/text-only', '0', ['text']),
    entry('d/vision-cheap', '0.0000001', ['text', 'image', 'audio']),
    entry('e/variable', '-1', ['text', 'image']),
  ];

  it('free first, then cheapest, ties by id; routers left out; at most three', () => {
    expect(modelsTaking(models, ['image'])).toEqual(['a/vision-free:free', 'b/vision-free:free', 'd/vision-cheap']);
    expect(modelsTaking([...models].reverse(), ['image'])).toEqual(['a/vision-free:free', 'b/vision-free:free', 'd/vision-cheap']);
  });

  it('every modality needed', () => {
    expect(modelsTaking(models, ['image', 'audio'])).toEqual(['d/vision-cheap']);
    expect(modelsTaking(models, ['file'])).toEqual([]);
  });
});
