// The one HTTP client: ofetch (base URL, query, JSON bodies, header merging) with its own
// retry and timeout off (with-retry.ts owns the loop, attempt-deadline.ts the limits, through
// the signal), and raw responses whose status, headers and body stream the callers read
// themselves, every read capped (capped-response.ts). Under ofetch, by default, a fetch over node:http (node-fetch.ts) rather than
// Node's undici; an injected fetch (tests, benchmarks, a ca_file: see custom-ca.ts) replaces it.
// ofetch loads with the first request, so that commands answered from a cache never pay for it.
import type { $Fetch } from 'ofetch';
import type { DebugLogger } from '../types.js';
import { abbreviateBody } from './abbreviate-body.js';
import { capResponse, DEFAULT_BODY_LIMITS, type HttpResponse } from './capped-response.js';
import { LightHeaders, nodeFetch } from './node-fetch.js';
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
  /** A smaller cap than MAX_BODY_BYTES for a body that is never large (capped-response.ts). */
  maxBodyBytes?: number;
}

export interface HttpClient {
  /**
   * Resolves with the response whatever its status; rejects only when no response came. Its
   * body can be read only within the caps of capped-response.ts.
   */
  send(options: SendOptions): Promise<HttpResponse>;
  readonly host: string;
}

/** The body as the debug log shows it: media and long texts abbreviated (the logger redacts). */
function loggedBody(body: unknown): string {
  if (typeof body !== 'string') return JSON.stringify(abbreviateBody(body));
  try {
    return JSON.stringify(abbreviateBody(JSON.parse(body)));
  } catch {
    return JSON.stringify(abbreviateBody(body));
  }
}

export function createHttpClient(options: HttpClientOptions): HttpClient {
  let client: Promise<$Fetch> | undefined;
  const $fetchOnce = () =>
    (client ??= import('ofetch').then(({ createFetch }) =>
      createFetch(
        options.fetch
          ? { fetch: options.fetch, Headers: globalThis.Headers }
          : { fetch: nodeFetch as unknown as typeof globalThis.fetch, Headers: LightHeaders as unknown as typeof globalThis.Headers },
      ).create({ baseURL: options.baseUrl, headers: options.headers, retry: false, ignoreResponseError: true, responseType: 'stream' }),
    ));
  const host = new URL(options.baseUrl).host;
  const ctx = { secrets: options.secrets, providerLabel: options.providerLabel, ...(options.networkHint ? { networkHint: options.networkHint } : {}) };

  return {
    host,
    async send({ method, path, body, query, signal, maxBodyBytes }) {
      options.debug?.(
        `→ ${method} ${options.baseUrl}${path} headers=${JSON.stringify(redactHeaders(options.headers))}` +
          (body === undefined ? '' : ` body=${loggedBody(body)}`),
      );
      const started = Date.now();
      try {
        const $fetch = await $fetchOnce();
        const response = await $fetch.raw(path, {
          method,
          signal,
          // Serialised here rather than by ofetch, whose check for a FormData body would load
          // undici (Node's fetch) just to say no.
          ...(body === undefined ? {} : { body: typeof body === 'string' ? body : JSON.stringify(body) }),
          ...(query ? { query } : {}),
        });
        options.debug?.(
          `← ${response.status} ${path} in ${Date.now() - started} ms` +
            (response.headers.get('x-generation-id') ? ` id=${response.headers.get('x-generation-id')}` : ''),
        );
        const limits = maxBodyBytes === undefined ? DEFAULT_BODY_LIMITS : { ...DEFAULT_BODY_LIMITS, bodyBytes: maxBodyBytes };
        return capResponse(response as unknown as Response, options.providerLabel, limits);
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
