// The fetch ofetch is given by default: node:http / node:https under the part of the fetch
// interface that ofetch and our callers use. Node's own fetch (undici) compiles its HTTP parser
// to WebAssembly on first use, which costs a one-chunk chat about 30 MB of peak memory and a
// 100,000-chunk stream about twice the CPU of the bare socket (docs/benchmarks.md).
// Content-Encoding is undone as fetch undoes it; redirects are followed as fetch follows them,
// but under the base-URL rule (a prompt and a key must not leave for plain http) and at most 5.
import type { IncomingHttpHeaders, IncomingMessage, OutgoingHttpHeaders, RequestOptions } from 'node:http';
import { pipeline, type Readable } from 'node:stream';
import { isSecureUrl } from '../base-url.js';
import { REDIRECT_REFUSED } from './to-provider-error.js';

type HeadersInit = Record<string, string> | Iterable<readonly [string, string]> | LightHeaders;

/** A Headers for ofetch's header merging, so that Node's own (undici's) need not load. */
export class LightHeaders implements Iterable<[string, string]> {
  private readonly map = new Map<string, string>();

  constructor(init?: HeadersInit) {
    if (!init) return;
    const entries = Symbol.iterator in init ? (init as Iterable<readonly [string, string]>) : Object.entries(init);
    for (const [name, value] of entries) this.append(name, value);
  }

  get(name: string): string | null {
    return this.map.get(name.toLowerCase()) ?? null;
  }

  has(name: string): boolean {
    return this.map.has(name.toLowerCase());
  }

  set(name: string, value: string): void {
    this.map.set(name.toLowerCase(), String(value));
  }

  append(name: string, value: string): void {
    const key = name.toLowerCase();
    const current = this.map.get(key);
    this.map.set(key, current === undefined ? String(value) : `${current}, ${value}`);
  }

  delete(name: string): void {
    this.map.delete(name.toLowerCase());
  }

  forEach(callback: (value: string, name: string) => void): void {
    for (const [name, value] of this.map) callback(value, name);
  }

  entries(): IterableIterator<[string, string]> {
    return this.map.entries();
  }

  [Symbol.iterator](): IterableIterator<[string, string]> {
    return this.map.entries();
  }
}

/** `Headers.get` over a node:http response's headers (repeated ones joined, as fetch does). */
class ResponseHeaders {
  constructor(private readonly raw: IncomingHttpHeaders) {}

  get(name: string): string | null {
    const value = this.raw[name.toLowerCase()];
    if (value === undefined) return null;
    return Array.isArray(value) ? value.join(', ') : value;
  }

  has(name: string): boolean {
    return this.raw[name.toLowerCase()] !== undefined;
  }
}

/** The part of a fetch Response that ofetch and the callers read, over a node:http response. */
class NodeResponse {
  readonly status: number;
  readonly statusText: string;
  readonly ok: boolean;
  readonly headers: ResponseHeaders;
  /** The body, decoded: Buffers (which are Uint8Arrays), read as an async iterable. */
  readonly body: Readable;

  constructor(message: IncomingMessage, body: Readable) {
    this.status = message.statusCode ?? 0;
    this.statusText = message.statusMessage ?? '';
    this.ok = this.status >= 200 && this.status < 300;
    this.headers = new ResponseHeaders(message.headers);
    this.body = body;
  }

  async text(): Promise<string> {
    const chunks: Buffer[] = [];
    for await (const chunk of this.body) chunks.push(chunk as Buffer);
    return Buffer.concat(chunks).toString('utf8');
  }
}

interface NodeFetchInit {
  method?: string;
  headers?: HeadersInit;
  body?: string | Uint8Array | null;
  signal?: AbortSignal | null;
}

const REDIRECTS = new Set([301, 302, 303, 307, 308]);
/** Fewer than fetch's 20: an API has no reason for long chains, and each hop is a request. */
export const MAX_REDIRECTS = 5;

/** TLS settings of the requests (a ca_file's CAs on top of the system's: custom-ca.ts). */
export interface NodeFetchTls {
  ca?: string[];
}

/** A redirect that is not followed; to-provider-error.ts gives it its message. */
class RedirectRefused extends Error {
  readonly code = REDIRECT_REFUSED;
}

/** fetch(url, init) over node:http(s): what ofetch calls. */
export function nodeFetch(input: string | URL, init: NodeFetchInit = {}): Promise<Response> {
  return fetchOver(input, init, {});
}

/** nodeFetch with TLS settings of its own. */
export function createNodeFetch(tls: NodeFetchTls): typeof nodeFetch {
  return (input, init = {}) => fetchOver(input, init, tls);
}

async function fetchOver(input: string | URL, init: NodeFetchInit, tls: NodeFetchTls): Promise<Response> {
  const head: OutgoingHttpHeaders = Object.fromEntries(new LightHeaders(init.headers));
  if (head['accept-encoding'] === undefined) head['accept-encoding'] = 'gzip, deflate, br';
  let payload = init.body ?? undefined;
  if (payload !== undefined) head['content-length'] = typeof payload === 'string' ? Buffer.byteLength(payload) : payload.byteLength;
  // As fetch: a 303 (or a 301/302 after a POST) becomes a GET without a body; credentials are
  // not sent to another origin. Unlike fetch: each target must pass the base-URL rule, a URL
  // seen before is a loop, and the chain stops at MAX_REDIRECTS; all fail before a request.
  let target = new URL(input);
  let verb = (init.method ?? 'GET').toUpperCase();
  const seen = new Set<string>();
  for (let hops = 0; ; hops++) {
    seen.add(`${verb} ${target.href}`);
    const message = await exchange(target, verb, head, payload, init.signal ?? undefined, tls);
    const location = message.headers.location;
    if (!REDIRECTS.has(message.statusCode ?? 0) || !location) {
      return new NodeResponse(message, await decoded(message)) as unknown as Response;
    }
    // Not drained: a hostile redirect's body could be endless.
    message.destroy();
    let next: URL;
    try {
      next = new URL(location, target);
    } catch {
      throw new RedirectRefused('the Location header is not a URL');
    }
    if (next.protocol !== 'http:' && next.protocol !== 'https:') throw new RedirectRefused(`a redirect to a ${next.protocol} URL`);
    if (!isSecureUrl(next)) throw new RedirectRefused(`a redirect to ${next.origin} (http:// is allowed only to this machine)`);
    if (hops + 1 > MAX_REDIRECTS) throw new RedirectRefused(`more than ${MAX_REDIRECTS} redirects`);
    if (message.statusCode === 303 ? verb !== 'HEAD' : (message.statusCode === 301 || message.statusCode === 302) && verb === 'POST') {
      verb = 'GET';
      payload = undefined;
      for (const name of Object.keys(head)) if (name.startsWith('content-')) delete head[name];
    }
    if (seen.has(`${verb} ${next.href}`)) throw new RedirectRefused(`a redirect loop (back to ${next.pathname})`);
    if (next.origin !== target.origin) {
      for (const name of Object.keys(head)) if (/^(authorization|cookie|proxy-authorization)$/.test(name)) delete head[name];
    }
    target = next;
  }
}

/** One request and its response's head. */
async function exchange(
  url: URL,
  method: string,
  headers: OutgoingHttpHeaders,
  payload: string | Uint8Array | undefined,
  signal: AbortSignal | undefined,
  tls: NodeFetchTls,
): Promise<IncomingMessage> {
  const https = url.protocol === 'https:';
  const { request } = https ? await import('node:https') : await import('node:http');
  return new Promise<IncomingMessage>((resolve, reject) => {
    const options: RequestOptions & { ca?: string[] } = { method, headers, ...(signal ? { signal } : {}), ...(https && tls.ca ? { ca: tls.ca } : {}) };
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
