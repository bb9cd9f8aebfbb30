// The limits of one streamed attempt once the answer has started, in fake time: a stream that
// only sends empty deltas, keep-alives or bytes must end (call_timeout without progress), and
// the whole answer is bounded (stream_timeout).
import { afterEach, beforeEach, describe, expect, it, jest } from '@jest/globals';
import type { HttpResponse } from '../../../../src/core/internal/capped-response.js';
import { runChatAttempt } from '../../../../src/core/internal/chat-attempt.js';
import type { HttpClient } from '../../../../src/core/internal/http-client.js';
import type { StreamEvent } from '../../../../src/core/types.js';

const ctx = { secrets: [], providerLabel: 'OpenRouter' };
const encoder = new TextEncoder();

/** A server whose stream the test writes into; it ends with the attempt's signal. */
function scriptedServer() {
  const queue: Uint8Array[] = [];
  let wake: (() => void) | undefined;
  let ended = false;
  const http: HttpClient = {
    host: 'test',
    async send({ signal }) {
      const body: AsyncIterable<Uint8Array> = {
        async *[Symbol.asyncIterator]() {
          for (;;) {
            if (signal.aborted) throw signal.reason;
            const next = queue.shift();
            if (next) yield next;
            else if (ended) return;
            else {
              await new Promise<void>((resolve) => {
                // One listener per wait, removed when a write wakes it: they would pile up on
                // the attempt's signal otherwise (Node's MaxListenersExceededWarning past 10).
                const onAbort = () => resolve();
                wake = () => {
                  signal.removeEventListener('abort', onAbort);
                  resolve();
                };
                signal.addEventListener('abort', onAbort, { once: true });
              });
            }
          }
        },
      };
      const response: HttpResponse = { status: 200, headers: new Headers({ 'content-type': 'text/event-stream' }), body, chunks: () => body, text: async () => '' };
      return response;
    },
  };
  return {
    http,
    write(text: string) {
      queue.push(encoder.encode(text));
      wake?.();
    },
    end() {
      ended = true;
      wake?.();
    },
  };
}

const data = (delta: Record<string, unknown>, extra: Record<string, unknown> = {}) =>
  `data: ${JSON.stringify({ id: 'gen-1', choices: [{ index: 0, delta, finish_reason: null }], ...extra })}\n\n`;

function start(server: ReturnType<typeof scriptedServer>, streamTimeoutMs = 600_000) {
  const events: StreamEvent[] = [];
  const outcome = (async () => {
    for await (const batch of runChatAttempt({
      http: server.http,
      path: '/chat/completions',
      body: {},
      stream: true,
      callTimeoutMs: 1_000,
      firstTokenTimeoutMs: 5_000,
      streamTimeoutMs,
      timeoutMs: 60_000,
      ctx,
    })) {
      events.push(...batch);
    }
  })().then(
    () => undefined,
    (error: unknown) => error as Error,
  );
  return { events, outcome };
}

/** Writes `text()` every `everyMs` for `forMs` of fake time. */
async function every(server: ReturnType<typeof scriptedServer>, everyMs: number, forMs: number, text: () => string) {
  for (let t = 0; t < forMs; t += everyMs) {
    server.write(text());
    await jest.advanceTimersByTimeAsync(everyMs);
  }
}

beforeEach(() => {
  jest.useFakeTimers();
});
afterEach(() => {
  jest.useRealTimers();
});

describe('runChatAttempt: after the first token', () => {
  it.each([
    ['empty deltas', () => data({ content: '' })],
    ['keep-alive comments', () => ': OPENROUTER PROCESSING\n\n'],
    ['a byte at a time of a line that never ends', () => 'x'],
  ])('%s every 200 ms end the stream after call_timeout without progress, keeping the text', async (_what, filler) => {
    const server = scriptedServer();
    const { outcome } = start(server);
    server.write(data({ content: 'Hello' }) + (filler() === 'x' ? 'data: ' : ''));
    await every(server, 200, 3_000, filler);
    const error = await outcome;
    expect(error).toMatchObject({
      failure: 'stalled',
      message: 'the stream from OpenRouter sent nothing new for 1 s (call_timeout)',
      partialContent: 'Hello',
    });
  });

  it('text, reasoning or usage every 500 ms is progress: the answer goes on to its end', async () => {
    const server = scriptedServer();
    const { events, outcome } = start(server);
    let n = 0;
    await every(server, 500, 4_000, () =>
      [data({ content: 't' }), data({ reasoning: 'r' }), `data: {"id":"gen-1","choices":[],"usage":{"total_tokens":${n}}}\n\n`][n++ % 3] as string,
    );
    server.write(data({ content: '.' }).replace('"finish_reason":null', '"finish_reason":"stop"'));
    server.end();
    await jest.advanceTimersByTimeAsync(10);
    expect(await outcome).toBeUndefined();
    expect(events.at(-1)).toMatchObject({ type: 'done', finishReason: 'stop' });
  });

  it('the whole streamed answer is cut at stream_timeout, even while tokens flow', async () => {
    const server = scriptedServer();
    const { outcome } = start(server, 3_000);
    await every(server, 200, 5_000, () => data({ content: 'x' }));
    expect(await outcome).toMatchObject({ failure: 'timeout', message: 'the answer from OpenRouter took longer than 3 s (stream_timeout)' });
  });

  it('stream_timeout 0 is no limit', async () => {
    const server = scriptedServer();
    const { outcome } = start(server, 0);
    await every(server, 200, 20_000, () => data({ content: 'x' }));
    server.write('data: [DONE]\n\n');
    server.end();
    await jest.advanceTimersByTimeAsync(10);
    expect(await outcome).toBeUndefined();
  });
});

describe('runChatAttempt: a stream without an answer', () => {
  it('meta and usage chunks alone, then [DONE]: "had no answer" (exit 6)', async () => {
    const server = scriptedServer();
    const { outcome } = start(server);
    server.write('data: {"id":"gen-1","model":"m/x"}\n\ndata: {"id":"gen-1","choices":[],"usage":{"total_tokens":1}}\n\ndata: [DONE]\n\n');
    server.end();
    await jest.advanceTimersByTimeAsync(10);
    expect(await outcome).toMatchObject({ kind: 'rejected', exitCode: 6, message: 'the response from OpenRouter had no answer' });
  });

  it('a choice with an empty delta and a finish reason is an answer (an empty one)', async () => {
    const server = scriptedServer();
    const { outcome } = start(server);
    server.write(data({ content: '' }).replace('"finish_reason":null', '"finish_reason":"length"'));
    server.write('data: {"id":"gen-1","choices":[],"usage":{"total_tokens":1}}\n\ndata: [DONE]\n\n');
    server.end();
    await jest.advanceTimersByTimeAsync(10);
    expect(await outcome).toBeUndefined();
  });
});
