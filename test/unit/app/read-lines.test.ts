// readLines: lines split on \r\n, \n and a lone \r wherever the reads cut them, strict UTF-8,
// and a cap on one line's length.
import { describe, expect, it } from '@jest/globals';
import { readLines } from '../../../src/app/read-lines.js';
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
