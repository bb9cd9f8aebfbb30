import { describe, expect, it } from '@jest/globals';
import { checkedCatalogue, checkedEmbeddings } from '../../../../src/core/internal/check-response.js';

describe('checkedEmbeddings', () => {
  const v = [0.5, -1, 0];
  it('returns the vectors in input order', () => {
    expect(checkedEmbeddings([{ index: 1, embedding: [1] }, { index: 0, embedding: [0] }], 2, 'X')).toEqual([
      { index: 0, embedding: [0] },
      { index: 1, embedding: [1] },
    ]);
  });

  it.each([
    ['not a list', { data: 1 }, 2, 'no embeddings'],
    ['too few', [{ index: 0, embedding: v }], 2, '1 embeddings for 2 inputs'],
    ['too many', [{ index: 0, embedding: v }, { index: 1, embedding: v }], 1, '2 embeddings for 1 inputs'],
    ['a duplicate index', [{ index: 1, embedding: v }, { index: 1, embedding: v }], 2, 'two embeddings for input 1'],
    ['a missing index', [{ embedding: v }, { index: 1, embedding: v }], 2, 'index is missing or out of range'],
    ['a negative index', [{ index: -1, embedding: v }, { index: 1, embedding: v }], 2, 'index is missing or out of range'],
    ['a fractional index', [{ index: 0.5, embedding: v }, { index: 1, embedding: v }], 2, 'index is missing or out of range'],
    ['a string index', [{ index: '0', embedding: v }, { index: 1, embedding: v }], 2, 'index is missing or out of range'],
    ['a null entry', [null, { index: 1, embedding: v }], 2, 'index is missing or out of range'],
    ['strings in a vector', [{ index: 0, embedding: ['1', 2] }], 1, 'embedding 0 is not a list of numbers'],
    ['Infinity in a vector', [{ index: 0, embedding: [Number.POSITIVE_INFINITY] }], 1, 'embedding 0 is not a list of numbers'],
    ['NaN in a vector', [{ index: 0, embedding: [Number.NaN] }], 1, 'embedding 0 is not a list of numbers'],
    ['an empty vector', [{ index: 0, embedding: [] }], 1, 'embedding 0 is not a list of numbers'],
    ['a base64 string', [{ index: 0, embedding: 'AAAA' }], 1, 'embedding 0 is not a list of numbers'],
    ['vectors of different lengths', [{ index: 0, embedding: [1, 2] }, { index: 1, embedding: [1] }], 2, 'different lengths (2 and 1)'],
  ])('refuses %s as a protocol error', (_what, data, inputs, message) => {
    expect(() => checkedEmbeddings(data, inputs, 'OpenRouter')).toThrow(expect.objectContaining({ failure: 'protocol', exitCode: 7, message: expect.stringContaining(message) }));
  });
});

describe('checkedCatalogue', () => {
  it('keeps entries with a usable id, counts the others', () => {
    const good = { id: 'a/b', context_length: 10, pricing: { prompt: '0', completion: '0' } };
    const result = checkedCatalogue([
      null,
      7,
      { id: 42 },
      { id: '' },
      { name: 'no id' },
      { id: 'x/y', context_length: 'big' },
      { id: 'x/z', context_length: -1 },
      { id: 'x/p', pricing: 'free' },
      good,
      { id: 'c/d', context_length: null },
    ]);
    expect(result).toEqual({ models: [good, { id: 'c/d', context_length: null }], skipped: 8 });
  });

  it('a missing list is an empty catalogue', () => {
    expect(checkedCatalogue(undefined)).toEqual({ models: [], skipped: 0 });
  });
});
