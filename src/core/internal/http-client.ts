// The one HTTP client. By default a request goes through node:http / node:https: Node's fetch
// (undici) compiles its HTTP parser to WebAssembly on first use, which costs a one-chunk chat
// about 30 MB of peak memory and a 100,000-chunk stream twice the CPU of the bare socket. An
// injected fetch (tests, benchmarks, and a ca_file: see custom-ca.ts) goes through ofetch
// instead, loaded only then. Either way: no retry and no timeout here (with-retry.ts owns the
// loop, attempt-deadline.ts the limits, through the signal), and the raw response, whose status,
// headers and body stream the callers read themselves.
import type { IncomingMessage, OutgoingHttpHeaders, RequestOptions } from 'node:http';
import { pipeline, type Readable } from 'node:stream';
import type { $Fetch } from 'ofetch';
import type { DebugLogger } from '../types.js';
import { redactHeaders, redactSecrets } from './redact.js';
import { errorFromTransport } from './to-provider-error.js';

export interface HttpClientOptions {
  baseUrl: string;
  headers: Record<string, string>;
  providerLabel: string;
  secrets: readonly (string | undefined)[];
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
  /**
   * Resolves with the response whatever its status; rejects only when no response came. What
   * callers may read of it: `status`, `headers.get()`, `text()`, and `body` as an async
   * iterable of bytes.
   */
  send(options: SendOptions): Promise<Response>;
  readonly host: string;
}

export function createHttpClient(options: HttpClientOptions): HttpClient {
  const host = new URL(options.baseUrl).host;
  const ctx = { secrets: options.secrets, providerLabel: options.providerLabel };
  const transport = options.fetch ? viaFetch(options.baseUrl, options.headers, options.fetch) : viaNode(options.baseUrl, options.headers);

  return {
    host,
    async send(request) {
      const { method, path, signal } = request;
      options.debug?.(
        `→ ${method} ${options.baseUrl}${path} headers=${JSON.stringify(redactHeaders(options.headers))}`,
      );
      const started = Date.now();
      try {
        const response = await transport(request);
        options.debug?.(
          `← ${response.status} ${path} in ${Date.now() - started} ms` +
            (response.headers.get('x-generation-id') ? ` id=${response.headers.get('x-generation-id')}` : ''),
        );
        return response;
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

type Transport = (request: SendOptions) => Promise<Response>;

/** An injected fetch, through ofetch (base URL, query, JSON body, raw response). */
function viaFetch(baseUrl: string, headers: Record<string, string>, fetch: typeof globalThis.fetch): Transport {
  let ready: Promise<$Fetch> | undefined;
  const load = async () => {
    const { ofetch } = await import('ofetch');
    return ofetch.create({ baseURL: baseUrl, headers, retry: false, ignoreResponseError: true, responseType: 'stream' }, { fetch });
  };
  return async ({ method, path, body, query, signal }) => {
    ready ??= load();
    const $fetch = await ready;
    const response = await $fetch.raw(path, {
      method,
      signal,
      ...(body === undefined ? {} : { body: body as Record<string, unknown> }),
      ...(query ? { query } : {}),
    });
    return response as unknown as Response;
  };
}

/** `Headers.get` over a node:http response's headers (repeated ones joined, as fetch does). */
class NodeHeaders {
  constructor(private readonly raw: IncomingMessage['headers']) {}

  get(name: string): string | null {
    const value = this.raw[name.toLowerCase()];
    if (value === undefined) return null;
    return Array.isArray(value) ? value.join(', ') : value;
  }

  has(name: string): boolean {
    return this.raw[name.toLowerCase()] !== undefined;
  }
}

/** The part of a fetch Response the callers use, over a node:http response. */
class NodeResponse {
  readonly status: number;
  readonly statusText: string;
  readonly ok: boolean;
  readonly headers: NodeHeaders;
  /** The body, decompressed: Buffers, which are Uint8Arrays. */
  readonly body: Readable;

  constructor(message: IncomingMessage, body: Readable) {
    this.status = message.statusCode ?? 0;
    this.statusText = message.statusMessage ?? '';
    this.ok = this.status >= 200 && this.status < 300;
    this.headers = new NodeHeaders(message.headers);
    this.body = body;
  }

  async text(): Promise<string> {
    const chunks: Buffer[] = [];
    for await (const chunk of this.body) chunks.push(chunk as Buffer);
    return Buffer.concat(chunks).toString('utf8');
  }
}

/** True for what ofetch sends as JSON: plain objects and arrays. */
function isJsonBody(body: unknown): boolean {
  if (body === null || typeof body !== 'object') return false;
  if (Array.isArray(body)) return true;
  const proto = Object.getPrototypeOf(body) as unknown;
  return proto === Object.prototype || proto === null || typeof (body as { toJSON?: unknown }).toJSON === 'function';
}

function viaNode(baseUrl: string, headers: Record<string, string>): Transport {
  const base = baseUrl.replace(/\/+$/, '');
  // Header names are case-insensitive: a configured one wins over the defaults below.
  const configured = new Set(Object.keys(headers).map((name) => name.toLowerCase()));
  return async ({ method, path, body, query, signal }) => {
    const url = new URL(path.startsWith('/') ? base + path : `${base}/${path}`);
    if (query) for (const [key, value] of Object.entries(query)) url.searchParams.set(key, value);
    const head: OutgoingHttpHeaders = { ...headers };
    if (!configured.has('accept-encoding')) head['accept-encoding'] = 'gzip, deflate, br';
    let payload: string | undefined;
    if (body !== undefined && body !== null) {
      if (isJsonBody(body)) {
        payload = JSON.stringify(body);
        if (!configured.has('content-type')) head['content-type'] = 'application/json';
        if (!configured.has('accept')) head.accept = 'application/json';
      } else {
        payload = String(body);
      }
      head['content-length'] = Buffer.byteLength(payload);
    }
    // Redirects are followed as fetch follows them: at most 20; a 303 (or a 301/302 after a
    // POST) becomes a GET without a body; credentials are not sent to another origin.
    let target = url;
    let verb: string = method;
    for (let hops = 0; ; hops++) {
      const message = await exchange(target, verb, head, payload, signal);
      const location = message.headers.location;
      if (!REDIRECTS.has(message.statusCode ?? 0) || !location) {
        return new NodeResponse(message, await decoded(message)) as unknown as Response;
      }
      message.resume();
      if (hops >= 20) throw new Error('redirect count exceeded');
      const next = new URL(location, target);
      if (next.protocol !== 'http:' && next.protocol !== 'https:') throw new Error(`redirect to an unsupported URL scheme: ${next.protocol}`);
      if (message.statusCode === 303 ? verb !== 'HEAD' : (message.statusCode === 301 || message.statusCode === 302) && verb === 'POST') {
        verb = 'GET';
        payload = undefined;
        for (const name of Object.keys(head)) if (/^content-/i.test(name)) delete head[name];
      }
      if (next.origin !== target.origin) {
        for (const name of Object.keys(head)) if (/^(authorization|cookie|proxy-authorization)$/i.test(name)) delete head[name];
      }
      target = next;
    }
  };
}

const REDIRECTS = new Set([301, 302, 303, 307, 308]);

/** One request and its response's head. */
async function exchange(url: URL, method: string, headers: OutgoingHttpHeaders, payload: string | undefined, signal: AbortSignal): Promise<IncomingMessage> {
  const { request } = url.protocol === 'https:' ? await import('node:https') : await import('node:http');
  return new Promise<IncomingMessage>((resolve, reject) => {
    const options: RequestOptions = { method, headers, signal };
    const req = request(url, options, resolve);
    req.on('error', reject);
    req.end(payload);
  });
}

/** The body with its Content-Encoding undone, as fetch does. */
async function decoded(message: IncomingMessage): Promise<Readable> {
  const encoding = (message.headers['content-encoding'] ?? '').trim().toLowerCase();
  if (encoding !== 'gzip' && encoding !== 'x-gzip' && encoding !== 'deflate' && encoding !== 'br') return message;
  const zlib = await import('node:zlib');
  // Flushed as they arrive: an event stream must not wait for a full zlib block.
  const flush = { flush: zlib.constants.Z_SYNC_FLUSH, finishFlush: zlib.constants.Z_SYNC_FLUSH };
  const decoder =
    encoding === 'br'
      ? zlib.createBrotliDecompress({ flush: zlib.constants.BROTLI_OPERATION_FLUSH, finishFlush: zlib.constants.BROTLI_OPERATION_FLUSH })
      : encoding === 'deflate'
        ? zlib.createInflate(flush)
        : zlib.createGunzip(flush);
  return pipeline(message, decoder, () => {
    // Errors reach the reader through the decoder, which pipeline destroys with them.
  });
}
