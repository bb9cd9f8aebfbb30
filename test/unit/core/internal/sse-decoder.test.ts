import { describe, expect, it } from '@jest/globals';
import fc from 'fast-check';
import { decodeSse, type SseItem } from '../../../../src/core/internal/sse-decoder.js';

const encoder = new TextEncoder();
const bytesOf = (text: string) => encoder.encode(text);

async function* reads(parts: readonly Uint8Array[]): AsyncGenerator<Uint8Array> {
  for (const part of parts) yield part;
}

async function decodeBatches(parts: readonly Uint8Array[], onRead?: () => void): Promise<SseItem[][]> {
  const batches: SseItem[][] = [];
  for await (const batch of decodeSse(reads(parts), onRead)) batches.push(batch);
  return batches;
}

async function decodeItems(parts: readonly Uint8Array[]): Promise<SseItem[]> {
  return (await decodeBatches(parts)).flat();
}

/** Cuts bytes at the given offsets (taken modulo length + 1; duplicates and empty reads allowed). */
function splitAt(bytes: Uint8Array, cuts: readonly number[]): Uint8Array[] {
  const points = cuts.map((cut) => cut % (bytes.length + 1)).sort((a, b) => a - b);
  const parts: Uint8Array[] = [];
  let from = 0;
  for (const point of [...points, bytes.length]) {
    parts.push(bytes.slice(from, point));
    from = point;
  }
  return parts;
}

const data = (value: string): SseItem => ({ kind: 'data', data: value });
const comment = (text: string): SseItem => ({ kind: 'comment', text });

type Eol = '\n' | '\r\n' | '\r';
const EOLS: readonly Eol[] = ['\n', '\r\n', '\r'];

/** One event: a datum whose "\n"s become several `data:` lines. */
function eventText(datum: string, eol: Eol): string {
  return `${datum
    .split('\n')
    .map((line) => `data: ${line}`)
    .join(eol)}${eol}${eol}`;
}

/** Events in order, each optionally preceded by comment lines. */
function streamText(events: ReadonlyArray<{ datum: string; comments?: readonly string[] }>, eol: Eol): string {
  return events
    .map(({ datum, comments = [] }) => comments.map((text) => `: ${text}${eol}`).join('') + eventText(datum, eol))
    .join('');
}

describe('decodeSse: framing', () => {
  it('reports the keep-alive comment `: OPENROUTER PROCESSING` as a comment, not as data', async () => {
    const items = await decodeItems([bytesOf(': OPENROUTER PROCESSING\n\n: OPENROUTER PROCESSING\n\ndata: {"a":1}\n\n')]);
    expect(items).toEqual([comment('OPENROUTER PROCESSING'), comment('OPENROUTER PROCESSING'), data('{"a":1}')]);
  });

  it.each([
    ['LF', '\n'],
    ['CRLF', '\r\n'],
    ['CR', '\r'],
  ])('accepts %s line endings', async (_name, eol) => {
    const text = `: OPENROUTER PROCESSING${eol}${eol}data: {"a":1}${eol}${eol}data: line one${eol}data: line two${eol}${eol}data: [DONE]${eol}${eol}`;
    expect(await decodeItems([bytesOf(text)])).toEqual([
      comment('OPENROUTER PROCESSING'),
      data('{"a":1}'),
      data('line one\nline two'),
      data('[DONE]'),
    ]);
  });

  it('joins multi-line data with "\\n", keeping empty lines', async () => {
    const items = await decodeItems([bytesOf('data: first\ndata:\ndata: third\n\n')]);
    expect(items).toEqual([data('first\n\nthird')]);
  });

  it('keeps a CRLF split between two reads as one line break (does not end the event early)', async () => {
    const items = await decodeItems([bytesOf('data: one\r'), bytesOf('\ndata: two\r\n\r\n')]);
    expect(items).toEqual([data('one\ntwo')]);
  });

  it('ends the last event at EOF when its final CR arrived in the last read', async () => {
    expect(await decodeItems([bytesOf('data: x\r'), bytesOf('\r')])).toEqual([data('x')]);
  });

  it('drops an event left incomplete at EOF', async () => {
    expect(await decodeItems([bytesOf('data: {"a":1}\n\ndata: {"b":')])).toEqual([data('{"a":1}')]);
    // A complete data line but no blank line after it is still an incomplete event.
    expect(await decodeItems([bytesOf('data: {"a":1}\n\ndata: {"b":2}\n')])).toEqual([data('{"a":1}')]);
    expect(await decodeItems([bytesOf('data: {"a":1}\n\ndata: {"b":2}\r')])).toEqual([data('{"a":1}')]);
  });

  it('yields nothing for an empty stream', async () => {
    expect(await decodeBatches([])).toEqual([]);
  });
});

describe('decodeSse: reads', () => {
  it('decodes an event split at every byte position, including inside é, 😀 and CJK characters', async () => {
    const datum = '{"t":"é 😀 漢字 ok"}';
    const bytes = bytesOf(`data: ${datum}\n\n`);
    // The text holds 2-, 4- and 3-byte characters, so some cuts fall inside each of them.
    expect(bytes.length).toBeGreaterThan(`data: ${datum}\n\n`.length);
    for (let cut = 0; cut <= bytes.length; cut++) {
      expect(await decodeItems([bytes.slice(0, cut), bytes.slice(cut)])).toEqual([data(datum)]);
    }
  });

  it('decodes a stream fed one byte per read', async () => {
    const text = ': OPENROUTER PROCESSING\r\n\r\ndata: {"t":"ñ😀中"}\r\n\r\ndata: [DONE]\r\n\r\n';
    const bytes = bytesOf(text);
    const oneByteReads = Array.from(bytes, (byte) => Uint8Array.of(byte));
    expect(await decodeItems(oneByteReads)).toEqual([comment('OPENROUTER PROCESSING'), data('{"t":"ñ😀中"}'), data('[DONE]')]);
  });

  it('calls onRead once per read, empty reads and comment-only reads included', async () => {
    let count = 0;
    await decodeBatches(
      [bytesOf(': OPENROUTER PROCESSING\n\n'), new Uint8Array(0), bytesOf('data: 1\n'), bytesOf('\n')],
      () => count++,
    );
    expect(count).toBe(4);
  });

  it('calls onRead before the items of that read are handed over', async () => {
    const log: string[] = [];
    for await (const batch of decodeSse(reads([bytesOf('data: 1\n\n'), bytesOf('data: 2\n\n')]), () => log.push('read'))) {
      log.push(`batch ${batch.map((item) => (item.kind === 'data' ? item.data : '')).join(',')}`);
    }
    expect(log).toEqual(['read', 'batch 1', 'read', 'batch 2']);
  });

  it('yields one batch per read that completed at least one item', async () => {
    const batches = await decodeBatches([
      bytesOf('data: 1\n\ndata: 2\n\n: ping\n\n'), // three items
      bytesOf('data: 3'), // nothing complete
      bytesOf('\n\n'), // completes 3
      new Uint8Array(0), // nothing
      bytesOf(': OPENROUTER PROCESSING\n'), // a comment alone
    ]);
    expect(batches).toEqual([[data('1'), data('2'), comment('ping')], [data('3')], [comment('OPENROUTER PROCESSING')]]);
  });
});

// ---- properties ----

/** A line of data: any code point but CR and LF (no lone surrogates, so it survives UTF-8). */
const dataLine = fc.string({ unit: 'binary', maxLength: 12 }).map((s) => s.replace(/[\r\n]/g, ''));
/** JSON-ish data: JSON values (unicode strings included) or raw lines; several lines → several `data:` fields. */
const datum = fc.oneof(
  fc.json({ maxDepth: 2 }),
  fc.string({ unit: 'grapheme', maxLength: 20 }).map((s) => JSON.stringify({ content: s })),
  fc.array(dataLine, { minLength: 1, maxLength: 4 }).map((lines) => lines.join('\n')),
);
const commentText = fc.oneof(
  fc.constant('OPENROUTER PROCESSING'),
  fc.string({ unit: 'grapheme', maxLength: 10 }).map((s) => s.replace(/[\r\n]/g, '')),
);
const eol = fc.constantFrom<Eol>(...EOLS);
/** Offsets at which to cut the byte array into reads. */
const cuts = fc.array(fc.nat(), { maxLength: 16 });

describe('decodeSse: properties', () => {
  it('any split of the bytes into reads yields the same items, equal to the events sent', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(datum, { minLength: 1, maxLength: 8 }), eol, cuts, async (events, lineEnd, at) => {
        const bytes = bytesOf(streamText(events.map((d) => ({ datum: d })), lineEnd));
        const items = await decodeItems(splitAt(bytes, at));
        expect(items).toEqual(events.map(data));
      }),
      { numRuns: 400 },
    );
  });

  it('keep-alive comments inserted between events change nothing but the comments', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.record({ datum, comments: fc.array(commentText, { maxLength: 3 }) }), { minLength: 1, maxLength: 6 }),
        fc.array(commentText, { maxLength: 3 }),
        eol,
        cuts,
        async (events, trailing, lineEnd, at) => {
          const plain = bytesOf(streamText(events.map(({ datum: d }) => ({ datum: d })), lineEnd));
          const withComments = bytesOf(
            streamText(events, lineEnd) + trailing.map((text) => `: ${text}${lineEnd}`).join('') + `${lineEnd}`,
          );
          const before = await decodeItems(splitAt(plain, at));
          const after = await decodeItems(splitAt(withComments, at));
          expect(after.filter((item) => item.kind === 'data')).toEqual(before);
          // CR-terminated trailing comments without a following byte are only complete at EOF,
          // which the decoder handles; every inserted comment is reported, in order.
          const expectedComments = [...events.flatMap((event) => event.comments), ...trailing].map(comment);
          expect(after.filter((item) => item.kind === 'comment')).toEqual(expectedComments);
        },
      ),
      { numRuns: 300 },
    );
  });
});
