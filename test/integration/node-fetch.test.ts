// The fetch under ofetch (node:http): redirects as fetch follows them, encodings undone,
// headers merged case-insensitively, aborts, against real servers on 127.0.0.1.
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { brotliCompressSync, constants, createGzip, gzipSync } from 'node:zlib';
import { afterEach, describe, expect, it } from '@jest/globals';
import { LightHeaders, nodeFetch } from '../../src/core/internal/node-fetch.js';
import { REDIRECT_REFUSED } from '../../src/core/internal/to-provider-error.js';

const servers: Server[] = [];
afterEach(async () => {
  for (const server of servers.splice(0)) await new Promise((resolve) => server.close(resolve));
});

interface Seen {
  method: string;
  url: string;
  headers: IncomingMessage['headers'];
  body: string;
}

async function serve(handle: (req: IncomingMessage, res: ServerResponse, body: string) => void): Promise<{ url: string; seen: Seen[] }> {
  const seen: Seen[] = [];
  const server = createServer((req, res) => {
    let body = '';
    req.on('data', (chunk) => (body += chunk));
    req.on('end', () => {
      seen.push({ method: req.method ?? '', url: req.url ?? '', headers: req.headers, body });
      handle(req, res, body);
    });
  });
  servers.push(server);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, seen };
}

describe('nodeFetch', () => {
  it('sends method, headers and body; reads status, headers and text', async () => {
    const { url, seen } = await serve((_req, res) => {
      res.writeHead(201, { 'content-type': 'application/json', 'x-generation-id': 'gen-1' });
      res.end('{"ok":true}');
    });
    const response = await nodeFetch(`${url}/chat`, { method: 'POST', headers: { Authorization: 'Bearer k', 'Content-Type': 'application/json' }, body: '{"a":1}' });
    expect(response.status).toBe(201);
    expect(response.ok).toBe(true);
    expect(response.headers.get('X-Generation-Id')).toBe('gen-1');
    expect(await response.text()).toBe('{"ok":true}');
    expect(seen[0]).toMatchObject({ method: 'POST', url: '/chat', body: '{"a":1}' });
    expect(seen[0]?.headers).toMatchObject({ authorization: 'Bearer k', 'content-type': 'application/json', 'content-length': '7' });
  });

  it('follows a 307 keeping the body, turns a 303 into a GET, and drops the key on another origin', async () => {
    const other = await serve((_req, res) => res.end('elsewhere'));
    const { url, seen } = await serve((req, res) => {
      if (req.url === '/keep') return res.writeHead(307, { location: '/kept' }).end();
      if (req.url === '/see-other') return res.writeHead(303, { location: '/got' }).end();
      if (req.url === '/away') return res.writeHead(302, { location: `${other.url}/there` }).end();
      res.end(`at ${req.url}`);
    });
    const post = { method: 'POST', headers: { authorization: 'Bearer secret' }, body: 'payload' };
    expect(await (await nodeFetch(`${url}/keep`, post)).text()).toBe('at /kept');
    expect(seen[1]).toMatchObject({ method: 'POST', body: 'payload' });
    expect(await (await nodeFetch(`${url}/see-other`, post)).text()).toBe('at /got');
    expect(seen[3]).toMatchObject({ method: 'GET', body: '' });
    expect(await (await nodeFetch(`${url}/away`, { headers: { authorization: 'Bearer secret' } })).text()).toBe('elsewhere');
    expect(other.seen[0]?.headers.authorization).toBeUndefined();
  });

  it('follows 5 redirects, refuses a 6th without requesting it', async () => {
    const { url, seen } = await serve((req, res) => {
      const n = Number(req.url?.slice(1));
      if (n < 6) return res.writeHead(302, { location: `/${n + 1}` }).end();
      res.end('arrived');
    });
    expect(await (await nodeFetch(`${url}/1`)).text()).toBe('arrived');
    seen.length = 0;
    await expect(nodeFetch(`${url}/0`)).rejects.toMatchObject({ code: REDIRECT_REFUSED, message: 'more than 5 redirects' });
    expect(seen.map((s) => s.url)).toEqual(['/0', '/1', '/2', '/3', '/4', '/5']);
  });

  it('refuses a loop, another scheme and plain http off this machine, before any request goes there', async () => {
    const { url, seen } = await serve((req, res) => {
      if (req.url === '/loop') return res.writeHead(307, { location: '/loop-b' }).end();
      if (req.url === '/loop-b') return res.writeHead(307, { location: '/loop' }).end();
      if (req.url === '/file') return res.writeHead(302, { location: 'file:///etc/passwd' }).end();
      if (req.url === '/clear') return res.writeHead(307, { location: 'http://example.invalid/api' }).end();
      if (req.url === '/tls') return res.writeHead(307, { location: 'https://127.0.0.1:1/api' }).end();
      res.end('?');
    });
    await expect(nodeFetch(`${url}/loop`, { method: 'POST', body: 'x' })).rejects.toMatchObject({ code: REDIRECT_REFUSED, message: 'a redirect loop (back to /loop)' });
    expect(seen.map((s) => s.url)).toEqual(['/loop', '/loop-b']);
    await expect(nodeFetch(`${url}/file`)).rejects.toMatchObject({ code: REDIRECT_REFUSED, message: 'a redirect to a file: URL' });
    await expect(nodeFetch(`${url}/clear`, { method: 'POST', body: 'the prompt' })).rejects.toMatchObject({
      code: REDIRECT_REFUSED,
      message: 'a redirect to http://example.invalid (http:// is allowed only to this machine)',
    });
    // https elsewhere is allowed: the request is made (and fails: nothing listens there).
    await expect(nodeFetch(`${url}/tls`)).rejects.toMatchObject({ code: 'ECONNREFUSED' });
  });

  it('undoes gzip and br, and a gzipped event stream arrives piece by piece', async () => {
    // The server sends the second event only once the client has read the first: a decoder
    // that held the first back would leave both waiting, and the test would time out.
    let firstRead!: () => void;
    const readFirst = new Promise<void>((resolve) => (firstRead = resolve));
    const { url } = await serve((req, res) => {
      if (req.url === '/gzip') return res.writeHead(200, { 'content-encoding': 'gzip' }).end(gzipSync('zipped'));
      if (req.url === '/br') return res.writeHead(200, { 'content-encoding': 'br' }).end(brotliCompressSync('brotli'));
      res.writeHead(200, { 'content-encoding': 'gzip', 'content-type': 'text/event-stream' });
      const gzip = createGzip({ flush: constants.Z_SYNC_FLUSH });
      gzip.pipe(res);
      gzip.write('data: one\n\n');
      gzip.flush();
      void readFirst.then(() => gzip.end('data: two\n\n'));
    });
    expect(await (await nodeFetch(`${url}/gzip`)).text()).toBe('zipped');
    expect(await (await nodeFetch(`${url}/br`)).text()).toBe('brotli');
    const stream = await nodeFetch(`${url}/events`);
    const reads: string[] = [];
    for await (const chunk of stream.body as unknown as AsyncIterable<Buffer>) {
      reads.push(chunk.toString());
      firstRead();
    }
    expect(reads[0]).toBe('data: one\n\n');
    expect(reads.join('')).toBe('data: one\n\ndata: two\n\n');
  });

  it('an aborted signal stops the request', async () => {
    const { url } = await serve(() => undefined);
    const controller = new AbortController();
    setTimeout(() => controller.abort(), 30);
    await expect(nodeFetch(`${url}/slow`, { signal: controller.signal })).rejects.toThrow(/abort/i);
  });
});

describe('LightHeaders', () => {
  it('is case-insensitive, joins repeated names, and iterates as ofetch merges them', () => {
    const headers = new LightHeaders({ Accept: 'a' });
    headers.append('accept', 'b');
    headers.set('X-Title', 'T');
    expect(headers.get('ACCEPT')).toBe('a, b');
    expect(headers.has('x-title')).toBe(true);
    const copy = new LightHeaders(headers);
    copy.delete('accept');
    expect([...copy]).toEqual([['x-title', 'T']]);
    expect([...headers.entries()]).toEqual([['accept', 'a, b'], ['x-title', 'T']]);
  });
});
