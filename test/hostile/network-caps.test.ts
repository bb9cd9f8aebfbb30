// Acceptance: whatever size a hostile server sends, the CLI reads at most a capped amount,
// fails at once with one clear line (exit 7), does not retry, and stays small in memory.
// The server generates its bodies as they are read, so neither side holds gigabytes.
import { afterEach, describe, expect, it } from '@jest/globals';
import { chunk, SSE_HEADERS, sendHuge, sse } from '../helpers/hostile-server.js';
import { expectStateIntact, type HostileCase, hostileCase, oneErrorLine } from './network-support.js';

const GB = 1024 ** 3;
let current: HostileCase | undefined;
afterEach(async () => {
  await current?.dispose();
  current = undefined;
});

async function run(handle: Parameters<typeof hostileCase>[0], args: string[]) {
  current = await hostileCase(handle);
  const result = await current.cli.run([...current.config, ...args], { measureRss: true, killAfterMs: 60_000 });
  return { ...result, requests: current.server.requests };
}

describe('hostile server: bodies past their caps', () => {
  it('a streamed line of 1 GB without a newline: "exceeded 8 MB" at once, no retry, bounded memory', async () => {
    const result = await run(
      (_req, res) => sendHuge(res, { headers: SSE_HEADERS, prefix: sse(chunk('first')) + 'data: ', fill: 'x', total: GB }),
      ['chat', 'hi'],
    );
    expect(result.code).toBe(7);
    expect(oneErrorLine(result.stderr)).toBe('devsynth-or: the response from OpenRouter exceeded 8 MB');
    expect(result.stdout).toContain('first');
    expect(result.requests).toHaveLength(1);
    expect(result.peakRssMb).toBeLessThan(250);
    expectStateIntact(current!.cli);
  }, 90_000);

  it('a 2 GB non-streaming body: "exceeded 64 MB", one request, bounded memory', async () => {
    const result = await run(
      (_req, res) => sendHuge(res, { headers: { 'content-type': 'application/json' }, prefix: '{"choices":[{"message":{"content":"', fill: 'a', total: 2 * GB }),
      ['chat', '--no-stream', 'hi'],
    );
    expect(result.code).toBe(7);
    expect(oneErrorLine(result.stderr)).toBe('devsynth-or: the response from OpenRouter exceeded 64 MB');
    expect(result.requests).toHaveLength(1);
    expect(result.peakRssMb).toBeLessThan(250);
    expectStateIntact(current!.cli);
  }, 90_000);

  it('a 2 GB error body (a 503, which is otherwise retried): "exceeded 1 MB", one request', async () => {
    const result = await run(
      (_req, res) => sendHuge(res, { status: 503, headers: { 'content-type': 'text/plain' }, fill: 'E', total: 2 * GB }),
      ['chat', 'hi'],
    );
    expect(result.code).toBe(7);
    expect(oneErrorLine(result.stderr)).toBe('devsynth-or: the response from OpenRouter exceeded 1 MB');
    expect(result.requests).toHaveLength(1);
    expect(result.peakRssMb).toBeLessThan(250);
  }, 90_000);

  it('a 2 GB catalogue: "exceeded 64 MB", one request, no cache written', async () => {
    const result = await run(
      (_req, res) => sendHuge(res, { headers: { 'content-type': 'application/json' }, prefix: '{"data":[', fill: '{"id":"a/b"},', total: 2 * GB }),
      ['models', '--refresh'],
    );
    expect(result.code).toBe(7);
    expect(oneErrorLine(result.stderr)).toBe('devsynth-or: the response from OpenRouter exceeded 64 MB');
    expect(result.requests).toHaveLength(1);
    expect(result.peakRssMb).toBeLessThan(250);
    expectStateIntact(current!.cli);
  }, 90_000);

  // Each bomb is a few MB on the wire and 1 GB of zeros once decompressed.
  it.each([
    ['a JSON answer', 200, { 'content-type': 'application/json' }, ['chat', '--no-stream', 'hi'], '64 MB'],
    ['an event stream', 200, SSE_HEADERS, ['chat', 'hi'], '8 MB'],
    ['an error body', 500, { 'content-type': 'application/json' }, ['chat', 'hi'], '1 MB'],
    ['the catalogue', 200, { 'content-type': 'application/json' }, ['models', '--refresh'], '64 MB'],
  ] as const)('a gzip bomb in %s is capped on its decompressed size', async (_what, status, headers, args, cap) => {
    const result = await run((_req, res) => sendHuge(res, { status, headers, fill: Buffer.alloc(1), total: GB, gzip: true }), [...args]);
    expect(result.code).toBe(7);
    expect(oneErrorLine(result.stderr)).toBe(`devsynth-or: the response from OpenRouter exceeded ${cap}`);
    expect(result.requests).toHaveLength(1);
    expect(result.peakRssMb).toBeLessThan(250);
    expectStateIntact(current!.cli);
  }, 90_000);

  it('response headers past node:http\'s limit fail at once with their own message', async () => {
    const result = await run((_req, res) => {
      res.writeHead(200, { 'content-type': 'application/json', 'x-padding': 'p'.repeat(100_000) });
      res.end('{}');
    }, ['chat', '--no-stream', 'hi']);
    expect(result.code).toBe(7);
    expect(oneErrorLine(result.stderr)).toBe('devsynth-or: the response headers from OpenRouter are too large');
    expect(result.requests).toHaveLength(1);
  });
});
