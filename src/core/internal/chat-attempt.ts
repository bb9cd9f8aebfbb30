// One HTTP attempt of a chat call, as batches of events (one batch per network read). Limits:
// `callTimeoutMs` for the response headers and for the longest silence inside a stream
// (keep-alive comments count as life); `firstTokenTimeoutMs` for the first token even while
// keep-alives arrive (a hanging router sends them forever); after it, `callTimeoutMs` again for
// the longest time without new text, reasoning or usage (empty deltas, keep-alives or a byte
// at a time are not progress); `streamTimeoutMs` for the whole streamed answer; `timeoutMs`
// for a whole non-streaming attempt, whose headers only come once the completion is done.
import { DevsynthError, OpenRouterConnectionError } from '../errors.js';
import type { StreamEvent } from '../types.js';
import { AttemptDeadline } from './attempt-deadline.js';
import { ChunkReader } from './chunk-reader.js';
import type { ToolArgumentChecker } from './tool-arguments.js';
import type { HttpResponse } from './capped-response.js';
import type { HttpClient } from './http-client.js';
import { decodeSse, type SseItem } from './sse-decoder.js';
import { type ErrorContext, errorFromResponse, errorFromTransport } from './to-provider-error.js';

export interface ChatAttemptOptions {
  http: HttpClient;
  path: string;
  body: Record<string, unknown>;
  stream: boolean;
  callTimeoutMs: number;
  firstTokenTimeoutMs: number;
  /** The whole streamed answer of this attempt; 0: no limit. */
  streamTimeoutMs: number;
  timeoutMs: number;
  signal?: AbortSignal;
  ctx: ErrorContext;
  /** Checks tool-call arguments against the request's tools (compiled once per request). */
  tools?: ToolArgumentChecker;
}

const seconds = (ms: number) => `${Math.round(ms / 100) / 10} s`;

/**
 * After [DONE], how long the rest of the body is waited for. Nothing should follow it but the
 * end of the response; read to that end, the connection goes back to the agent's pool for the
 * next request (a batch's thousands of them) instead of being torn down and opened anew. A
 * server that keeps the response open after [DONE] is cut off after this, as before.
 */
const DRAIN_GRACE_MS = 250;

/** Reads what is left of a finished stream, ignoring it; true when the body ended in time. */
async function drainRest(events: AsyncIterator<unknown>, graceMs: number): Promise<boolean> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<false>((resolve) => {
    timer = setTimeout(() => resolve(false), graceMs);
    timer.unref();
  });
  try {
    for (;;) {
      const next = await Promise.race([events.next(), late]);
      if (next === false) return false;
      if (next.done) return true;
    }
  } catch {
    return false;
  } finally {
    clearTimeout(timer);
  }
}

/** Yields event batches; throws typed errors carrying the partial text. */
export async function* runChatAttempt(options: ChatAttemptOptions): AsyncGenerator<StreamEvent[], void, undefined> {
  const { http, stream, ctx } = options;
  const label = ctx.providerLabel;
  const deadline = new AttemptDeadline(options.signal);
  const reader = new ChunkReader(ctx, options.tools);
  /** The stream's batches, read by hand: leaving the loop at [DONE] must not destroy the body. */
  let events: AsyncGenerator<SseItem[], void, undefined> | undefined;
  let drained = false;
  let drainTimedOut = false;
  try {
    if (stream) {
      deadline.arm('headers', options.callTimeoutMs, () =>
        new OpenRouterConnectionError('timeout', `no response from ${label} within ${seconds(options.callTimeoutMs)} (call_timeout)`),
      );
      deadline.arm('first_token', options.firstTokenTimeoutMs, () =>
        new OpenRouterConnectionError(
          'first_token_timeout',
          `no answer from ${label} within ${seconds(options.firstTokenTimeoutMs)} (first_token_timeout)`,
        ),
      );
      deadline.arm('stream', options.streamTimeoutMs, () =>
        new OpenRouterConnectionError(
          'timeout',
          `the answer from ${label} took longer than ${seconds(options.streamTimeoutMs)} (stream_timeout)`,
        ),
      );
    } else {
      deadline.arm('attempt', options.timeoutMs, () =>
        new OpenRouterConnectionError('timeout', `no answer from ${label} within ${seconds(options.timeoutMs)} (timeout)`),
      );
    }

    const response = await http.send({ method: 'POST', path: options.path, body: options.body, signal: deadline.signal });
    deadline.disarm('headers');
    const generationId = response.headers.get('x-generation-id') ?? undefined;
    const errorCtx = generationId ? { ...ctx, generationId } : ctx;

    if (response.status >= 400) {
      const text = await readText(response, deadline, http.host, ctx);
      throw errorFromResponse(response.status, response.headers, text, errorCtx);
    }

    const contentType = response.headers.get('content-type') ?? '';
    if (!stream || !contentType.includes('text/event-stream')) {
      // A JSON answer: the non-streaming call, or an error body sent with status 200.
      const text = await readText(response, deadline, http.host, ctx);
      let body: unknown;
      try {
        body = JSON.parse(text);
      } catch {
        throw reader.protocolError('the body is not JSON');
      }
      const out: StreamEvent[] = [];
      reader.readCompletion(body, out);
      out.push(reader.done());
      yield out;
      return;
    }

    if (!response.body) throw reader.protocolError('the stream has no body');
    deadline.arm('silence', options.callTimeoutMs, () =>
      new OpenRouterConnectionError(
        'stalled',
        `the stream from ${label} stalled: nothing for ${seconds(options.callTimeoutMs)} (call_timeout)`,
      ),
    );
    let sawDone = false;
    let contentArmed = false;
    events = decodeSse(response.body, () => deadline.refresh('silence'));
    for (;;) {
      const next = await events.next();
      if (next.done) break;
      const items = next.value;
      const out: StreamEvent[] = [];
      const progress = reader.progress;
      // An error may arrive in the same read as text before it: that text is passed on first.
      let failure: unknown;
      try {
        for (const item of items) {
          if (item.kind === 'comment') continue;
          if (item.data === '[DONE]') {
            sawDone = true;
            break;
          }
          let chunk: unknown;
          try {
            chunk = JSON.parse(item.data);
          } catch {
            throw reader.protocolError(`a stream chunk is not JSON: ${item.data.slice(0, 80)}`);
          }
          reader.readChunk(chunk, out);
        }
      } catch (error) {
        failure = error;
      }
      reader.endRead();
      if (reader.progress !== progress) {
        if (contentArmed) deadline.refresh('content');
        else if (reader.hasOutput) {
          contentArmed = true;
          deadline.disarm('first_token');
          deadline.arm('content', options.callTimeoutMs, () =>
            new OpenRouterConnectionError(
              'stalled',
              `the stream from ${label} sent nothing new for ${seconds(options.callTimeoutMs)} (call_timeout)`,
              { partialContent: reader.partial() },
            ),
          );
        }
      }
      if (out.length > 0) yield out;
      if (failure !== undefined) throw failure;
      if (sawDone) break;
    }
    if (!reader.finished && !sawDone) {
      throw new OpenRouterConnectionError('truncated', `the stream from ${label} ended before the answer was complete`, {
        partialContent: reader.partial(),
        hint: 'the connection closed early; try again',
        ...(reader.id ? { generationId: reader.id } : {}),
      });
    }
    // Meta and usage alone, never a choice: nothing was answered (usage chunks with
    // `choices: []` are normal, but only next to chunks that carry the answer).
    if (!reader.sawChoice) throw reader.noAnswer();
    const last: StreamEvent[] = [];
    // [DONE] without a finish_reason: the calls gathered so far are all there will be.
    reader.emitToolCalls(last);
    last.push(reader.done());
    yield last;
    // The answer is out; the body's end (nothing more should come) lets the connection be reused.
    if (sawDone) {
      drained = await drainRest(events, DRAIN_GRACE_MS);
      drainTimedOut = !drained;
    }
  } catch (error) {
    throw explain(error, deadline, reader, http.host, ctx);
  } finally {
    // A body not read to its end is torn down with its connection; the decoder, left
    // suspended by the hand-read loop, is closed so that its stream is too.
    if (events && !drained && !drainTimedOut) {
      // Suspended between reads: closing it destroys the body before the abort below, which
      // would otherwise fail a stream nobody reads any more.
      await events.return(undefined).catch(() => undefined);
    }
    // After a timed-out drain a read is still pending: the abort ends it (and the connection).
    deadline.dispose({ completed: drained });
  }
}

/** The typed error for whatever ended the attempt, with the partial text attached. */
function explain(error: unknown, deadline: AttemptDeadline, reader: ChunkReader, host: string, ctx: ErrorContext): DevsynthError {
  // A limit or the user aborted: the fetch or read rejected with an AbortError, or the typed
  // reason itself; either way the deadline knows the real cause.
  const typed = deadline.reason ?? (error instanceof DevsynthError ? error : errorFromTransport(error, ctx, host, 'read'));
  if (typed.partialContent === undefined && reader.hasOutput) typed.partialContent = reader.partial();
  return typed;
}

async function readText(response: HttpResponse, deadline: AttemptDeadline, host: string, ctx: ErrorContext): Promise<string> {
  try {
    return await response.text();
  } catch (error) {
    throw deadline.reason ?? errorFromTransport(error, ctx, host, 'read');
  }
}
