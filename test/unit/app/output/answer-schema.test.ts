import { describe, expect, it } from '@jest/globals';
import { compileAnswerSchema } from '../../../../src/app/output/answer-schema.js';
import { extractShaper, schemaShaper } from '../../../../src/app/output/answer-shapers.js';
import { AnswerContractError, UsageError } from '../../../../src/core/index.js';

const PERSON = { type: 'object', properties: { name: { type: 'string' }, email: { type: 'string', format: 'email' } }, required: ['name'], additionalProperties: false };

function contractError(run: () => unknown): AnswerContractError {
  try {
    run();
  } catch (error) {
    if (error instanceof AnswerContractError) return error;
    throw error;
  }
  throw new Error('no AnswerContractError');
}

describe('compileAnswerSchema (ajv, draft 2020-12)', () => {
  it('returns the parsed value of a matching answer, formats checked', async () => {
    const check = await compileAnswerSchema(PERSON);
    expect(check('{"name":"Ada","email":"ada@example.invalid"}')).toEqual({ name: 'Ada', email: 'ada@example.invalid' });
    expect(contractError(() => check('{"name":"Ada","email":"not an address"}')).message).toContain('/email: must match format "email"');
  });

  it('draft 2020-12 keywords work (prefixItems)', async () => {
    const check = await compileAnswerSchema({ type: 'array', prefixItems: [{ type: 'integer' }, { type: 'string' }], items: false });
    expect(check('[1,"a"]')).toEqual([1, 'a']);
    expect(() => check('[1,"a",3]')).toThrow(AnswerContractError);
  });

  it('a mismatch lists at most five errors, path and message, and counts the rest; the raw text is kept', async () => {
    const props = Object.fromEntries(Array.from({ length: 8 }, (_, i) => [`f${i}`, { type: 'integer' }]));
    const check = await compileAnswerSchema({ type: 'object', properties: props });
    const text = JSON.stringify(Object.fromEntries(Array.from({ length: 8 }, (_, i) => [`f${i}`, 'x'])));
    const error = contractError(() => check(text));
    expect(error.exitCode).toBe(10);
    expect(error.message.split('\n')).toEqual([
      'the answer does not match --schema:',
      '  /f0: must be integer',
      '  /f1: must be integer',
      '  /f2: must be integer',
      '  /f3: must be integer',
      '  /f4: must be integer',
      '  … and 3 more',
    ]);
    expect(error.partialContent).toBe(text);
  });

  it('JSON in one ```json fence is taken out of it; other text around JSON is not', async () => {
    const check = await compileAnswerSchema(PERSON);
    expect(check('```json\n{"name":"Ada"}\n```')).toEqual({ name: 'Ada' });
    expect(contractError(() => check('Here: {"name":"Ada"}')).message).toMatch(/^the answer is not valid JSON/);
  });

  it('a schema ajv cannot compile is a usage error (exit 2)', async () => {
    await expect(compileAnswerSchema({ type: 'object', properties: { a: { type: 'nonsense' } } })).rejects.toThrow(UsageError);
  });
});

describe('shapers', () => {
  it('schema: pretty JSON, or one line per item with multi', async () => {
    const check = await compileAnswerSchema({ type: 'object' });
    expect(schemaShaper(check, false).finish('{"a":[1,2]}')).toEqual({ text: '{\n  "a": [\n    1,\n    2\n  ]\n}\n', fields: { data: { a: [1, 2] } } });
    const multi = await compileAnswerSchema({ type: 'object', properties: { items: { type: 'array' } }, required: ['items'] });
    expect(schemaShaper(multi, true).finish('{"items":[{"a":1},{"b":"\\u202e"}]}').text).toBe('{"a":1}\n{"b":"\\u202e"}\n');
  });

  it('extract first: printed from the push that closes it, not again at the end', () => {
    const shaper = extractShaper('first');
    expect(shaper.push('```\na\n')).toBe('');
    expect(shaper.push('```\n```\nb\n```\n')).toBe('a\n');
    expect(shaper.finish('…')).toEqual({ text: '', fields: { extracted: 'a\n' } });
  });

  it('extract last: the last block, at the end, even one the end closes', () => {
    const shaper = extractShaper('last');
    expect(shaper.push('```\na\n```\n```\nb\n')).toBe('');
    expect(shaper.finish('…')).toEqual({ text: 'b\n', fields: { extracted: 'b\n' } });
  });
});
