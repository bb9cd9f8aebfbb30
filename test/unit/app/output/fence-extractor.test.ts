import { describe, expect, it } from '@jest/globals';
import fc from 'fast-check';
import { type CodeBlock, FenceExtractor } from '../../../../src/app/output/fence-extractor.js';

function blocksOf(chunks: readonly string[]): CodeBlock[] {
  const extractor = new FenceExtractor();
  return [...chunks.flatMap((chunk) => extractor.push(chunk)), ...extractor.finish()];
}

/** The text cut at the given positions. */
function cut(text: string, positions: readonly number[]): string[] {
  const points = [...new Set(positions.map((p) => p % (text.length + 1)))].sort((a, b) => a - b);
  const pieces: string[] = [];
  let from = 0;
  for (const point of points) {
    pieces.push(text.slice(from, point));
    from = point;
  }
  pieces.push(text.slice(from));
  return pieces;
}

describe('FenceExtractor (CommonMark fenced code blocks)', () => {
  it('finds backtick and tilde blocks with their info strings', () => {
    expect(blocksOf(['Here:\n```ts title=a\nconst a = 1;\n```\nand\n~~~\nb\n~~~\n'])).toEqual([
      { info: 'ts title=a', text: 'const a = 1;\n' },
      { info: '', text: 'b\n' },
    ]);
  });

  it('a closing fence must be as long as the opening one, of the same character, with nothing after it', () => {
    expect(blocksOf(['````md\n```\n~~~~\n``` x\n`````  \n'])).toEqual([{ info: 'md', text: '```\n~~~~\n``` x\n' }]);
  });

  it('an info string with a backtick opens no backtick fence; four spaces of indentation open none', () => {
    expect(blocksOf(['``` a`b\nx\n```\n'])).toEqual([{ info: '', text: '' }]);
    expect(blocksOf(['    ```\n    code\n    ```\n'])).toEqual([]);
  });

  it("the opening fence's indentation is taken off the content lines, up to its width", () => {
    expect(blocksOf(['  ```\n    four\n two\nnone\n  ```\n'])).toEqual([{ info: '', text: '  four\ntwo\nnone\n' }]);
  });

  it('CRLF line endings; a block still open at the end is closed by it', () => {
    expect(blocksOf(['```sh\r\necho hi\r\n```\r\n'])).toEqual([{ info: 'sh', text: 'echo hi\n' }]);
    expect(blocksOf(['```\nunfinished'])).toEqual([{ info: '', text: 'unfinished\n' }]);
  });

  it('a block is returned by the push that completes its closing line', () => {
    const extractor = new FenceExtractor();
    expect(extractor.push('```\nx\n``')).toEqual([]);
    expect(extractor.push('`')).toEqual([]);
    expect(extractor.push('\nmore text')).toEqual([{ info: '', text: 'x\n' }]);
  });

  const line = fc.oneof(
    fc.constantFrom('```', '````', '~~~', '```js', '~~~ py', ' ```', '   ~~~~', '    ```', '``` a`b', '', 'text', '  indented', '`` not'),
    fc.string({ unit: fc.constantFrom('a', ' ', '`', '~', '\r', 'é', '😀'), maxLength: 12 }),
  );
  const document = fc.tuple(fc.array(line, { maxLength: 25 }), fc.constantFrom('\n', '\r\n'), fc.boolean()).map(
    ([lines, eol, trailing]) => lines.join(eol) + (trailing ? eol : ''),
  );

  it('property: the blocks do not depend on where the chunks were cut', () => {
    fc.assert(
      fc.property(document, fc.array(fc.nat(), { maxLength: 30 }), (text, positions) => {
        expect(blocksOf(cut(text, positions))).toEqual(blocksOf([text]));
      }),
      { numRuns: 500 },
    );
  });

  it('property: one character at a time gives the same blocks', () => {
    fc.assert(
      fc.property(document, (text) => {
        expect(blocksOf([...text])).toEqual(blocksOf([text]));
      }),
      { numRuns: 200 },
    );
  });

  it('property: a block put between prose is found whole, however the text is cut', () => {
    const codeLine = fc.string({ unit: fc.constantFrom('a', 'b', ' ', '`', '~', '{', '}'), maxLength: 10 }).filter((l) => !/^ {0,3}(`{3,}|~{3,})/.test(l));
    fc.assert(
      fc.property(fc.array(codeLine, { maxLength: 8 }), fc.constantFrom('```', '~~~~'), fc.array(fc.nat(), { maxLength: 20 }), (code, fence, positions) => {
        const text = `Intro text\n${fence}json\n${code.map((l) => `${l}\n`).join('')}${fence}\nOutro\n`;
        expect(blocksOf(cut(text, positions))).toEqual([{ info: 'json', text: code.map((l) => `${l}\n`).join('') }]);
      }),
      { numRuns: 300 },
    );
  });
});
