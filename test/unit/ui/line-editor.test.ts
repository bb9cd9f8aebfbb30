// The line editor's reducer and the key decoder, as pure functions: readline's keys, grapheme
// clusters, the history and Ctrl+R, and properties over random key sequences.
import { describe, expect, it } from '@jest/globals';
import fc from 'fast-check';
import { createKeyDecoder } from '../../../src/ui/line-editor-keys.js';
import { applyKey, type EditorKey, initialEditorState, type KeyName, type LineEditorState, splitAtCursor } from '../../../src/ui/line-editor.js';

const k = (name: KeyName): EditorKey => ({ name });
const ins = (text: string): EditorKey => ({ name: 'insert', text });

function press(state: LineEditorState, ...keys: EditorKey[]): LineEditorState {
  return keys.reduce((s, key) => applyKey(s, key).state, state);
}
const typed = (text: string, cursor = text.length) => ({ ...initialEditorState(), text, cursor });
/** The line with a | at the cursor. */
const show = (s: LineEditorState) => `${s.text.slice(0, s.cursor)}|${s.text.slice(s.cursor)}`;
/** The keys the raw terminal input stands for (Ink hands text runs and sequences apart). */
const decode = (...events: string[]) => {
  const decoder = createKeyDecoder();
  return events.flatMap((event) => decoder.push(event));
};

describe('line editor: moving', () => {
  it('Left/Right, Home/End and their Ctrl forms move a grapheme or to the ends', () => {
    const s = typed('hello world');
    expect(show(press(s, k('left'), k('left')))).toBe('hello wor|ld');
    expect(show(press(s, k('home')))).toBe('|hello world');
    expect(show(press(s, k('home'), k('right'), k('end')))).toBe('hello world|');
    expect(show(press(s, k('right')))).toBe('hello world|');
    expect(show(press(typed('ab', 0), k('left')))).toBe('|ab');
  });

  it('Alt+B/Alt+F move by words, as readline', () => {
    const s = typed('say  hello, world');
    expect(show(press(s, k('wordLeft')))).toBe('say  hello, |world');
    expect(show(press(s, k('wordLeft'), k('wordLeft')))).toBe('say  |hello, world');
    expect(show(press(s, k('home'), k('wordRight')))).toBe('say|  hello, world');
    expect(show(press(s, k('home'), k('wordRight'), k('wordRight')))).toBe('say  hello|, world');
  });

  it('steps over wide characters and emoji clusters as one', () => {
    const family = '👨‍👩‍👧';
    const s = typed(`a漢${family}é`); // é as e + combining accent
    const one = press(s, k('left'));
    expect(one.text.slice(one.cursor)).toBe('é');
    expect(press(s, k('left'), k('left')).text.slice(press(s, k('left'), k('left')).cursor)).toBe(`${family}é`);
    expect(press(s, k('backspace')).text).toBe(`a漢${family}`);
    expect(press(s, k('backspace'), k('backspace')).text).toBe('a漢');
    expect(press(s, k('backspace'), k('backspace'), k('backspace')).text).toBe('a');
    expect(press(s, k('home'), k('right'), k('delete')).text).toBe(`a${family}é`);
  });

  it('the cursor cell covers the whole grapheme it is on (a space at the end of the line)', () => {
    expect(splitAtCursor('漢字👍🏽!', 2)).toEqual(['漢字', '👍🏽', '!']);
    expect(splitAtCursor('漢字', 1)).toEqual(['漢', '字', '']);
    expect(splitAtCursor('ab', 2)).toEqual(['ab', ' ', '']);
  });

  it('Up/Down move between the lines of a multi-line text before they walk the history', () => {
    const s = { ...typed('first line\nsecond'), history: ['older'] };
    const up = press(s, k('up'));
    expect(show(up)).toBe('first |line\nsecond');
    expect(show(press(up, k('down')))).toBe('first line\nsecond|');
    expect(press(up, k('up')).text).toBe('older');
  });
});

describe('line editor: editing', () => {
  it('Backspace and Delete act at the cursor', () => {
    expect(show(press(typed('abcd', 2), k('backspace')))).toBe('a|cd');
    expect(show(press(typed('abcd', 2), k('delete')))).toBe('ab|d');
    expect(show(press(typed('abcd', 2), ins('XY')))).toBe('abXY|cd');
  });

  it('Ctrl+W, Alt+Backspace, Alt+D, Ctrl+U, Ctrl+K kill; Ctrl+Y yanks the last kill', () => {
    expect(show(press(typed('git commit -m'), k('killBigWordBack')))).toBe('git commit |');
    expect(show(press(typed('path/to/file'), k('killBigWordBack')))).toBe('|');
    expect(show(press(typed('path/to/file'), k('killWordBack')))).toBe('path/to/|');
    expect(show(press(typed('one two', 0), k('killWordForward')))).toBe('| two');
    expect(show(press(typed('hello world', 5), k('killToStart')))).toBe('| world');
    expect(show(press(typed('hello world', 5), k('killToEnd')))).toBe('hello|');
    expect(show(press(typed('hello world', 5), k('killToEnd'), k('home'), k('yank')))).toBe(' world|hello');
  });

  it('Ctrl+U and Ctrl+K keep to the cursor line of a multi-line text', () => {
    expect(show(press(typed('ab\ncd\nef', 4), k('killToStart')))).toBe('ab\n|d\nef');
    expect(show(press(typed('ab\ncd\nef', 4), k('killToEnd')))).toBe('ab\nc|\nef');
    expect(show(press(typed('ab\ncd', 2), k('killToEnd')))).toBe('ab|cd');
  });

  it('Ctrl+D deletes forward, and on an empty line is the end of input', () => {
    expect(applyKey(typed('ab', 0), k('eof')).state.text).toBe('b');
    expect(applyKey(typed('ab', 0), k('eof')).endOfInput).toBeUndefined();
    expect(applyKey(typed(''), k('eof')).endOfInput).toBe(true);
  });

  it('Enter submits the line and clears it; a blank line is not submitted; "\\" continues', () => {
    const sent = applyKey(typed('hi there', 2), k('enter'));
    expect(sent.submitted).toBe('hi there');
    expect(sent.state.text).toBe('');
    expect(sent.state.history).toEqual(['hi there']);
    expect(applyKey(typed('   '), k('enter')).submitted).toBeUndefined();
    const continued = applyKey(typed('first\\'), k('enter'));
    expect(continued.submitted).toBeUndefined();
    expect(show(continued.state)).toBe('first\n|');
    expect(show(press(typed('a'), k('newline')))).toBe('a\n|');
  });
});

describe('line editor: history', () => {
  const withHistory = (history: string[], text = '') => ({ ...typed(text), history });

  it('Up walks back, Down forward and then to the line being typed; two Ups are two steps', () => {
    const s = withHistory(['one', 'two', 'three'], 'draft');
    expect(press(s, k('up')).text).toBe('three');
    expect(press(s, k('up'), k('up')).text).toBe('two');
    expect(press(s, k('up'), k('up'), k('up'), k('up')).text).toBe('one');
    expect(press(s, k('up'), k('up'), k('down')).text).toBe('three');
    expect(press(s, k('up'), k('down')).text).toBe('draft');
    expect(press(s, k('down')).text).toBe('draft');
  });

  it('does not add a repeat of the previous entry', () => {
    const s = withHistory(['same']);
    expect(applyKey({ ...s, text: 'same', cursor: 4 }, k('enter')).state.history).toEqual(['same']);
    expect(applyKey({ ...s, text: 'other', cursor: 5 }, k('enter')).state.history).toEqual(['same', 'other']);
  });

  it('Ctrl+R searches back as you type; again for older; Enter runs the match; Esc and Ctrl+G restore', () => {
    const s = withHistory(['git status', 'ls -la', 'git commit', 'echo hi'], 'typed');
    const found = press(s, k('search'), ins('gi'));
    expect(found.search?.query).toBe('gi');
    expect(found.text).toBe('git commit');
    expect(press(found, k('search')).text).toBe('git status');
    expect(press(found, k('search'), k('search')).text).toBe('git status'); // nothing older: stays
    const enter = applyKey(found, k('enter'));
    expect(enter.submitted).toBe('git commit');
    expect(enter.state.search).toBeNull();
    expect(press(found, k('cancel'))).toMatchObject({ text: 'typed', search: null });
    expect(press(found, ins('x')).search?.match).toBeNull(); // "gix": no match
    // Another key takes the match as the line and acts on it.
    expect(show(press(found, k('end'), ins('!')))).toBe('git commit!|');
    expect(press(found, k('backspace')).text).toBe('git commit'); // "g"
  });
});

describe('line editor: properties', () => {
  const keyArb: fc.Arbitrary<EditorKey> = fc.oneof(
    fc.string({ unit: fc.constantFrom('a', ' ', 'é', '漢', '👍🏽', '\n', '-', 'e\u0301'), minLength: 1, maxLength: 4 }).map(ins),
    fc
      .constantFrom<KeyName>('left', 'right', 'home', 'end', 'wordLeft', 'wordRight', 'backspace', 'delete', 'killWordBack', 'killBigWordBack', 'killWordForward', 'killToStart', 'killToEnd', 'yank', 'up', 'down', 'search', 'cancel', 'eof', 'enter', 'newline', 'interrupt')
      .map(k),
  );
  const boundaries = (text: string) => new Set([...new Intl.Segmenter(undefined, { granularity: 'grapheme' }).segment(text)].map((s) => s.index).concat(text.length));

  it('the cursor stays within the text, on a grapheme boundary, whatever the keys', () => {
    fc.assert(
      fc.property(fc.array(keyArb, { maxLength: 40 }), fc.array(fc.string(), { maxLength: 3 }), (keys, history) => {
        let s: LineEditorState = { ...initialEditorState(), history };
        for (const key of keys) {
          s = applyKey(s, key).state;
          expect(s.cursor).toBeGreaterThanOrEqual(0);
          expect(s.cursor).toBeLessThanOrEqual(s.text.length);
          expect(boundaries(s.text).has(s.cursor)).toBe(true);
        }
      }),
    );
  });

  it('insert then Backspace as many times as graphemes inserted restores the line', () => {
    fc.assert(
      fc.property(fc.string(), fc.nat(), fc.string({ unit: 'grapheme', minLength: 1 }), (before, at, text) => {
        const start = typed(before, 0);
        // Any grapheme boundary of the text before, as the cursor.
        const positions = [...boundaries(before)];
        const s = { ...start, cursor: positions[at % positions.length] ?? 0 };
        let after = applyKey(s, ins(text)).state;
        const count = [...new Intl.Segmenter(undefined, { granularity: 'grapheme' }).segment(text)].length;
        for (let i = 0; i < count; i++) after = applyKey(after, k('backspace')).state;
        // Graphemes can join across the insertion point (an accent typed after a letter):
        // then fewer Backspaces are needed; where they do not, the line comes back exactly.
        fc.pre(boundaries(s.text.slice(0, s.cursor) + text + s.text.slice(s.cursor)).has(s.cursor));
        expect(after.text).toBe(s.text);
        expect(after.cursor).toBe(s.cursor);
      }),
    );
  });
});

describe('key decoder', () => {
  it('a burst of text and Enter is text, then Enter; LF (typed ahead in cooked mode) is Enter too', () => {
    expect(decode('hello\r')).toEqual([ins('hello'), k('enter')]);
    expect(decode('first\nsecond\n')).toEqual([ins('first'), k('enter'), ins('second'), k('enter')]);
    expect(decode('a\r\nb')).toEqual([ins('a'), k('enter'), ins('b')]);
  });

  it('control keys inside a burst are keys', () => {
    expect(decode('ab\u0017cd\u0003')).toEqual([ins('ab'), k('killBigWordBack'), ins('cd'), k('interrupt')]);
    expect(decode('\u0001\u0005\u0002\u0006\u000b\u0015\u0012\u0007\u0004\u007f\u0008\u0019\u0010\u000e')).toEqual(
      ['home', 'end', 'left', 'right', 'killToEnd', 'killToStart', 'search', 'cancel', 'eof', 'backspace', 'backspace', 'yank', 'up', 'down'].map((n) => k(n as KeyName)),
    );
    expect(decode('a\tb\u001a')).toEqual([ins('a'), ins('b')]);
  });

  it('escape sequences: arrows, Home/End in their forms, Delete, Alt and Ctrl word moves, Esc', () => {
    const cases: Array<[string, KeyName]> = [
      ['\u001b[A', 'up'],
      ['\u001b[B', 'down'],
      ['\u001b[C', 'right'],
      ['\u001b[D', 'left'],
      ['\u001bOA', 'up'],
      ['\u001b[H', 'home'],
      ['\u001b[F', 'end'],
      ['\u001bOH', 'home'],
      ['\u001b[1~', 'home'],
      ['\u001b[4~', 'end'],
      ['\u001b[7~', 'home'],
      ['\u001b[8~', 'end'],
      ['\u001b[3~', 'delete'],
      ['\u001b[3;5~', 'killWordForward'],
      ['\u001b[1;5D', 'wordLeft'],
      ['\u001b[1;3C', 'wordRight'],
      ['\u001b\u001b[D', 'wordLeft'],
      ['\u001bb', 'wordLeft'],
      ['\u001bf', 'wordRight'],
      ['\u001bd', 'killWordForward'],
      ['\u001b\u007f', 'killWordBack'],
      ['\u001b\r', 'newline'],
      ['\u001b', 'cancel'],
      ['\u001b[15~', 'ignore'],
    ];
    for (const [sequence, name] of cases) expect([sequence, decode(sequence)]).toEqual([sequence, [k(name)]]);
  });

  it('a bracketed paste is one insertion: its line breaks are not Enter', () => {
    expect(decode('\u001b[200~', 'one\rtwo\r\nthree\n', '\u001b[201~', '\r')).toEqual([ins('one\ntwo\nthree\n'), k('enter')]);
    // Split across reads, with escape sequences inside it dropped.
    expect(decode('\u001b[200~', 'a', '\u001b[A', 'b\u0007', '\u001b[201~')).toEqual([ins('ab')]);
    expect(decode('\u001b[200~', '\u001b[201~')).toEqual([]);
  });
});
