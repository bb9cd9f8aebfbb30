import { describe, expect, it } from '@jest/globals';
import { parseConciseSchema } from '../../../../src/app/output/concise-schema.js';
import { UsageError } from '../../../../src/core/index.js';

describe('parseConciseSchema', () => {
  it('fields default to string; int, float/num, bool, str; [type] arrays; ": text" describes', () => {
    expect(parseConciseSchema('name, age int, score float, ratio num, ok bool, tags [str], ids [int], summary: one sentence')).toEqual({
      type: 'object',
      properties: {
        name: { type: 'string' },
        age: { type: 'integer' },
        score: { type: 'number' },
        ratio: { type: 'number' },
        ok: { type: 'boolean' },
        tags: { type: 'array', items: { type: 'string' } },
        ids: { type: 'array', items: { type: 'integer' } },
        summary: { type: 'string', description: 'one sentence' },
      },
      required: ['name', 'age', 'score', 'ratio', 'ok', 'tags', 'ids', 'summary'],
      additionalProperties: false,
    });
  });

  it('with newlines, one field per line, and descriptions may hold commas', () => {
    expect(parseConciseSchema('title: short, catchy\nyear int: four digits, AD')).toMatchObject({
      properties: { title: { type: 'string', description: 'short, catchy' }, year: { type: 'integer', description: 'four digits, AD' } },
    });
  });

  it.each(['', ' , ', 'two words', 'age integr', 'a, a', 'x [nope]', '9lives'])('refuses %j with a usage error', (text) => {
    expect(() => parseConciseSchema(text)).toThrow(UsageError);
  });
});
