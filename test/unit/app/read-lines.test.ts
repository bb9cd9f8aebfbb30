// readLines: lines split on \r\n, \n and a lone \r wherever the reads cut them, strict UTF-8,
// and a cap on one line's length; readLineEntries gives a line that is not one in its place.
import { describe, expect, it } from '@jest/globals';
import { createHash } from 'node:crypto';
import { type BadLine, readLineEntries, readLines } from '../../../src/app/read-lines.js';
import { UsageError } from '../../../src/core/index.js';

async function linesOf(chunks: Array<string | Buffer>, maxChars?: number): Promise<string[]> {
  const source = (async function* () {
    for (const chunk of chunks) yield typeof chunk === 'string' ? Buffer.from(chunk) : chunk;
  })();
  const lines: string[] = [];
  for await (const line of readLines(source, 'standard input', maxChars)) lines.push(line);
  return lines;
}

describe('readLines', () => {
  it('splits on \\r\\n, \\n and a lone \\r; a trailing \\r is not part of the line', async () => {
    expect(await linesOf(['a\r\nb\nc\rd\r'])).toEqual(['a', 'b', 'c', 'd']);
    expect(await linesOf(['last line without a break'])).toEqual(['last line without a break']);
    expect(await linesOf(['x\n\ny\n'])).toEqual(['x', '', 'y']);
  });

  it('a \\r\\n cut in two by the reads is one break, and a \\r at a read\'s end followed by text is one too', async () => {
    expect(await linesOf(['a\r', '\nb'])).toEqual(['a', 'b']);
    expect(await linesOf(['a\r', 'b\r', '\r\n', 'c'])).toEqual(['a', 'b', '', 'c']);
    expect(await linesOf(['one ', 'line', '\r'])).toEqual(['one line']);
  });

  it('a character cut in two by the reads is decoded whole; invalid UTF-8 is a usage error', async () => {
    const euro = Buffer.from('€\n');
    expect(await linesOf([euro.subarray(0, 1), euro.subarray(1)])).toEqual(['€']);
    await expect(linesOf([Buffer.from([0x61, 0xff, 0x0a])])).rejects.toThrow(new UsageError('standard input is not valid UTF-8 text'));
  });

  it('a line over the cap is a usage error naming the line, even one that never ends', async () => {
    await expect(linesOf(['ok\n', 'x'.repeat(40), 'x'.repeat(40)], 64)).rejects.toThrow('line 2 of standard input is over');
    await expect(linesOf(['fits\n'.repeat(100)], 64)).resolves.toHaveLength(100);
  });
});

describe('readLineEntries', () => {
  async function entriesOf(chunks: Array<string | Buffer>, maxChars?: number) {
    const source = (async function* () {
      for (const chunk of chunks) yield typeof chunk === 'string' ? Buffer.from(chunk) : chunk;
    })();
    const entries: Array<string | BadLine> = [];
    for await (const entry of readLineEntries(source, 'standard input', maxChars)) entries.push(entry);
    return entries;
  }
  const sha = (bytes: Buffer | string) => createHash('sha256').update(bytes).digest('hex');

  it('a line that is not UTF-8 is a BadLine with its number and bytes\' hash; the lines around it are read', async () => {
    const bad = Buffer.from([0x61, 0xff, 0x62]);
    expect(await entriesOf([Buffer.concat([Buffer.from('one\r\n'), bad, Buffer.from('\rthree')])])).toEqual(['one', { lineNumber: 2, problem: 'not_utf8', sha256: sha(bad) }, 'three']);
    // A character cut in two by the reads is still decoded whole.
    const euro = Buffer.from('€\n');
    expect(await entriesOf([euro.subarray(0, 2), euro.subarray(2)])).toEqual(['€']);
  });

  it('a line over the cap is a BadLine hashed whole though only the cap\'s worth is ever kept, even cut across many reads', async () => {
    const long = 'x'.repeat(1000);
    const pieces = Array.from({ length: 10 }, (_, i) => long.slice(i * 100, (i + 1) * 100));
    expect(await entriesOf(['ok\n', ...pieces, '\r', '\nnext'], 64)).toEqual(['ok', { lineNumber: 2, problem: 'too_long', sha256: sha(long) }, 'next']);
    // Over the cap in characters though not yet three bytes each: found when the line ends.
    expect(await entriesOf([`${'y'.repeat(65)}\n`], 64)).toEqual([{ lineNumber: 1, problem: 'too_long', sha256: sha('y'.repeat(65)) }]);
    // A valid line's hash is its text's.
    expect(sha(Buffer.from('€'))).toBe(sha('€'));
  });
});
