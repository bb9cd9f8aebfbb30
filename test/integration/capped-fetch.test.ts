// The caps and the redirect rule hold whatever fetch carries the request: an injected fetch
// (Node's own, here) and the ca_file path, against real servers on 127.0.0.1.
import { createServer as createHttpsServer, type Server as HttpsServer } from 'node:https';
import type { AddressInfo } from 'node:net';
import { rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from '@jest/globals';
import { createMemoryBreakerStore } from '../../src/core/internal/circuit-breaker.js';
import { OpenRouterProvider } from '../../src/index.js';
import { type HostileServer, hostileServer, sendHuge } from '../helpers/hostile-server.js';
import { generateTestCertificates, type TestCertificates } from '../helpers/test-ca.js';

const GB = 1024 ** 3;
let server: HostileServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

const provider = (baseUrl: string, extra: Record<string, unknown> = {}) =>
  new OpenRouterProvider({ apiKey: 'sk-or-v1-test', baseUrl, maxRetries: 2, retryInitialDelay: 0.01, env: {}, breakerStore: createMemoryBreakerStore(), ...extra });

describe('an injected fetch is capped too', () => {
  it.each([
    ['a plain body', false],
    ['a gzip bomb', true],
  ])('%s of 1 GB: too_large at the cap, one request', async (_what, gzip) => {
    server = await hostileServer((_req, res) =>
      sendHuge(res, { headers: { 'content-type': 'application/json' }, prefix: gzip ? '' : '{"data":[', fill: gzip ? Buffer.alloc(1) : '{"id":"a/b"},', total: GB, gzip }),
    );
    const error = await provider(server.baseUrl, { fetch: globalThis.fetch }).listModels().catch((e: unknown) => e);
    expect(error).toMatchObject({ failure: 'too_large', message: 'the response from OpenRouter exceeded 64 MB' });
    expect(server.requests).toHaveLength(1);
  }, 60_000);
});

describe('the ca_file path', () => {
  let certs: TestCertificates;
  let https: HttpsServer;
  let url: string;
  const seen: string[] = [];
  beforeAll(async () => {
    certs = generateTestCertificates();
    https = createHttpsServer({ key: certs.key, cert: certs.cert }, (req, res) => {
      seen.push(req.url ?? '');
      if (req.url?.endsWith('/models')) return res.writeHead(307, { location: 'http://example.invalid/models' }).end();
      void sendHuge(res, { headers: { 'content-type': 'text/event-stream' }, prefix: 'data: ', fill: 'x', total: GB });
    });
    await new Promise<void>((resolve) => https.listen(0, '127.0.0.1', resolve));
    url = `https://127.0.0.1:${(https.address() as AddressInfo).port}/api/v1`;
  });
  afterAll(async () => {
    https.closeAllConnections();
    await new Promise((resolve) => https.close(resolve));
    rmSync(certs.dir, { recursive: true, force: true });
  });

  it('follows the redirect rule', async () => {
    const error = await provider(url, { caFile: certs.caFile }).listModels().catch((e: unknown) => e);
    expect(error).toMatchObject({ failure: 'redirect', message: expect.stringContaining('a redirect to http://example.invalid') });
    expect(seen).toEqual(['/api/v1/models']);
  });

  it('caps a line of a stream', async () => {
    const chat = provider(url, { caFile: certs.caFile }).chat({ messages: [{ role: 'user', content: 'hi' }] });
    const error = await chat.collect().catch((e: unknown) => e);
    expect(error).toMatchObject({ failure: 'too_large', message: 'the response from OpenRouter exceeded 8 MB' });
  }, 60_000);
});
