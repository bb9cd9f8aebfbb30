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
