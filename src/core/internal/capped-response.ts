// Every read of a network body is bounded, whatever fetch produced the response (node-fetch.ts
// or an injected one): the whole of a body read as text, and each line of a body read as a
// stream. The counts are of the bytes the caller sees, so a compressed body is bounded on its
// decompressed size. Past a cap the read fails with a typed error that no retry repeats, and
// the connection is closed at once (the body is destroyed, not drained).
import { OpenRouterConnectionError } from '../errors.js';

const MB = 1024 * 1024;
/** A whole response read at once: a non-streaming answer, the catalogue, /key, embeddings. */
export const MAX_BODY_BYTES = 64 * MB;
/** An error response: only a few hundred characters of it are ever shown. */
export const MAX_ERROR_BODY_BYTES = 1 * MB;
/** One line of an event stream, counted since the last line break. */
export const MAX_LINE_BYTES = 8 * MB;

/** What callers may read of a response. */
export interface HttpResponse {
  readonly status: number;
  readonly headers: Headers;
  /** The whole body as UTF-8: at most MAX_BODY_BYTES, or MAX_ERROR_BODY_BYTES for status ≥ 400. */
  text(): Promise<string>;
  /** The body's bytes as they arrive, no line longer than MAX_LINE_BYTES; null without a body. */
  readonly body: AsyncIterable<Uint8Array> | null;
  /** The body's bytes as they arrive, within text()'s cap in all (lines of any length). */
  chunks(): AsyncIterable<Uint8Array>;
}

export interface BodyLimits {
  bodyBytes: number;
  errorBodyBytes: number;
  lineBytes: number;
}

export const DEFAULT_BODY_LIMITS: BodyLimits = { bodyBytes: MAX_BODY_BYTES, errorBodyBytes: MAX_ERROR_BODY_BYTES, lineBytes: MAX_LINE_BYTES };

/** The error for a body past `limitBytes`. */
export function responseTooLarge(providerLabel: string, limitBytes: number): OpenRouterConnectionError {
  const size = limitBytes >= MB ? `${Math.round((limitBytes / MB) * 10) / 10} MB` : `${limitBytes} bytes`;
  return new OpenRouterConnectionError('too_large', `the response from ${providerLabel} exceeded ${size}`, {
    hint: 'the server sent more than any answer needs; check the base URL',
  });
}

/** Wraps a fetch Response so that every read of its body is capped. */
export function capResponse(raw: Response, providerLabel: string, limits: BodyLimits = DEFAULT_BODY_LIMITS): HttpResponse {
  const source = (raw.body ?? null) as AsyncIterable<Uint8Array> | null;
  const tooLarge = (limit: number) => responseTooLarge(providerLabel, limit);
  async function* chunks(): AsyncGenerator<Uint8Array, void, undefined> {
    if (!source) return;
    const limit = raw.status >= 400 ? limits.errorBodyBytes : limits.bodyBytes;
    let size = 0;
    // Leaving the loop by a throw destroys the body (a Readable) or cancels it (a web stream).
    for await (const chunk of source) {
      size += chunk.byteLength;
      if (size > limit) throw tooLarge(limit);
      yield chunk;
    }
  }
  return {
    status: raw.status,
    headers: raw.headers,
    body: source ? lineCapped(source, limits.lineBytes, tooLarge) : null,
    chunks,
    async text() {
      const read: Uint8Array[] = [];
      for await (const chunk of chunks()) read.push(chunk);
      return Buffer.concat(read).toString('utf8');
    },
  };
}

/**
 * The body's chunks, failing once more than `limit` bytes came without a line break (CR or
 * LF). One check per network read, no copy and no extra generator: this is the hot path of a
 * long stream.
 */
function lineCapped(
  body: AsyncIterable<Uint8Array>,
  limit: number,
  tooLarge: (limit: number) => Error,
): AsyncIterable<Uint8Array> {
  return {
    [Symbol.asyncIterator]() {
      const inner = body[Symbol.asyncIterator]();
      const close = () => {
        void inner.return?.()?.catch(() => undefined);
      };
      let sinceBreak = 0;
      const check = (result: IteratorResult<Uint8Array>): IteratorResult<Uint8Array> => {
        if (result.done) return result;
        const chunk = result.value;
        const lastBreak = Math.max(chunk.lastIndexOf(10), chunk.lastIndexOf(13));
        sinceBreak = lastBreak < 0 ? sinceBreak + chunk.byteLength : chunk.byteLength - 1 - lastBreak;
        if (sinceBreak > limit) {
          close();
          throw tooLarge(limit);
        }
        return result;
      };
      return {
        next: () => inner.next().then(check),
        return: (value?: unknown) => {
          close();
          return Promise.resolve({ done: true as const, value: value as undefined });
        },
      };
    },
  };
}
