import { describe, expect, it } from '@jest/globals';
import { parseJsonStream } from '../../../../src/core/internal/json-object-stream.js';

/** The body as chunks cut at the given byte offsets. */
async function* chunked(text: string, cuts: number[]): AsyncGenerator<Uint8Array> {
  const bytes = Buffer.from(text, 'utf8');
  let from = 0;
  for (const cut of [...cuts, bytes.length]) {
    yield bytes.subarray(from, cut);
    from = cut;
  }
}

/**
 * Parses `text` cut at every single offset, and at every pair of offsets for short texts, by
 * the scanner (`wholeUpTo` 0, as for a body over 256 KB), by the scanner after a few bytes read
 * ahead, and whole (the default for a body this small).
 */
async function everyCut(text: string, arrays = ['data']): Promise<unknown[]> {
  const length = Buffer.byteLength(text);
  const results: unknown[] = [await parseJsonStream(chunked(text, []), { arrays })];
  for (const wholeUpTo of [0, 3, undefined]) {
    const options = { arrays, ...(wholeUpTo !== undefined ? { wholeUpTo } : {}) };
    for (let cut = 0; cut <= length; cut++) results.push(await parseJsonStream(chunked(text, [cut]), options));
    if (length < 60) {
      for (let a = 0; a <= length; a++) for (let b = a; b <= length; b++) results.push(await parseJsonStream(chunked(text, [a, b]), options));
    }
  }
  return results;
}

const valid = [
  '{"object":"list","data":[{"object":"embedding","index":0,"embedding":[0.1,-2e-7,3]},{"index":1,"embedding":[1,2,3]}],"model":"m","usage":{"prompt_tokens":2}}',
  ' \n{ "data" : [ ] , "x" : null }\r\n ',
  '{}',
  '{"data":[]}',
  '{"data":"not an array","n":1}',
  '{"data":[[1,[2]],{"a":"]},\\"["},"é ☃ \\u00e9"],"data2":[1]}',
  '{"a":1,"a":2,"__proto__":{"polluted":true},"":"empty key","k\\"ey":[{"}":"{"}]}',
  '{"error":{"code":429,"message":"slow down"}}',
  '[1,2,3]',
  '"a string"',
  'null',
  '  42 ',
];

const invalid = [
  '',
  '   ',
  '{',
  '{"a":1',
  '{"a":1,}',
  '{,}',
  '{"a"}',
  '{"a":}',
  '{"a" 1}',
  '{a:1}',
  '{"a":1}}',
  '{"a":1} x',
  '{"data":[1,]}',
  '{"data":[,1]}',
  '{"data":[1 2]}',
  '{"data":[1}',
  '{"data":[{"a":1]]}',
  '{"a":[1}',
  '{"a":"unterminated}',
  '{"a":tru}',
  '[1,',
];

describe('parseJsonStream', () => {
  it.each(valid)('gives what JSON.parse gives, however the bytes are cut: %s', async (text) => {
    const expected = JSON.parse(text) as unknown;
    for (const result of await everyCut(text)) expect(result).toEqual(expected);
    // Not only equal: "__proto__" is an own key, as JSON.parse makes it, and no prototype is set.
    const parsed = (await parseJsonStream(chunked(text, []))) as Record<string, unknown>;
    if (text.includes('__proto__')) {
      expect(Object.getPrototypeOf(parsed)).toBe(Object.prototype);
      expect(Object.keys(parsed)).toEqual(Object.keys(JSON.parse(text) as object));
    }
  });

  it.each(invalid)('fails with a SyntaxError where JSON.parse does, however the bytes are cut: %s', async (text) => {
    expect(() => JSON.parse(text)).toThrow(SyntaxError);
    const length = Buffer.byteLength(text);
    for (let cut = 0; cut <= length; cut++) {
      for (const wholeUpTo of [0, 3, 1024]) await expect(parseJsonStream(chunked(text, [cut]), { arrays: ['data', 'a'], wholeUpTo })).rejects.toThrow(SyntaxError);
    }
  });

  it('parses a long streamed array cut into many chunks', async () => {
    // 200 vectors in chunks of 1,000 bytes: most elements begin in one chunk and end in another.
    const vectors = Array.from({ length: 200 }, (_, i) => Array.from({ length: 64 }, (_, j) => Math.sin(i * 64 + j)));
    const text = JSON.stringify({ data: vectors.map((embedding, index) => ({ index, embedding })), model: 'm' });
    const cuts = Array.from({ length: Math.floor(text.length / 1000) }, (_, i) => (i + 1) * 1000);
    const result = (await parseJsonStream(chunked(text, cuts), { arrays: ['data'], wholeUpTo: 0 })) as { data: Array<{ embedding: number[] }> };
    expect(result.data.map((item) => item.embedding)).toEqual(vectors);
  });

  it('parses a body over the whole-body size by the scanner, from the chunks read ahead on, and closes the source', async () => {
    // 300 KB of vectors in chunks of 10,000 bytes: the first 27 chunks are read ahead, then scanned.
    const vectors = Array.from({ length: 500 }, (_, i) => Array.from({ length: 64 }, (_, j) => Math.cos(i * 64 + j)));
    const text = JSON.stringify({ data: vectors.map((embedding, index) => ({ index, embedding })), model: 'm' });
    expect(text.length).toBeGreaterThan(256 * 1024);
    const cuts = Array.from({ length: Math.floor(text.length / 10_000) }, (_, i) => (i + 1) * 10_000);
    const result = (await parseJsonStream(chunked(text, cuts), { arrays: ['data'] })) as { data: Array<{ embedding: number[] }> };
    expect(result.data.map((item) => item.embedding)).toEqual(vectors);
    // A body that turns out invalid past the read-ahead: a SyntaxError, and the source is ended.
    let closed = false;
    async function* source(): AsyncGenerator<Uint8Array> {
      try {
        yield* chunked(`${text.slice(0, -1)}]`, cuts);
        yield Buffer.from('never read');
      } finally {
        closed = true;
      }
    }
    await expect(parseJsonStream(source(), { arrays: ['data'] })).rejects.toThrow(SyntaxError);
    expect(closed).toBe(true);
  });
});
