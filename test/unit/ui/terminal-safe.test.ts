// The terminal-safe transform: what a hostile answer's escape sequences become, and, as
// properties over any input and any chunking, that nothing a terminal acts on gets through.
import { describe, expect, it } from '@jest/globals';
import fc from 'fast-check';
import { terminalSafe, terminalSafeCell, terminalSafeJson } from '../../../src/ui/terminal-safe.js';

/** What must never reach a terminal: C0 but tab and newline, CR, DEL, C1, bidi controls. */
const FORBIDDEN = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]/;

/** The attacks of issue 13. */
const ATTACKS = {
  osc52: '\u001b]52;c;cm0gLXJmIH4K\u0007',
  osc0: '\u001b]0;pwned-title\u001b\\',
  osc8: '\u001b]8;;https://evil.invalid/\u0007click\u001b]8;;\u0007',
  clear: '\u001b[2J\u001b[H',
  altScreen: '\u001b[?1049h',
  hideCursor: '\u001b[?25l',
  c1Csi: '\u009b?1049h',
  rlo: '\u202Etxt.exe',
};

/** Characters an attacker builds sequences from, mixed with ordinary text. */
const hostileChar = fc.oneof(
  fc.constantFrom('\u001b', '\u0007', '\u009b', '\u009d', '\u0090', '\u009c', '\u007f', '\r', '\b', '\u0000', '\u202e', '\u2066', '\u2069', '\u202a'),
  fc.constantFrom('[', ']', '?', ';', '5', '2', 'c', 'h', 'l', 'J', '\\', 'P', '_', '^', 'X'),
  fc.constantFrom('a', ' ', '\n', '\t', 'é', '語', '😀'),
);
const hostileText = fc.oneof(fc.string({ unit: hostileChar, maxLength: 200 }), fc.string({ unit: 'binary', maxLength: 200 }), fc.constantFrom(...Object.values(ATTACKS)));

/** The text cut at arbitrary points, as a stream's reads would cut it. */
const chunked = hostileText.chain((text) =>
  fc.uniqueArray(fc.integer({ min: 0, max: text.length }), { maxLength: 12 }).map((cuts) => {
    const points = [0, ...cuts.sort((a, b) => a - b), text.length];
    return { text, chunks: points.slice(1).map((end, i) => text.slice(points[i], end)) };
  }),
);

describe('terminalSafe', () => {
  it('shows each attack of issue 13 as inert text', () => {
    expect(terminalSafe(ATTACKS.osc52)).toBe('^[]52;c;cm0gLXJmIH4K^G');
    expect(terminalSafe(ATTACKS.osc0)).toBe('^[]0;pwned-title^[\\');
    expect(terminalSafe(ATTACKS.clear)).toBe('^[[2J^[[H');
    expect(terminalSafe(ATTACKS.altScreen)).toBe('^[[?1049h');
    expect(terminalSafe(ATTACKS.c1Csi)).toBe('<U+009B>?1049h');
    expect(terminalSafe(ATTACKS.rlo)).toBe('<U+202E>txt.exe');
    expect(terminalSafe('a\u2066b\u2069c\u007fd\u0000')).toBe('a<U+2066>b<U+2069>c^?d^@');
  });

  it('keeps newlines, tabs and ordinary text (any script, emoji) as they are, and returns the same string when nothing is unsafe', () => {
    const text = 'line one\n\tindented — é 語 😀 \u200d ok';
    expect(terminalSafe(text)).toBe(text);
    fc.assert(
      fc.property(fc.string({ unit: 'grapheme', maxLength: 100 }), (s) => {
        fc.pre(!FORBIDDEN.test(s));
        expect(terminalSafe(s)).toBe(s);
      }),
    );
  });

  it('drops carriage returns: CRLF reads as a newline, and a lone CR cannot go back over a line', () => {
    expect(terminalSafe('one\r\ntwo\rfake prompt $ ')).toBe('one\ntwofake prompt $ ');
  });

  it('property: no output ever contains a control a terminal acts on, for any input', () => {
    fc.assert(fc.property(hostileText, (text) => !FORBIDDEN.test(terminalSafe(text))), { numRuns: 2000 });
  });

  it('property: however the input is cut into chunks, the chunks made safe one by one are the whole made safe', () => {
    fc.assert(
      fc.property(chunked, ({ text, chunks }) => {
        const joined = chunks.map(terminalSafe).join('');
        expect(joined).toBe(terminalSafe(text));
        expect(joined).not.toMatch(FORBIDDEN);
      }),
      { numRuns: 2000 },
    );
  });

  it('every split point of every attack (an ESC in one token, the rest in the next) is still caught', () => {
    for (const attack of Object.values(ATTACKS)) {
      for (let cut = 0; cut <= attack.length; cut++) {
        const out = terminalSafe(attack.slice(0, cut)) + terminalSafe(attack.slice(cut));
        expect(out).not.toMatch(FORBIDDEN);
        expect(out).toBe(terminalSafe(attack));
      }
    }
  });

  it('property: idempotent (text already made safe passes again unchanged)', () => {
    fc.assert(fc.property(hostileText, (text) => terminalSafe(terminalSafe(text)) === terminalSafe(text)));
  });
});

describe('terminalSafeCell', () => {
  it('property: no control of any kind, tabs and newlines included, so a cell cannot break its row', () => {
    fc.assert(fc.property(hostileText, (text) => !/[\u0000-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]/.test(terminalSafeCell(text))));
    expect(terminalSafeCell('a\tb\nc\u001b[2J')).toBe('a b c^[[2J');
  });
});

describe('terminalSafeJson', () => {
  it('property: parses back to the same value, with no raw DEL, C1 or bidi control (JSON escapes C0 itself)', () => {
    fc.assert(
      fc.property(fc.dictionary(hostileText, fc.oneof(hostileText, fc.array(hostileText, { maxLength: 3 }))), (value) => {
        const json = terminalSafeJson(value, 2);
        expect(json).not.toMatch(FORBIDDEN);
        expect(JSON.parse(json)).toEqual(value);
      }),
    );
    expect(terminalSafeJson({ a: ATTACKS.c1Csi + ATTACKS.rlo })).toBe('{"a":"\\u009b?1049h\\u202etxt.exe"}');
  });
});
