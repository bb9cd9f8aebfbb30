// `batch` when things go wrong around the items, from the built binary against the fake server:
// an item paid for but failed afterwards (--schema) records its usage and says what it cost;
// one writer per output file (a second batch on the same -o is refused before any request, a
// lock left by kill -9 is taken over); a line that is not valid UTF-8 or is over the cap is
// that item's error, not the batch's, without the line ever held whole in memory.
import { createHash } from 'node:crypto';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from '@jest/globals';
import { defaultUsage, type FakeOpenRouter, type Step, startFakeOpenRouter } from '../helpers/fake-openrouter.js';
import { chats, promptOf, results } from '../helpers/batch-results.js';
import { type CliSandbox, cliSandbox } from '../helpers/run-cli.js';

const servers: FakeOpenRouter[] = [];
const sandboxes: CliSandbox[] = [];
afterEach(async () => {
  const closing = servers.splice(0);
  await Promise.all(closing.map((s) => s.close()));
  for (const s of sandboxes.splice(0)) s.dispose();
  for (const fake of closing) expect(fake.violations).toEqual([]);
});

/** A paid model: the free ones are paced to 20 requests a minute. */
const MODEL = 'openai/gpt-4o-mini';

async function start(replyFor: (prompt: string) => Step) {
  const fake = await startFakeOpenRouter({ replyFor });
  servers.push(fake);
  const cli = cliSandbox(fake.url);
  sandboxes.push(cli);
  return { fake, cli };
}

/** Answers "answer to <prompt>" after `delayMs`. */
const echo =
  (delayMs = 0) =>
  (prompt: string): Step => {
    const reply = { kind: 'reply' as const, content: [`answer to ${prompt}`] };
    return delayMs > 0 ? { kind: 'delay', ms: delayMs, then: reply } : reply;
  };

const linesIn = (path: string) => {
  try {
    return readFileSync(path, 'utf8').split('\n').length - 1;
  } catch {
    return 0;
  }
};

describe('batch: a failed item that was paid for', () => {
  it('--schema mismatch: exit 12, the line has its error and usage, and `usage --json` counts its tokens and cost', async () => {
    const { fake, cli } = await start((prompt) => ({
      kind: 'reply',
      content: [prompt === 'good' ? '{"label":"pos"}' : 'not json at all'],
      usage: prompt === 'good' ? { ...defaultUsage(10, 4), cost: 0.01 } : { ...defaultUsage(20, 7), cost: 0.03 },
    }));
    const config = join(cli.home, 'budget.yml');
    writeFileSync(config, 'budget:\n  daily: 5\n');
    const result = await cli.run(['batch', '-', '--ordered', '--schema', 'label', '-m', MODEL, '--config', config], { stdin: 'good\nbad\n' });
    expect(result.code).toBe(12);
    const [good, bad] = results(result.stdout);
    expect(good).toMatchObject({ index: 0, data: { label: 'pos' }, usage: { cost: 0.01 } });
    expect(bad?.error).toMatchObject({ kind: 'contract', exit_code: 10 });
    expect(bad?.usage).toMatchObject({ prompt_tokens: 20, completion_tokens: 7, cost: 0.03, cost_source: 'reported' });
    // The summary's cost counts what the failed item cost too.
    expect(result.stderr).toMatch(/2 items: 1 succeeded, 1 failed \(1 contract\) · \$0\.04/);
    expect(chats(fake)).toHaveLength(2);

    const usage = JSON.parse((await cli.run(['usage', '--json'])).stdout);
    expect(usage.total).toMatchObject({ requests: 2, prompt_tokens: 30, completion_tokens: 11 });
    expect(usage.total.cost).toBeCloseTo(0.04, 10);
    // Its reservation was settled as recorded: the daily budget counts it once, nothing stays reserved.
    const status = await cli.run(['status', '--json', '--config', config]);
    const daily = (JSON.parse(status.stdout) as { budgets: Array<Record<string, number | string>> }).budgets.find((row) => row.budget === 'daily')!;
    expect(daily.spent_usd as number).toBeCloseTo(0.04, 10);
    expect(daily.reserved_usd).toBe(0);
  }, 60_000);

  it('an item refused before any request (a bad JSON line) records nothing and has no usage', async () => {
    const { fake, cli } = await start(echo());
    const result = await cli.run(['batch', '-', '--ordered', '-m', MODEL], { stdin: '{"prompt": \nq1\n' });
    expect(result.code).toBe(12);
    const [bad, ok] = results(result.stdout);
    expect(bad?.error).toMatchObject({ kind: 'usage', exit_code: 2 });
    expect(bad?.usage).toBeUndefined();
    expect(ok?.content).toBe('answer to q1');
    expect(chats(fake)).toHaveLength(1);
    const usage = JSON.parse((await cli.run(['usage', '--json'])).stdout);
    expect(usage.total.requests).toBe(1);
  }, 60_000);
});

describe('batch -o: one writer per output file', () => {
  it('a second batch on the same -o exits 2 at once, naming the file and the holder; the server sees only the first one\'s requests', async () => {
    const { fake, cli } = await start(echo(150));
    const out = join(cli.home, 'same.ndjson');
    const first = join(cli.home, 'a.txt');
    writeFileSync(first, `${Array.from({ length: 16 }, (_, i) => `a${i}`).join('\n')}\n`);
    let firstPid: number | undefined;
    let second: Awaited<ReturnType<CliSandbox['run']>> | undefined;
    let secondRun: Promise<void> | undefined;
    const firstRun = cli.run(['batch', first, '-o', out, '--concurrency', '2', '-m', MODEL], {
      onSpawn: (child) => {
        firstPid = child.pid;
        // The second starts once the first is sending (so it holds the file).
        const timer = setInterval(() => {
          if (chats(fake).length < 1 || secondRun) return;
          clearInterval(timer);
          secondRun = cli.run(['batch', '-', '-o', out, '-m', MODEL], { stdin: 'b0\nb1\nb2\n' }).then((result) => void (second = result));
        }, 20);
        child.on('close', () => clearInterval(timer));
      },
    });
    const firstResult = await firstRun;
    await secondRun;
    expect(second?.code).toBe(2);
    expect(second?.stderr).toContain(`same.ndjson is being written by another batch (pid ${firstPid})`);
    expect(firstResult.code).toBe(0);
    expect(chats(fake).map(promptOf).filter((prompt) => !prompt.startsWith('a'))).toEqual([]);
    expect(chats(fake)).toHaveLength(16);
    expect(results(readFileSync(out, 'utf8')).map((line) => line.content).sort()).toEqual(Array.from({ length: 16 }, (_, i) => `answer to a${i}`).sort());
    // Released at the end: the next run on the file goes ahead (and has nothing left to do).
    expect(existsSync(`${out}.lock`)).toBe(false);
    const again = await cli.run(['batch', first, '-o', out, '-m', MODEL]);
    expect(again.code).toBe(0);
    expect(again.stderr).toMatch(/16 already answered/);
  }, 60_000);

  it('a lock left by a batch killed with kill -9 does not block the resume: it is taken over', async () => {
    const { fake, cli } = await start(echo(150));
    const input = join(cli.home, 'items.txt');
    const total = 20;
    writeFileSync(input, `${Array.from({ length: total }, (_, i) => `q${i}`).join('\n')}\n`);
    const out = join(cli.home, 'out.ndjson');
    let killed = false;
    const first = await cli.run(['batch', input, '-o', out, '--concurrency', '2', '-m', MODEL], {
      onSpawn: (child) => {
        const timer = setInterval(() => {
          if (linesIn(out) < 4) return;
          clearInterval(timer);
          killed = child.kill('SIGKILL');
        }, 20);
        child.on('close', () => clearInterval(timer));
      },
    });
    expect(killed).toBe(true);
    expect(first.signal).toBe('SIGKILL');
    // The dead run's lock is still there.
    expect(existsSync(`${out}.lock`)).toBe(true);
    const answeredFirst = results(readFileSync(out, 'utf8')).length;
    expect(answeredFirst).toBeLessThan(total);

    const second = await cli.run(['batch', input, '-o', out, '--concurrency', '2', '-m', MODEL]);
    expect(second.stderr).not.toMatch(/another batch/);
    expect(second.code).toBe(0);
    expect(second.stderr).toMatch(new RegExp(`${answeredFirst} already answered`));
    expect(results(readFileSync(out, 'utf8')).map((line) => line.content).sort()).toEqual(Array.from({ length: total }, (_, i) => `answer to q${i}`).sort());
    expect(existsSync(`${out}.lock`)).toBe(false);
    expect(new Set(chats(fake).map(promptOf)).size).toBe(total);
  }, 60_000);
});

describe('batch: a line that cannot be read is that item\'s error', () => {
  it('invalid UTF-8 and a 50 MB line: each its own error (usage, exit_code 2, its line number), nothing sent for them, the rest answered, exit 12, in bounded memory; resume and --shard know them by their bytes\' hash', async () => {
    const { fake, cli } = await start(echo());
    const input = join(cli.home, 'items.txt');
    const notUtf8 = Buffer.from([0x61, 0xff, 0xfe, 0x62]);
    const long = Buffer.alloc(50 * 1024 * 1024, 'y');
    writeFileSync(input, Buffer.concat([Buffer.from('q0\n'), notUtf8, Buffer.from('\nq2\n'), long, Buffer.from('\nq4\n')]));
    const out = join(cli.home, 'out.ndjson');
    const first = await cli.run(['batch', input, '-o', out, '--ordered', '-m', MODEL], { measureRss: true });
    expect(first.code).toBe(12);
    const lines = results(readFileSync(out, 'utf8'));
    expect(lines.map((line) => [line.index, line.content ?? line.error.kind, line.error?.exit_code])).toEqual([
      [0, 'answer to q0', undefined],
      [1, 'usage', 2],
      [2, 'answer to q2', undefined],
      [3, 'usage', 2],
      [4, 'answer to q4', undefined],
    ]);
    expect(lines[1]?.error.message).toMatch(/line 2 of .*items\.txt is not valid UTF-8 text/);
    expect(lines[3]?.error.message).toMatch(/line 4 of .*items\.txt is over 1 MB/);
    expect(chats(fake).map(promptOf)).toEqual(['q0', 'q2', 'q4']);
    expect(first.stderr).toMatch(/5 items: 3 succeeded, 2 failed \(2 usage\)/);
    // The 50 MB line was never held whole (nor decoded).
    expect(first.peakRssMb).toBeDefined();
    expect(first.peakRssMb!).toBeLessThan(150);
    // Their key is the hash of their bytes, as for any line.
    const hashOf = (bytes: Buffer) => createHash('sha256').update(bytes).digest('hex').slice(0, 16);
    expect([lines[1]?.hash, lines[3]?.hash]).toEqual([hashOf(notUtf8), hashOf(long)]);

    // Resumed: the answered items are skipped, the two bad lines fail again (nothing sent), one line per item.
    const again = await cli.run(['batch', input, '-o', out, '--ordered', '-m', MODEL]);
    expect(again.code).toBe(12);
    expect(again.stderr).toMatch(/2 items: 0 succeeded, 2 failed \(2 usage\), 3 already answered/);
    expect(chats(fake)).toHaveLength(3);
    const resumed = results(readFileSync(out, 'utf8'));
    expect(resumed.map((line) => [line.index, line.hash]).sort()).toEqual(lines.map((line) => [line.index, line.hash]).sort());

    // Shards: every item, the bad ones too, in exactly one shard.
    const shards: number[][] = [];
    for (const i of [1, 2, 3]) {
      const part = join(cli.home, `part${i}.ndjson`);
      const run = await cli.run(['batch', input, '--shard', `${i}/3`, '-o', part, '-m', MODEL]);
      expect([0, 12]).toContain(run.code);
      shards.push(results(readFileSync(part, 'utf8')).map((line) => line.index as number));
    }
    expect(shards.flat().sort()).toEqual([0, 1, 2, 3, 4]);
  }, 120_000);

  it('JSON Lines: an invalid UTF-8 line arriving mid-way on stdin is its item\'s error; the lines after it are still sent', async () => {
    const { fake, cli } = await start(echo());
    const stdin = (async function* () {
      yield Buffer.from('{"id":"a","prompt":"q0"}\n');
      while (chats(fake).length < 1) await new Promise((resolve) => setTimeout(resolve, 20));
      yield Buffer.from([0x7b, 0xc3, 0x28, 0x7d, 0x0a]);
      yield Buffer.from('{"id":"c","prompt":"q2"}\n');
    })();
    const result = await cli.run(['batch', '-', '--input-format', 'jsonl', '--ordered', '-m', MODEL], { stdin });
    expect(result.code).toBe(12);
    const lines = results(result.stdout);
    expect(lines.map((line) => [line.id, line.content ?? line.error.message])).toEqual([
      ['a', 'answer to q0'],
      [null, expect.stringMatching(/^line 2 of standard input is not valid UTF-8 text$/)],
      ['c', 'answer to q2'],
    ]);
    expect(chats(fake).map(promptOf)).toEqual(['q0', 'q2']);
  }, 60_000);
});

describe('batch: CSV records that cannot be read', () => {
  it('a record with more fields than the header is its item\'s error, in its place; an unclosed quote still stops the batch, saying so', async () => {
    const { fake, cli } = await start(echo());
    const input = join(cli.home, 'rows.csv');
    writeFileSync(input, 'id,prompt\nr1,first\nr2,second,extra\nr3,"third, quoted"\n');
    const result = await cli.run(['batch', input, '--ordered', '-m', MODEL]);
    expect(result.code).toBe(12);
    const lines = results(result.stdout);
    expect(lines.map((line) => [line.index, line.id, line.content ?? line.error.kind])).toEqual([
      [0, 'r1', 'answer to first'],
      [1, null, 'usage'],
      [2, 'r3', 'answer to third, quoted'],
    ]);
    expect(lines[1]?.error).toMatchObject({ exit_code: 2, message: expect.stringMatching(/^line 3 of .*rows\.csv is not a valid CSV record: /) });
    expect(chats(fake).map(promptOf).sort()).toEqual(['first', 'third, quoted']);
    // The same record is the same item to a later run and to every shard.
    const again = await cli.run(['batch', input, '--ordered', '-m', MODEL]);
    expect(results(again.stdout)[1]?.hash).toBe(lines[1]?.hash);

    // After an unclosed quote csv-parse cannot tell where the next record starts: exit 2, named.
    writeFileSync(input, 'id,prompt\nr1,"never closed\nr2,second\n');
    const stopped = await cli.run(['batch', input, '-m', MODEL]);
    expect(stopped.code).toBe(2);
    expect(stopped.stderr).toMatch(/rows\.csv is not valid CSV: Quote Not Closed/);
  }, 60_000);
});
