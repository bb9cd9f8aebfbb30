// `batch` when things go wrong around the items, from the built binary against the fake server:
// an item paid for but failed afterwards (--schema) records its usage and says what it cost;
// one writer per output file (a second batch on the same -o is refused before any request, a
// lock left by kill -9 is taken over); a line that is not valid UTF-8 or is over the cap is
// that item's error, not the batch's, without the line ever held whole in memory.
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from '@jest/globals';
import { defaultUsage, type FakeOpenRouter, type RecordedRequest, type Step, startFakeOpenRouter } from '../helpers/fake-openrouter.js';
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

const chats = (fake: FakeOpenRouter) => fake.requests.filter((r) => r.method === 'POST' && r.path === '/chat/completions');
const promptOf = (request: RecordedRequest) => {
  const messages = request.body?.messages as Array<{ role: string; content: unknown }>;
  return messages.filter((m) => m.role === 'user').at(-1)?.content as string;
};
const results = (text: string) =>
  text
    .trim()
    .split('\n')
    .filter(Boolean)
    .map((line) => JSON.parse(line) as Record<string, any>);
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
