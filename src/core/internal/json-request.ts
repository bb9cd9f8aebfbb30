// One attempt of a request/response call (embeddings, catalogue, key): the whole attempt is
// bounded by `timeoutMs`, error statuses and errors inside a 200 body become typed errors.
import { OpenRouterConnectionError } from '../errors.js';
import { AttemptDeadline } from './attempt-deadline.js';
import type { HttpClient, SendOptions } from './http-client.js';
import { parseJsonStream } from './json-object-stream.js';
import { type ErrorContext, errorFromInBand, errorFromResponse, errorFromTransport } from './to-provider-error.js';

export interface JsonAttemptOptions extends Omit<SendOptions, 'signal'> {
  http: HttpClient;
  timeoutMs: number;
  signal?: AbortSignal;
  ctx: ErrorContext;
  /**
   * Top-level arrays of a large answer (an embeddings response's `data`) parsed an element at
   * a time as the body arrives, instead of from its whole text (json-object-stream.ts).
   */
  streamArrays?: readonly string[];
}

export async function requestJson(options: JsonAttemptOptions): Promise<Record<string, unknown>> {
  const { http, ctx } = options;
  const deadline = new AttemptDeadline(options.signal);
  deadline.arm('attempt', options.timeoutMs, () =>
    new OpenRouterConnectionError('timeout', `no answer from ${ctx.providerLabel} within ${options.timeoutMs / 1000} s (timeout)`),
  );
  try {
    const send: SendOptions = { method: options.method, path: options.path, signal: deadline.signal };
    if (options.body !== undefined) send.body = options.body;
    if (options.query) send.query = options.query;
    if (options.maxBodyBytes !== undefined) send.maxBodyBytes = options.maxBodyBytes;
    const response = await http.send(send);
    const notJson = () => new OpenRouterConnectionError('protocol', `invalid response from ${ctx.providerLabel}: the body is not JSON`);
    let body: unknown;
    if (options.streamArrays && response.status < 400) {
      try {
        body = await parseJsonStream(response.chunks(), { arrays: options.streamArrays });
      } catch (error) {
        if (error instanceof SyntaxError) throw notJson();
        throw deadline.reason ?? errorFromTransport(error, ctx, http.host, 'read');
      }
    } else {
      let text: string;
      try {
        text = await response.text();
      } catch (error) {
        throw deadline.reason ?? errorFromTransport(error, ctx, http.host, 'read');
      }
      if (response.status >= 400) throw errorFromResponse(response.status, response.headers, text, ctx);
      try {
        body = JSON.parse(text);
      } catch {
        throw notJson();
      }
    }
    if (body === null || typeof body !== 'object' || Array.isArray(body)) {
      throw new OpenRouterConnectionError('protocol', `invalid response from ${ctx.providerLabel}: not a JSON object`);
    }
    const record = body as Record<string, unknown>;
    if (record.error !== undefined && record.error !== null) throw errorFromInBand(record.error, ctx);
    return record;
  } catch (error) {
    throw deadline.reason ?? error;
  } finally {
    deadline.dispose();
  }
}
