// The one HTTP client: ofetch with its own retry and timeout off (with-retry.ts owns the loop,
// attempt-deadline.ts the limits), raw responses so that we read status, headers and the body
// stream ourselves, and an injectable fetch for tests and benchmarks.
import type { $Fetch } from 'ofetch';
import type { DebugLogger } from '../types.js';
import { redactHeaders, redactSecrets } from './redact.js';
import { errorFromTransport } from './to-provider-error.js';

export interface HttpClientOptions {
  baseUrl: string;
  headers: Record<string, string>;
  providerLabel: string;
  secrets: readonly (string | undefined)[];
  /** What to check when the server cannot be reached (see ErrorContext). */
  networkHint?: string;
  fetch?: typeof globalThis.fetch;
  debug?: DebugLogger;
}

export interface SendOptions {
  method: 'GET' | 'POST';
  path: string;
  body?: unknown;
  query?: Record<string, string>;
  signal: AbortSignal;
}

export interface HttpClient {
  /** Resolves with the response whatever its status; rejects only when no response came. */
  send(options: SendOptions): Promise<Response>;
  readonly host: string;
}

export function createHttpClient(options: HttpClientOptions): HttpClient {
  // ofetch (and the fetch polyfill it brings) loads with the first request, not at start-up:
  // commands that answer from a cache never pay for it.
  let client: Promise<$Fetch> | undefined;
  const $fetchOnce = () =>
    (client ??= import('ofetch').then(({ ofetch }) =>
      ofetch.create(
        {
          baseURL: options.baseUrl,
          headers: options.headers,
          retry: false,
          ignoreResponseError: true,
          responseType: 'stream',
        },
        options.fetch ? { fetch: options.fetch } : {},
      ),
    ));
  const host = new URL(options.baseUrl).host;
  const ctx = { secrets: options.secrets, providerLabel: options.providerLabel, ...(options.networkHint ? { networkHint: options.networkHint } : {}) };

  return {
    host,
    async send({ method, path, body, query, signal }) {
      options.debug?.(
        `→ ${method} ${options.baseUrl}${path} headers=${JSON.stringify(redactHeaders(options.headers))}`,
      );
      const started = Date.now();
      try {
        const $fetch = await $fetchOnce();
        const response = await $fetch.raw(path, {
          method,
          signal,
          ...(body === undefined ? {} : { body: body as Record<string, unknown> }),
          ...(query ? { query } : {}),
        });
        options.debug?.(
          `← ${response.status} ${path} in ${Date.now() - started} ms` +
            (response.headers.get('x-generation-id') ? ` id=${response.headers.get('x-generation-id')}` : ''),
        );
        return response as unknown as Response;
      } catch (error) {
        // An abort carries its own typed reason; the caller reports it.
        if (signal.aborted) throw signal.reason;
        const mapped = errorFromTransport(error, ctx, host);
        options.debug?.(`✗ ${path}: ${redactSecrets(mapped.message, options.secrets)}`);
        throw mapped;
      }
    },
  };
}
