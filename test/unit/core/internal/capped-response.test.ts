import { Readable } from 'node:stream';
import { describe, expect, it } from '@jest/globals';
import { OpenRouterConnectionError } from '../../../../src/core/errors.js';
import { capResponse, MAX_BODY_BYTES, MAX_ERROR_BODY_BYTES, MAX_LINE_BYTES } from '../../../../src/core/internal/capped-response.js';
import { isRetryable } from '../../../../src/core/internal/retry-policy.js';

const limits = { bodyBytes: 10, errorBodyBytes: 4, lineBytes: 6 };
const bytes = (text: string) => new TextEncoder().encode(text);

/** A web Response over these chunks, recording whether it was cancelled. */
function webResponse(chunks: string[], status = 200) {
  const state = { cancelled: false, pulled: 0 };
  const stream = new ReadableStream<Uint8Array>({
    pull(controller) {
      const next = chunks[state.pulled++];
      if (next === undefined) controller.close();
      else controller.enqueue(bytes(next));
    },
    cancel() {
      state.cancelled = true;
    },
  });
  return { response: new Response(stream, { status }), state };
}

async function readAll(body: AsyncIterable<Uint8Array> | null): Promise<string> {
  let text = '';
  for await (const chunk of body ?? []) text += Buffer.from(chunk).toString('utf8');
  return text;
}

describe('capResponse: text()', () => {
  it('reads a body within the cap', async () => {
    const { response } = webResponse(['{"a":', '1}']);
    expect(await capResponse(response, 'OpenRouter', limits).text()).toBe('{"a":1}');
  });

  it('fails past the cap with a typed error no retry repeats, and cancels the body at once', async () => {
    const { response, state } = webResponse(['0123456', '789ab', 'c', 'd', 'e', 'f']);
    const error = await capResponse(response, 'OpenRouter', limits).text().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(OpenRouterConnectionError);
    expect(error).toMatchObject({ failure: 'too_large', kind: 'connection', exitCode: 7, message: 'the response from OpenRouter exceeded 10 bytes' });
    expect(isRetryable(error as OpenRouterConnectionError)).toBe(false);
    expect(state.cancelled).toBe(true);
    // The stream may have pulled one chunk ahead, no more.
    expect(state.pulled).toBeLessThanOrEqual(3);
  });

  it('caps an error status more tightly', async () => {
    const { response } = webResponse(['12345'], 500);
    await expect(capResponse(response, 'OpenRouter', limits).text()).rejects.toThrow('exceeded 4 bytes');
  });

  it('destroys a node Readable body past the cap', async () => {
    const source = Readable.from([Buffer.from('0123456789'), Buffer.from('x'), Buffer.from('more')]);
    const raw = { status: 200, headers: new Headers(), body: source } as unknown as Response;
    await expect(capResponse(raw, 'LM Studio', limits).text()).rejects.toThrow('the response from LM Studio exceeded 10 bytes');
    expect(source.destroyed).toBe(true);
  });

  it('has MB-sized defaults that name themselves in MB', async () => {
    expect([MAX_BODY_BYTES, MAX_ERROR_BODY_BYTES, MAX_LINE_BYTES].map((n) => n / 2 ** 20)).toEqual([64, 1, 8]);
    const big = new Response(new ReadableStream({ pull: (c) => c.enqueue(new Uint8Array(2 ** 20)) }), { status: 502 });
    await expect(capResponse(big, 'OpenRouter').text()).rejects.toThrow('the response from OpenRouter exceeded 1 MB');
  });
});

describe('capResponse: body as a stream of lines', () => {
  it('passes chunks through while every line is short, however long the body', async () => {
    const { response } = webResponse(['abc\ndef', 'gh\n', 'ij\r\nkl', 'mnop\n', 'qrstu\n']);
    expect(await readAll(capResponse(response, 'OpenRouter', limits).body)).toBe('abc\ndefgh\nij\r\nklmnop\nqrstu\n');
  });

  it('counts the bytes since the last line break across reads, and fails past the cap', async () => {
    const { response, state } = webResponse(['data: ', 'x', 'y', 'never read']);
    await expect(readAll(capResponse(response, 'OpenRouter', limits).body)).rejects.toMatchObject({ failure: 'too_large' });
    expect(state.cancelled).toBe(true);
  });

  it('a line break resets the count (a lone CR too)', async () => {
    const { response } = webResponse(['12345\r', '123456', '\n123456']);
    expect(await readAll(capResponse(response, 'OpenRouter', limits).body)).toBe('12345\r123456\n123456');
  });

  it('a consumer that stops early closes the body', async () => {
    const { response, state } = webResponse(['a\n', 'b\n', 'c\n']);
    for await (const _chunk of capResponse(response, 'OpenRouter', limits).body ?? []) break;
    await new Promise((resolve) => setImmediate(resolve));
    expect(state.cancelled).toBe(true);
  });

  it('a response without a body reads as empty', async () => {
    const capped = capResponse(new Response(null, { status: 204 }), 'OpenRouter', limits);
    expect(capped.body).toBeNull();
    expect(await capped.text()).toBe('');
  });
});
