// Catalogue queries: filters, the three sort orders, and an id order that is the same under
// any locale (a script's output must not depend on LANG).
import { describe, expect, it } from '@jest/globals';
import { queryModels } from '../../../src/app/list-models.js';
import type { ModelInfo } from '../../../src/core/index.js';

const model = (id: string, prompt: string, context?: number): ModelInfo => ({
  id,
  name: id.toUpperCase(),
  context_length: context ?? null,
  pricing: { prompt, completion: prompt },
});

const catalogue = [
  model('openai/gpt-4o', '0.0000025', 128000),
  model('openai/gpt-4', '0.00003', 8191),
  model('a_b/x', '0', 4096),
  model('a-b/x', '0.000001'),
  model('A/x', '-1', 200000),
  model('openai/gpt-4.1', '0.000002', 1047576),
  model('meta/llama:free', '0', 131072),
];
const ids = (models: ModelInfo[]) => models.map((m) => m.id);

describe('queryModels', () => {
  it('sorts ids by code point: upper case before lower, "-" before "_"', () => {
    expect(ids(queryModels(catalogue, { sort: 'id' }))).toEqual(['A/x', 'a-b/x', 'a_b/x', 'meta/llama:free', 'openai/gpt-4', 'openai/gpt-4.1', 'openai/gpt-4o']);
  });

  it('by price (variable last), then id; by context, largest first (unknown last), then id', () => {
    expect(ids(queryModels(catalogue, { sort: 'price' }))).toEqual(['a_b/x', 'meta/llama:free', 'a-b/x', 'openai/gpt-4.1', 'openai/gpt-4o', 'openai/gpt-4', 'A/x']);
    expect(ids(queryModels(catalogue, { sort: 'context' }))).toEqual(['openai/gpt-4.1', 'A/x', 'meta/llama:free', 'openai/gpt-4o', 'openai/gpt-4', 'a_b/x', 'a-b/x']);
  });

  it('filters by search (id or name, any case), free, minimum context, and limits', () => {
    expect(ids(queryModels(catalogue, { sort: 'id', search: 'GPT-4' }))).toEqual(['openai/gpt-4', 'openai/gpt-4.1', 'openai/gpt-4o']);
    expect(ids(queryModels(catalogue, { sort: 'id', free: true }))).toEqual(['a_b/x', 'meta/llama:free']);
    expect(ids(queryModels(catalogue, { sort: 'id', minContext: 131072 }))).toEqual(['A/x', 'meta/llama:free', 'openai/gpt-4.1']);
    expect(ids(queryModels(catalogue, { sort: 'context', limit: 2 }))).toEqual(['openai/gpt-4.1', 'A/x']);
  });
});
