// Big and odd inputs to the built binary: piped stdin past its cap, files and stdin of hundreds
// of thousands of lines, a million lines in bounded memory, every kind of line break. Each run
// ends with its exit code, one line on stderr when it fails, and a bounded peak RSS.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from '@jest/globals';
import { type FakeOpenRouter, startFakeOpenRouter } from '../helpers/fake-openrouter.js';
import { type CliSandbox, cliSandbox } from '../helpers/run-cli.js';

let fake: FakeOpenRouter;
let cli: CliSandbox;

beforeEach(async () => {
  fake = await startFakeOpenRouter();
  cli = cliSandbox(fake.url);
});
afterEach(async () => {
  await fake.close();
  cli.dispose();
});

const MB = 1024 * 1024;
const embedRequests = () => fake.requests.filter((r) => r.path === '/embeddings').map((r) => (r.body as { input: string[] }).input);

/** `total` bytes of text in 1 MB pieces, made as the child reads them (never all at once). */
async function* bytes(total: number, fill = 'all work and no play\n'): AsyncGenerator<Buffer> {
  const piece = Buffer.alloc(MB, fill);
  for (let sent = 0; sent < total; sent += MB) yield piece;
}

/** `count` numbered lines, made as they are read. */
async function* numberedLines(count: number): AsyncGenerator<Buffer> {
  for (let start = 0; start < count; start += 10_000) {
    let text = '';
    for (let i = start; i < Math.min(count, start + 10_000); i++) text += `line ${i}\n`;
    yield Buffer.from(text);
  }
}

/** Counts NDJSON lines and checks their order without keeping the output. */
function ndjsonCounter() {
  let count = 0;
  let inOrder = true;
  let rest = '';
  return {
    onStdoutChunk: (chunk: string) => {
      const lines = (rest + chunk).split('\n');
      rest = lines.pop() ?? '';
      for (const line of lines) {
        if (!line.startsWith(`{"index":${count},"embedding":[`)) inOrder = false;
        count += 1;
      }
    },
    keepStdout: false,
    result: () => ({ count, inOrder, rest }),
  };
}

describe('piped stdin past its cap', () => {
  it('2.5 GB on stdin to chat: exit 2 with one line, at the 64 MB cap, in bounded memory; nothing sent', async () => {
    const result = await cli.run(['chat', 'summarise this'], { stdin: bytes(2560 * MB), measureRss: true, killAfterMs: 120_000 });
    expect(result.code).toBe(2);
    expect(result.stderr).toBe('devsynth-or: standard input is larger than 64 MB\n');
    expect(result.peakRssMb).toBeLessThan(200);
    expect(fake.requests.filter((r) => r.path === '/chat/completions')).toHaveLength(0);
  }, 150_000);

  it('a line of 2.5 GB (no line break) to embed: exit 2 naming the line, in bounded memory', async () => {
    const result = await cli.run(['embed'], { stdin: bytes(2560 * MB, 'no line break '), measureRss: true, killAfterMs: 120_000 });
    expect(result.code).toBe(2);
    expect(result.stderr).toBe('devsynth-or: line 1 of standard input is over 1 MB\n');
    expect(result.peakRssMb).toBeLessThan(200);
  }, 150_000);
});

describe('embed: many lines', () => {
  it('-f with 150,000 lines and stdin with 200,000 lines: every line once, in order', async () => {
    const file = join(cli.home, 'many.txt');
    writeFileSync(file, Array.from({ length: 150_000 }, (_, i) => `line ${i}`).join('\n'));
    const fromFile = ndjsonCounter();
    const first = await cli.run(['--provider', 'offline', 'embed', '--no-cache', '-f', file], { ...fromFile, killAfterMs: 240_000 });
    expect([first.code, first.stderr]).toEqual([0, '']);
    expect(fromFile.result()).toEqual({ count: 150_000, inOrder: true, rest: '' });

    const fromStdin = ndjsonCounter();
    const second = await cli.run(['--provider', 'offline', 'embed', '--no-cache'], { ...fromStdin, stdin: numberedLines(200_000), killAfterMs: 240_000 });
    expect([second.code, second.stderr]).toEqual([0, '']);
    expect(fromStdin.result()).toEqual({ count: 200_000, inOrder: true, rest: '' });
  }, 480_000);

  it('a million lines on stdin stream through in bounded memory', async () => {
    const counter = ndjsonCounter();
    const result = await cli.run(['--provider', 'offline', 'embed', '--no-cache'], { ...counter, stdin: numberedLines(1_000_000), measureRss: true, killAfterMs: 600_000 });
    expect([result.code, result.stderr]).toEqual([0, '']);
    expect(counter.result()).toEqual({ count: 1_000_000, inOrder: true, rest: '' });
    expect(result.peakRssMb).toBeLessThan(200);
  }, 660_000);

  it('--json over 10,000 inputs is refused before anything is sent', async () => {
    const result = await cli.run(['embed', '--json'], { stdin: numberedLines(10_001) });
    expect(result.code).toBe(2);
    expect(result.stderr.split('\n')[0]).toBe('devsynth-or: --json holds every vector in memory: at most 10,000 inputs');
    expect(embedRequests()).toHaveLength(0);
    const atTheLimit = await cli.run(['--provider', 'offline', 'embed', '--json', '--no-cache'], { stdin: numberedLines(10_000) });
    expect(atTheLimit.code).toBe(0);
    expect(JSON.parse(atTheLimit.stdout).data).toHaveLength(10_000);
  }, 60_000);
});

describe('embed: line breaks and files', () => {
  it('splits on \\r\\n, \\n and a lone \\r; a trailing \\r is not part of an input; empty lines are skipped', async () => {
    const file = join(cli.home, 'mixed.txt');
    writeFileSync(file, 'one\r\ntwo\rthree\n\r\nfour\r');
    const fromFile = await cli.run(['embed', '-f', file]);
    const fromStdin = await cli.run(['embed', '--no-cache'], { stdin: 'one\r\ntwo\rthree\n\r\nfour\r' });
    expect([fromFile.code, fromStdin.code]).toEqual([0, 0]);
    expect(embedRequests()).toEqual([
      ['one', 'two', 'three', 'four'],
      ['one', 'two', 'three', 'four'],
    ]);
    expect(fromStdin.stdout).toBe(fromFile.stdout);
  });

  it('a missing file: "cannot read <path>: no such file", exit 2, nothing sent', async () => {
    const result = await cli.run(['embed', '-f', 'missing.txt']);
    expect(result.code).toBe(2);
    expect(result.stderr).toBe('devsynth-or: cannot read missing.txt: no such file\n');
    expect(embedRequests()).toHaveLength(0);
  });
});
