// `batch` at scale and when stopped: 10,000 items keep the process's memory bounded (100,000
// are measured by bench/batch.mjs), and Ctrl+C stops sending, keeps what is done, exits 130.
import { createReadStream, readFileSync, writeFileSync } from 'node:fs';
import { createInterface } from 'node:readline';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from '@jest/globals';
import { type FakeOpenRouter, startFakeOpenRouter } from '../helpers/fake-openrouter.js';
import { type CliSandbox, cliSandbox } from '../helpers/run-cli.js';

const servers: FakeOpenRouter[] = [];
const sandboxes: CliSandbox[] = [];
afterEach(async () => {
  await Promise.all(servers.splice(0).map((s) => s.close()));
  for (const s of sandboxes.splice(0)) s.dispose();
});
const MODEL = 'openai/gpt-4o-mini';

describe('batch at scale', () => {
  it('10,000 items, --ordered, concurrency 16: every one answered once, in order, peak RSS < 150 MB', async () => {
    // No spec check of 10,000 bodies here (batch.test.ts checks them): the server must keep up.
    const fake = await startFakeOpenRouter({ validateRequests: false, keepSent: false, replyFor: (prompt) => ({ kind: 'reply', content: [`a:${prompt}`] }) });
    servers.push(fake);
    const cli = cliSandbox(fake.url);
    sandboxes.push(cli);
    const total = 10_000;
    const file = join(cli.home, 'many.txt');
    writeFileSync(file, `${Array.from({ length: total }, (_, i) => `prompt number ${i}`).join('\n')}\n`);
    const out = join(cli.home, 'out.ndjson');
    const result = await cli.run(['batch', file, '-o', out, '--ordered', '--concurrency', '16', '-m', MODEL, '-q'], { measureRss: true });
    expect(result.code).toBe(0);
    let expected = 0;
    for await (const line of createInterface({ input: createReadStream(out) })) {
      const parsed = JSON.parse(line) as { index: number; content: string };
      expect(parsed.index).toBe(expected);
      expect(parsed.content).toBe(`a:prompt number ${expected}`);
      expected += 1;
    }
    expect(expected).toBe(total);
    expect(fake.requests.filter((r) => r.path === '/chat/completions')).toHaveLength(total);
    expect(result.peakRssMb).toBeLessThan(150);
  }, 600_000);

  it('SIGINT stops sending: what is done is kept, exit 130, and a re-run sends only the rest', async () => {
    const fake = await startFakeOpenRouter({ replyFor: (prompt) => ({ kind: 'delay', ms: 200, then: { kind: 'reply', content: [`a:${prompt}`] } }) });
    servers.push(fake);
    const cli = cliSandbox(fake.url);
    sandboxes.push(cli);
    const file = join(cli.home, 'items.txt');
    writeFileSync(file, Array.from({ length: 40 }, (_, i) => `q${i}`).join('\n'));
    const out = join(cli.home, 'out.ndjson');
    let interrupted = false;
    const first = await cli.run(['batch', file, '-o', out, '--concurrency', '2', '-m', MODEL], {
      onSpawn: (child) => {
        const timer = setInterval(() => {
          let lines = 0;
          try {
            lines = readFileSync(out, 'utf8').split('\n').length - 1;
          } catch {}
          if (lines >= 4 && !interrupted) {
            interrupted = child.kill('SIGINT');
            clearInterval(timer);
          }
        }, 20);
        child.on('close', () => clearInterval(timer));
      },
    });
    expect(first.code).toBe(130);
    const sentFirst = fake.requests.length;
    const kept = readFileSync(out, 'utf8').trim().split('\n');
    // Nothing sent after the signal but what was in flight; every line kept is an answer.
    expect(sentFirst).toBeLessThan(40);
    expect(kept.every((line) => JSON.parse(line).content?.startsWith('a:'))).toBe(true);
    const second = await cli.run(['batch', file, '-o', out, '--concurrency', '8', '-m', MODEL]);
    expect(second.code).toBe(0);
    const lines = readFileSync(out, 'utf8').trim().split('\n');
    expect(lines).toHaveLength(40);
    // Only the items without an answer were sent again (those in flight at the signal among them).
    expect(fake.requests.length - sentFirst).toBe(40 - kept.length);
  }, 60_000);
});
