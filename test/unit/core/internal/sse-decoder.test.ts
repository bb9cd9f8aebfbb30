import { describe, expect, it } from '@jest/globals';
import fc from 'fast-check';
import { decodeSse, type SseItem } from '../../../../src/core/internal/sse-decoder.js';

const encoder = new TextEncoder();

async function* reads(parts: Uint8Array[]): AsyncGenerator<Uint8Array> {
  for (const part of parts) yield part;
}

async function decodeAll(parts: Uint8Array[], onRead?: () => void): Promise<SseItem[][]> {
  const batches: SseItem[][] = [];
  for await (const batch of decodeSse(reads(parts), onRead)) batches.push(batch);
  return batches;
}

/** Cuts bytes at the given offsets. */
function split(bytes: Uint8Array, cuts: number[]): Uint8Array[] {
  const points = [...new Set(cuts.map((c) => c % (bytes.length + 1)))].sort((a, b) => a - b);
  const parts: Uint8Array[] = [];
  let from = 0;
  for (const point of [...points, bytes.length]) {
    parts.push(bytes.slice(from, point));
    from = point;
  }
  return parts;
}

/** Serialises data strings as SSE events; lines of a multi-line datum become several data: lines. */
function serialise(data: string[], comments: Map<number, string> = new Map(), eol = '\n'): string {
  return data
    .map((datum, i) => {
      const comment = comments.has(i) ? `: ${comments.get(i)}${eol}` : '';
      return `${comment}${datum.split('\n').map((line) => `data: ${line}`).join(eol)}${eol}${eol}`;
    })
    .join('');
}

describe('decodeSse', () => {
  it('reports comments, joins multi-line data, and accepts CRLF and CR', async () => {
    for (const eol of ['\n', '\r\n', '\r']) {
      const text = `: OPENROUTER PROCESSING${eol}${eol}data: {"a":1}${eol}${eol}data: line one${eol}data: line two${eol}${eol}data: [DONE]${eol}${eol}`;
      const items = (await decodeAll([encoder.encode(text)])).flat();
      expect(items).toEqual([
        { kind: 'comment', text: 'OPENROUTER PROCESSING' },
        { kind: 'data', data: '{"a":1}' },
        { kind: 'data', data: 'line one\nline two' },
        { kind: 'data', data: '[DONE]' },
      ]);
    }
  });

  it('decodes multi-byte characters split at every byte position', async () => {
    const text = 'data: {"t":"é 😀 漢字"}\n\n';
    const bytes = encoder.encode(text);
    for (let cut = 1; cut < bytes.length; cut++) {
      const items = (await decodeAll([bytes.slice(0, cut), bytes.slice(cut)])).flat();
      expect(items).toEqual([{ kind: 'data', data: '{"t":"é 😀 漢字"}' }]);
    }
  });

  it('drops an event left incomplete at EOF', async () => {
    const items = (await decodeAll([encoder.encode('data: {"a":1}\n\ndata: {"b":')])).flat();
    expect(items).toEqual([{ kind: 'data', data: '{"a":1}' }]);
  });

  it('calls onRead once per read and yields one batch per read that completed an item', async () => {
    let reads = 0;
    const batches = await decodeAll(
      [encoder.encode('data: 1\n\ndata: 2\n\n'), encoder.encode('data: 3'), encoder.encode('\n\n')],
      () => reads++,
    );
    expect(reads).toBe(3);
    expect(batches.map((b) => b.length)).toEqual([2, 1]);
  });

  it('property: any split of the same bytes yields the same items', async () => {
    const datum = fc.array(fc.string({ unit: 'grapheme', maxLength: 12 }).map((s) => s.replace(/[\r\n]/g, ' ')), { minLength: 1, maxLength: 3 }).map((lines) => lines.join('\n'));
    await fc.assert(
      fc.asyncProperty(fc.array(datum, { minLength: 1, maxLength: 8 }), fc.array(fc.nat(), { maxLength: 12 }), async (data, cuts) => {
        const bytes = encoder.encode(serialise(data));
        const whole = (await decodeAll([bytes])).flat();
        const pieces = (await decodeAll(split(bytes, cuts))).flat();
        expect(pieces).toEqual(whole);
        expect(whole.map((item) => (item.kind === 'data' ? item.data : ''))).toEqual(data);
      }),
      { numRuns: 300 },
    );
  });

  it('property: keep-alive comments anywhere between events change nothing but the comments', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.json({ maxDepth: 1 }), { minLength: 1, maxLength: 6 }),
        fc.array(fc.nat({ max: 6 }), { maxLength: 6 }),
        fc.array(fc.nat(), { maxLength: 6 }),
        async (data, at, cuts) => {
          const comments = new Map(at.map((i) => [i, 'OPENROUTER PROCESSING']));
          const bytes = encoder.encode(serialise(data, comments, '\r\n'));
          const items = (await decodeAll(split(bytes, cuts))).flat();
          expect(items.filter((i) => i.kind === 'data').map((i) => (i as { data: string }).data)).toEqual(data);
          expect(items.filter((i) => i.kind === 'comment')).toHaveLength([...comments.keys()].filter((i) => i < data.length).length);
        },
      ),
      { numRuns: 200 },
    );
  });
});
