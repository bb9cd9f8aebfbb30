// A raw node:http server on 127.0.0.1 that answers as an attacker would: endless lines, huge
// or compressed-bomb bodies, trickles, redirects. The big bodies are generated as the client
// reads them (with backpressure), so a test never holds them in memory; once the client
// closes the connection, generation stops.
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { createGzip } from 'node:zlib';

export interface SeenRequest {
  method: string;
  url: string;
  body: string;
}

export interface HostileServer {
  /** The API base URL (`http://127.0.0.1:<port>/api/v1`). */
  baseUrl: string;
  origin: string;
  /** Every request that reached the server, in order. */
  requests: SeenRequest[];
  close(): Promise<void>;
}

export type Handler = (req: IncomingMessage & { body: string }, res: ServerResponse) => void | Promise<void>;

export async function hostileServer(handle: Handler): Promise<HostileServer> {
  const requests: SeenRequest[] = [];
  const sockets = new Set<Socket>();
  const server = createServer((req, res) => {
    let body = '';
    req.on('data', (chunk: Buffer) => (body += chunk.toString('utf8')));
    req.on('end', () => {
      requests.push({ method: req.method ?? '', url: req.url ?? '', body });
      Promise.resolve(handle(Object.assign(req, { body }), res)).catch(() => res.destroy());
    });
  });
  server.on('connection', (socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    baseUrl: `${origin}/api/v1`,
    origin,
    requests,
    close: () =>
      new Promise<void>((resolve) => {
        for (const socket of sockets) socket.destroy();
        server.close(() => resolve());
      }),
  };
}

/** `total` bytes made of `fill` repeated, produced only as fast as they are read. */
export function repeated(fill: string | Buffer, total: number, chunkBytes = 64 * 1024): Readable {
  const unit = typeof fill === 'string' ? Buffer.from(fill) : fill;
  const chunk = Buffer.alloc(chunkBytes, unit);
  let sent = 0;
  return new Readable({
    read() {
      if (sent >= total) return void this.push(null);
      const size = Math.min(chunkBytes, total - sent);
      sent += size;
      this.push(size === chunkBytes ? chunk : chunk.subarray(0, size));
    },
  });
}

/** Sends `prefix`, then `total` bytes of `fill`; gzip-compressed when `gzip` (a bomb of zeros). */
export async function sendHuge(
  res: ServerResponse,
  options: { status?: number; headers?: Record<string, string>; prefix?: string; fill?: string | Buffer; total: number; gzip?: boolean },
): Promise<void> {
  res.writeHead(options.status ?? 200, { ...(options.gzip ? { 'content-encoding': 'gzip' } : {}), ...options.headers });
  const source = Readable.from(
    (async function* () {
      if (options.prefix) yield Buffer.from(options.prefix);
      yield* repeated(options.fill ?? ' ', options.total);
    })(),
  );
  try {
    if (options.gzip) await pipeline(source, createGzip(), res);
    else await pipeline(source, res);
  } catch {
    // The client closed the connection: what the caps are for.
  }
}

/** One SSE event. */
export const sse = (value: unknown) => `data: ${typeof value === 'string' ? value : JSON.stringify(value)}\n\n`;

/** A stream chunk with content. */
export const chunk = (content: string, extra: Record<string, unknown> = {}) => ({
  id: 'gen-hostile',
  object: 'chat.completion.chunk',
  model: 'openrouter/free',
  choices: [{ index: 0, delta: { content }, finish_reason: null }],
  ...extra,
});

/** Headers of an event stream. */
export const SSE_HEADERS = { 'content-type': 'text/event-stream', 'cache-control': 'no-cache' };

export const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Writes `text` every `everyMs` until the client goes away. */
export async function trickle(res: ServerResponse, text: string | (() => string), everyMs: number): Promise<void> {
  let closed = false;
  res.on('close', () => (closed = true));
  while (!closed && !res.writableEnded) {
    res.write(typeof text === 'string' ? text : text());
    await sleep(everyMs);
  }
}
