// Memory that must not grow with what is on disk: a fully cached `embed` reads one entry per
// line (the old JSON-lines cache was read whole), and a chat that starts anew does not read the
// previous conversation, however large.
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from '@jest/globals';
import { type FakeOpenRouter, startFakeOpenRouter } from '../helpers/fake-openrouter.js';
import { type CliSandbox, cliSandbox } from '../helpers/run-cli.js';

let fake: FakeOpenRouter | undefined;
let cli: CliSandbox | undefined;
afterEach(async () => {
  await fake?.close();
  cli?.dispose();
});

describe('bounded memory with large state on disk', () => {
  it('a fully cached embed of 6,000 lines of 1,536 dimensions stays under 150 MB', async () => {
    fake = await startFakeOpenRouter({ embeddingDimensions: 1536, keepSent: false });
    cli = cliSandbox(fake.url);
    const file = join(cli.home, 'lines.txt');
    writeFileSync(file, Array.from({ length: 6000 }, (_, i) => `line ${i} of the test`).join('\n'));
    const filled = await cli.run(['embed', '-f', file], { keepStdout: false });
    expect(filled.code).toBe(0);
    const sent = fake.requests.length;
    let bytes = 0;
    const cached = await cli.run(['embed', '-f', file], { keepStdout: false, measureRss: true, onStdoutChunk: (chunk) => (bytes += chunk.length) });
    expect(cached.code).toBe(0);
    expect(fake.requests.length).toBe(sent);
    expect(bytes).toBeGreaterThan(6000 * 1536 * 5);
    expect(cached.peakRssMb).toBeLessThan(150);
  }, 300_000);

  it('a chat without -c does not read a 40 MB previous conversation', async () => {
    fake = await startFakeOpenRouter();
    cli = cliSandbox(fake.url);
    const home = cli.env.DEVSYNTH_HOME as string;
    mkdirSync(join(home, 'sessions'), { recursive: true });
    const answer = 'word '.repeat(80_000);
    const messages = Array.from({ length: 100 }, (_, i) => ({ role: i % 2 === 0 ? 'user' : 'assistant', content: i % 2 === 0 ? `q${i}` : answer }));
    const now = new Date().toISOString();
    writeFileSync(join(home, 'sessions', '_last.json'), JSON.stringify({ name: '_last', model: null, created: now, updated: now, messages }));
    writeFileSync(join(home, 'last-session.json'), JSON.stringify({ last: '_last' }));
    const result = await cli.run(['chat', 'hello'], { measureRss: true });
    expect(result.code).toBe(0);
    // Reading and validating 20 MB of JSON (and writing it back) took 96 MB on the old code; 40 MB, far more.
    expect(result.peakRssMb).toBeLessThan(90);
    // The new conversation replaced it: one turn.
    const { readFileSync } = await import('node:fs');
    expect(JSON.parse(readFileSync(join(home, 'sessions', '_last.json'), 'utf8')).messages).toHaveLength(2);
  }, 120_000);
});
