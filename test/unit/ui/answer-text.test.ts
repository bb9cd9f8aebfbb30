// Finished lines as the terminal UI writes them: styled by markdown kind, wrapped to the width
// as Ink wraps its own text (wide characters take two cells, long words break, spaces kept).
import { describe, expect, it } from '@jest/globals';
import stringWidth from 'string-width';
import { answerText, displayText, fitsIn, wrapRow } from '../../../src/ui/answer-text.js';
import type { ViewLine } from '../../../src/ui/chat-view-state.js';

const line = (text: string, kind: ViewLine['kind'] = 'text', id = 0): ViewLine => ({ id, text, kind });

describe('wrapRow', () => {
  it('keeps a short line whole and breaks a long one at spaces, within the width', () => {
    expect(wrapRow('short line', 40)).toEqual(['short line']);
    const rows = wrapRow('the quick brown fox jumps over the lazy dog again and again', 20);
    expect(rows.length).toBeGreaterThan(2);
    for (const row of rows) expect(stringWidth(row)).toBeLessThanOrEqual(20);
    expect(rows.join('').replace(/\s+/g, ' ')).toBe('the quick brown fox jumps over the lazy dog again and again');
  });

  it('counts wide characters as two cells and breaks a word longer than a row', () => {
    const cjk = '漢字'.repeat(15);
    const rows = wrapRow(cjk, 10);
    expect(rows.every((row) => stringWidth(row) <= 10)).toBe(true);
    expect(rows.join('')).toBe(cjk);
    expect(wrapRow('x'.repeat(25), 10)).toEqual(['x'.repeat(10), 'x'.repeat(10), 'x'.repeat(5)]);
  });
});

describe('answerText', () => {
  it('styles headings, code and quotes; bullets lists; keeps empty lines', () => {
    const text = answerText([line('# Title', 'heading'), line('- item', 'list', 1), line('x = 1', 'code', 2), line('', 'text', 3), line('> said', 'quote', 4)], 80, true);
    expect(text).toBe('\u001b[1m\u001b[36mTitle\u001b[39m\u001b[22m\n• item\n\u001b[33m  x = 1\u001b[39m\n \n\u001b[3m\u001b[2m> said\u001b[22m\u001b[23m\n');
  });

  it('without colour: the same text, no escape codes, each row on its own line', () => {
    const text = answerText([line('# Title', 'heading'), line('a b c d e f g h', 'text', 1)], 6, false);
    expect(text).not.toMatch(/\u001b/);
    expect(text.split('\n').slice(0, -1).every((row) => stringWidth(row) <= 6)).toBe(true);
    expect(text.startsWith('Title\n')).toBe(true);
    expect(displayText(line('* star', 'list'))).toBe('• star');
  });
});

describe('reasoning lines and fitsIn', () => {
  it('writes reasoning dimmed and italic, as it looked while it streamed', () => {
    expect(answerText([line('thinking it over', 'reasoning')], 80, true)).toBe('\u001b[2m\u001b[3mthinking it over\u001b[23m\u001b[22m\n');
    expect(answerText([line('thinking it over', 'reasoning')], 80, false)).toBe('thinking it over\n');
  });

  it('fitsIn measures cells as string-width does', () => {
    for (const text of ['plain ascii · with …', '模型名字', '🤖🤖🤖', 'a\u0301b', '']) {
      for (const columns of [1, 2, 3, 4, 5, 6, 8, 20]) expect(fitsIn(text, columns)).toBe(stringWidth(text) <= columns);
    }
  });
});
