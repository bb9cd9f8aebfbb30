// A streamed answer read to its end leaves its connection in the agent's pool, so the next
// request reuses it (a batch's thousands of requests would otherwise open and tear down one
// connection each); a server that keeps the response open after [DONE] is cut off after a
// short grace, and the answer is still complete. Raw node:http servers on 127.0.0.1 that count
// their connections.
import { once } from 'node:events';
import { createServer, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from '@jest/globals';
import { createMemoryBreakerStore, OpenRouterProvider } from '../../src/index.js';

const servers: Server[] = [];
afterEach(async () => {
  await Promise.all(servers.splice(0).map((server) => {
    server.closeAllConnections();
    return new Promise((done) => server.close(done));
  }));
});

const CHUNK = (text: string) => `data: ${JSON.stringify({ id: 'gen-1', model: 'm/x', choices: [{ index: 0, delta: { content: text }, finish_reason: null }] })}\n\n`;
const LAST = `data: ${JSON.stringify({ id: 'gen-1', model: 'm/x', choices: [{ index: 0, delta: {}, finish_reason: 'stop' }], usage: { prompt_tokens: 1, completion_tokens: 1, total_tokens: 2, cost: 0.000001 } })}\n\n`;

/** A chat server: `finish` ends each response after [DONE] (or leaves it open). Counts connections. */
async function serve(finish: (res: ServerResponse) => void): Promise<{ url: string; connections: () => number }> {
  let connections = 0;
  const server = createServer((req, res) => {
    req.resume();
    req.on('end', () => {
      res.writeHead(200, { 'content-type': 'text/event-stream' });
      res.write(CHUNK('hi'));
      res.write(LAST);
      res.write('data: [DONE]\n\n');
      finish(res);
    });
  });
  server.on('connection', () => (connections += 1));
  servers.push(server);
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/api/v1`, connections: () => connections };
}

const provider = (baseUrl: string) =>
  new OpenRouterProvider({ apiKey: 'sk-or-v1-test0000000000', baseUrl, model: 'm/x', env: {}, maxRetries: 0, breakerStore: createMemoryBreakerStore() });

describe('connections', () => {
  it('ten streamed answers one after another use one connection', async () => {
    const server = await serve((res) => res.end());
    const chat = provider(server.url);
    for (let i = 0; i < 10; i++) {
      const result = await chat.chat({ messages: [{ role: 'user', content: `q${i}` }] }).collect();
      expect(result.content).toBe('hi');
    }
    expect(server.connections()).toBe(1);
  });

  it('a response kept open after [DONE] still gives the whole answer, and the connection is dropped after a short grace', async () => {
    const open: ServerResponse[] = [];
    const server = await serve((res) => open.push(res));
    const chat = provider(server.url);
    const started = Date.now();
    const first = await chat.chat({ messages: [{ role: 'user', content: 'q' }] }).collect();
    expect(first.content).toBe('hi');
    expect(first.usage?.cost).toBe(0.000001);
    // Bounded by the grace (250 ms), far below any call timeout: generous for a loaded machine.
    expect(Date.now() - started).toBeLessThan(10_000);
    // The held connection was given up: the next answer comes on a new one.
    const second = await chat.chat({ messages: [{ role: 'user', content: 'q' }] }).collect();
    expect(second.content).toBe('hi');
    expect(server.connections()).toBe(2);
    for (const res of open) res.destroy();
  });
});
