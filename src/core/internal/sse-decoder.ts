// Bytes → SSE items. eventsource-parser does the WHATWG framing (comment lines, CRLF, multi-line
// `data:`, lines split across reads); this module adds UTF-8 decoding that is safe when a read
// ends inside a multi-byte character, and hands items over per network read, so that a
// 100,000-chunk stream costs one async step per read rather than one per event.
import { createParser } from 'eventsource-parser';

export type SseItem =
  /** A complete event's data (multi-line data joined with "\n"). */
  | { kind: 'data'; data: string }
  /** A comment line such as `: OPENROUTER PROCESSING` (keep-alive). */
  | { kind: 'comment'; text: string };

/**
 * Decodes a byte stream into batches of SSE items, one batch per read that completed at least
 * one item. An event left incomplete at EOF is dropped, as the SSE spec requires; the caller
 * decides whether the stream ended early.
 */
export async function* decodeSse(
  chunks: AsyncIterable<Uint8Array>,
  /** Called on every read, before decoding: any bytes, keep-alive comments included, are life. */
  onRead?: () => void,
): AsyncGenerator<SseItem[], void, undefined> {
  let batch: SseItem[] = [];
  const parser = createParser({
    onEvent: (event) => batch.push({ kind: 'data', data: event.data }),
    onComment: (text) => batch.push({ kind: 'comment', text }),
  });
  const decoder = new TextDecoder('utf-8');
  let endsWithCr = false;
  for await (const chunk of chunks) {
    onRead?.();
    const text = decoder.decode(chunk, { stream: true });
    if (text.length > 0) endsWithCr = text.endsWith('\r');
    parser.feed(text);
    if (batch.length > 0) {
      const ready = batch;
      batch = [];
      yield ready;
    }
  }
  // A final CR may still be waiting to see whether LF follows; at EOF it is a whole line break.
  parser.feed(decoder.decode() + (endsWithCr ? '\n' : ''));
  if (batch.length > 0) yield batch;
}
