// Acceptance: a stream that has started must still end, whatever trickles in after the first
// token; a response without an answer is an error, not an empty success; usage numbers that
// cannot be counts never leave the core.
import { afterEach, describe, expect, it } from '@jest/globals';
import { chunk, SSE_HEADERS, sse, trickle } from '../helpers/hostile-server.js';
import { expectStateIntact, type HostileCase, hostileCase, oneErrorLine } from './network-support.js';

let current: HostileCase | undefined;
afterEach(async () => {
  await current?.dispose();
  current = undefined;
});

async function run(handle: Parameters<typeof hostileCase>[0], args: string[], limits: Parameters<typeof hostileCase>[1] = {}) {
  current = await hostileCase(handle, limits);
  const started = Date.now();
  const result = await current.cli.run([...current.config, ...args], { killAfterMs: 60_000 });
  return { ...result, seconds: (Date.now() - started) / 1000, requests: current.server.requests };
}

describe('hostile server: streams that never finish', () => {
  // call_timeout is 1 s in these tests: nothing new for 1 s after the first token ends the call.
  it.each([
    ['empty deltas', () => sse(chunk(''))],
    ['keep-alive comments', () => ': OPENROUTER PROCESSING\n\n'],
  ])('after the first token, %s every 100 ms: the stream ends (call_timeout), no retry', async (_what, filler) => {
    const result = await run(async (_req, res) => {
      res.writeHead(200, SSE_HEADERS);
      res.write(sse(chunk('Hello')));
      await trickle(res, filler, 100);
    }, ['chat', 'hi']);
    expect(result.code).toBe(7);
    expect(oneErrorLine(result.stderr)).toBe('devsynth-or: the stream from OpenRouter sent nothing new for 1 s (call_timeout)');
    expect(result.stdout).toContain('Hello');
    expect(result.requests).toHaveLength(1);
    expect(result.seconds).toBeLessThan(30);
    expectStateIntact(current!.cli);
  });

  it('after the first token, one byte every 200 ms (a line that never ends): the stream ends', async () => {
    const result = await run(async (_req, res) => {
      res.writeHead(200, SSE_HEADERS);
      res.write(sse(chunk('Hello')) + 'data: ');
      await trickle(res, 'x', 200);
    }, ['chat', 'hi']);
    expect(result.code).toBe(7);
    expect(oneErrorLine(result.stderr)).toBe('devsynth-or: the stream from OpenRouter sent nothing new for 1 s (call_timeout)');
    expect(result.requests).toHaveLength(1);
  });

  it('real tokens that never stop: the whole answer is cut at stream_timeout, the partial text kept', async () => {
    let n = 0;
    const result = await run(async (_req, res) => {
      res.writeHead(200, SSE_HEADERS);
      await trickle(res, () => sse(chunk(`t${n++} `)), 100);
    }, ['chat', 'hi'], { stream_timeout: 2 });
    expect(result.code).toBe(7);
    expect(oneErrorLine(result.stderr)).toBe('devsynth-or: the answer from OpenRouter took longer than 2 s (stream_timeout)');
    expect(result.stdout).toContain('t0 t1 ');
    expect(result.requests).toHaveLength(1);
  });
});

describe('hostile server: responses without an answer', () => {
  it('a stream of meta and usage chunks, never a choice: exit 6 "had no answer"', async () => {
    const result = await run((_req, res) => {
      res.writeHead(200, SSE_HEADERS);
      res.write(sse({ id: 'gen-x', model: 'm/x', object: 'chat.completion.chunk' }));
      res.write(sse({ id: 'gen-x', model: 'm/x', usage: { prompt_tokens: 1, completion_tokens: 0, total_tokens: 1 } }));
      res.end(sse('[DONE]'));
    }, ['chat', 'hi']);
    expect(result.code).toBe(6);
    expect(oneErrorLine(result.stderr)).toBe('devsynth-or: the response from OpenRouter had no answer');
    expect(result.requests).toHaveLength(1);
    expectStateIntact(current!.cli);
  });

  it.each([
    ['a number', 5],
    ['an object', { text: 'hi' }],
    ['null', null],
  ])('a non-streaming message whose content is %s: exit 6 "had no answer"', async (_what, content) => {
    const result = await run((_req, res) => {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ id: 'gen-y', choices: [{ index: 0, finish_reason: 'stop', message: { role: 'assistant', content } }] }));
    }, ['chat', '--no-stream', 'hi']);
    expect(result.code).toBe(6);
    expect(oneErrorLine(result.stderr)).toBe('devsynth-or: the response from OpenRouter had no answer');
    expect(result.requests).toHaveLength(1);
  });
});

describe('hostile server: usage numbers', () => {
  it('negative, non-numeric and infinite usage numbers are dropped; the next run still reads the usage history', async () => {
    const reply = (_req: unknown, res: import('node:http').ServerResponse) => {
      res.writeHead(200, SSE_HEADERS);
      res.write(sse(chunk('ok', { choices: [{ index: 0, delta: { content: 'ok' }, finish_reason: 'stop' }] })));
      // 1e999 is valid JSON and parses to Infinity.
      res.write(`data: {"id":"gen-u","choices":[],"usage":{"prompt_tokens":-5,"completion_tokens":"7","total_tokens":1e999,"cost":0.5,"completion_tokens_details":{"reasoning_tokens":-1}}}\n\n`);
      res.end(sse('[DONE]'));
    };
    const result = await run(reply, ['chat', '--json', 'hi']);
    expect(result.code).toBe(0);
    const usage = JSON.parse(result.stdout).usage;
    expect(usage).toEqual({ cost: 0.5, cost_source: 'reported', completion_tokens_details: {} });
    expectStateIntact(current!.cli);
    // A second run against the same state: no "corrupt" warning about what the first stored.
    const again = await current!.cli.run([...current!.config, 'chat', 'hi again']);
    expect(again.code).toBe(0);
    expect(again.stderr).not.toMatch(/corrupt|set aside/i);
  });
});
