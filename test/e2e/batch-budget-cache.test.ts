// `batch` with budgets, the response cache and exact cost, from the built binary against the
// fake server: --max-cost stops a batch mid-way (nothing sent past the limit, exit 11); a daily
// budget shared by two batches started together is never overspent; a cached re-run sends
// nothing, records nothing and reserves nothing (so --max-cost 0 passes); an item whose usage
// lacks a cost has it looked up. (CSV/TSV with a template is in batch.test.ts.)
//
// Prices are the fake catalogue's: openai/gpt-4 costs $0.00003 a prompt token and $0.00006 a
// completion token, so with --max-tokens 1000 an item's worst case is about $0.0601 (1,000
// completion tokens and a few prompt ones). Each answer here costs $0.05.
import { readFileSync, writeFileSync } from 'node:fs';
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

const COST = 0.05;
const PRICED = 'openai/gpt-4';
/** $0.31 holds five worst cases ($0.0601 each) but not six; and five answers ($0.25) and a sixth worst case ($0.31+) do not fit either. */
const LIMIT = 0.31;
const FIT = 5;

/** A fake server whose answer echoes the prompt, costs `cost` (reported unless `omitCost`), after `delayMs`. */
async function start(options: { cost?: number; omitCost?: boolean; delayMs?: number } = {}) {
  const fake = await startFakeOpenRouter({
    replyFor: (prompt): Step => {
      const reply = {
        kind: 'reply' as const,
        content: [`answer to ${prompt}`],
        usage: { ...defaultUsage(5, 3), cost: options.cost ?? COST },
        ...(options.omitCost ? { omitCost: true } : {}),
      };
      return options.delayMs ? { kind: 'delay', ms: options.delayMs, then: reply } : reply;
    },
  });
  servers.push(fake);
  const cli = cliSandbox(fake.url);
  sandboxes.push(cli);
  return { fake, cli };
}

const prompts = (n: number, prefix = 'q') => `${Array.from({ length: n }, (_, i) => `${prefix}${i}`).join('\n')}\n`;
const usageFile = (cli: CliSandbox) => {
  try {
    return readFileSync(join(cli.env.DEVSYNTH_HOME!, 'usage.json'), 'utf8');
  } catch {
    return '';
  }
};

describe('batch --max-cost', () => {
  it('stops the batch mid-way at --concurrency 1: exit 11, nothing sent past the limit, the refused item says spend_limit', async () => {
    const { fake, cli } = await start();
    const result = await cli.run(['batch', '-', '--concurrency', '1', '-m', PRICED, '--max-tokens', '1000', '--max-cost', String(LIMIT)], { stdin: prompts(20) });
    expect(result.code).toBe(11);
    // Five worst cases fit, and so do five answers and nothing more: exactly five were sent, in order.
    expect(chats(fake).map(promptOf)).toEqual(['q0', 'q1', 'q2', 'q3', 'q4']);
    const lines = results(result.stdout);
    const answered = lines.filter((line) => !line.error);
    // Every item sent has its answer line.
    expect(answered.map((line) => [line.index, line.content])).toEqual(chats(fake).map((r, i) => [i, `answer to ${promptOf(r)}`]));
    expect(answered.reduce((sum, line) => sum + line.usage.cost, 0)).toBeLessThanOrEqual(LIMIT);
    // The item refused has its line; none after it.
    const refused = lines.filter((line) => line.error);
    expect(refused).toEqual([expect.objectContaining({ index: FIT, error: expect.objectContaining({ kind: 'spend_limit', exit_code: 11 }) })]);
    expect(lines).toHaveLength(FIT + 1);
    expect(result.stderr).toContain(`--max-cost $${LIMIT.toFixed(2)}`);
    expect(result.stderr).toMatch(/nothing was sent/);
  }, 120_000);

  it('at --concurrency 4 the reported costs never add up past the limit', async () => {
    const { fake, cli } = await start({ delayMs: 150 });
    const result = await cli.run(['batch', '-', '--concurrency', '4', '-m', PRICED, '--max-tokens', '1000', '--max-cost', String(LIMIT)], { stdin: prompts(20) });
    expect(result.code).toBe(11);
    const lines = results(result.stdout);
    const answered = lines.filter((line) => !line.error);
    expect(answered.length).toBeGreaterThanOrEqual(1);
    const spent = answered.reduce((sum, line) => sum + line.usage.cost, 0);
    expect(spent).toBeLessThanOrEqual(LIMIT);
    // The server charged for every request it saw, answered or not: those too stay within it.
    expect(chats(fake).length * COST).toBeLessThanOrEqual(LIMIT);
    expect(chats(fake).length).toBeLessThanOrEqual(FIT);
    // Each request sent has its answer line.
    expect(answered.map((line) => line.content).sort()).toEqual(chats(fake).map((r) => `answer to ${promptOf(r)}`).sort());
    expect(lines.filter((line) => line.error).every((line) => line.error.kind === 'spend_limit')).toBe(true);
  }, 120_000);
});

describe('batch and the daily budget', () => {
  it('two batches started together on one DEVSYNTH_HOME never record more than the daily limit; at least one exits 11', async () => {
    const { fake, cli } = await start({ delayMs: 100 });
    const config = join(cli.home, 'budget.yml');
    writeFileSync(config, `budget:\n  daily: ${LIMIT}\n`);
    const args = ['batch', '-', '--config', config, '--concurrency', '2', '-m', PRICED, '--max-tokens', '1000'];
    const [a, b] = await Promise.all([cli.run(args, { stdin: prompts(10, 'a') }), cli.run(args, { stdin: prompts(10, 'b') })]);
    const codes = [a.code, b.code];
    expect(codes.every((code) => code === 0 || code === 11)).toBe(true);
    expect(codes).toContain(11);
    for (const refused of [a, b].filter((r) => r.code === 11)) expect(refused.stderr).toContain(`the daily budget of $${LIMIT.toFixed(2)}`);

    const usage = await cli.run(['usage', '--json']);
    expect(usage.code).toBe(0);
    const total = JSON.parse(usage.stdout).total as { requests: number; cost: number };
    expect(total.cost).toBeLessThanOrEqual(LIMIT);
    expect(total.requests).toBe(chats(fake).length);
    expect(total.cost).toBeCloseTo(chats(fake).length * COST, 10);
    expect(chats(fake).length).toBeGreaterThanOrEqual(1);
    // What each batch answered is what the server saw: nothing sent goes unwritten.
    const answered = [...results(a.stdout), ...results(b.stdout)].filter((line) => !line.error);
    expect(answered).toHaveLength(chats(fake).length);
    const status = await cli.run(['status', '--json', '--config', config]);
    const daily = (JSON.parse(status.stdout) as { budgets: Array<Record<string, number | string>> }).budgets.find((row) => row.budget === 'daily')!;
    expect(daily.spent_usd as number).toBeLessThanOrEqual(LIMIT);
    expect(daily.reserved_usd).toBe(0);
  }, 120_000);
});

describe('batch --cache', () => {
  it('an identical re-run sends nothing, every line cached with the same content, usage untouched; --max-cost 0 passes; a changed -t sends again', async () => {
    const { fake, cli } = await start({ cost: 0.0004 });
    const run = (...extra: string[]) => cli.run(['batch', '-', '--cache', '--ordered', '--concurrency', '2', '-m', 'openai/gpt-4o-mini', '-t', '0.2', ...extra], { stdin: prompts(6) });
    const first = await run();
    expect(first.code).toBe(0);
    expect(chats(fake)).toHaveLength(6);
    const live = results(first.stdout);
    expect(live.every((line) => line.cached === undefined)).toBe(true);
    const usageBefore = usageFile(cli);
    expect(usageBefore).not.toBe('');

    const second = await run();
    expect(second.code).toBe(0);
    expect(chats(fake)).toHaveLength(6);
    const again = results(second.stdout);
    expect(again.map((line) => line.cached)).toEqual(Array(6).fill(true));
    expect(again.map((line) => [line.index, line.content])).toEqual(live.map((line) => [line.index, line.content]));
    expect(usageFile(cli)).toBe(usageBefore);

    // A hit reserves nothing: a limit of $0 does not stop a batch answered wholly from the cache.
    const free = await run('--max-cost', '0');
    expect(free.stderr).not.toMatch(/--max-cost/);
    expect(free.code).toBe(0);
    expect(results(free.stdout).map((line) => line.cached)).toEqual(Array(6).fill(true));
    expect(chats(fake)).toHaveLength(6);
    expect(usageFile(cli)).toBe(usageBefore);

    // Another temperature is another request: all six are asked again.
    const changed = await cli.run(['batch', '-', '--cache', '--concurrency', '2', '-m', 'openai/gpt-4o-mini', '-t', '0.3'], { stdin: prompts(6) });
    expect(changed.code).toBe(0);
    expect(chats(fake)).toHaveLength(12);
    expect(results(changed.stdout).every((line) => line.cached === undefined)).toBe(true);
  }, 120_000);
});

describe('batch and exact cost', () => {
  it('an item whose usage lacks a cost has it looked up by its generation id: cost_source "looked_up"', async () => {
    const { fake, cli } = await start({ cost: 0.0123, omitCost: true });
    const result = await cli.run(['batch', '-', '--ordered', '--concurrency', '2', '-m', 'openai/gpt-4o-mini'], { stdin: prompts(3) });
    expect(result.code).toBe(0);
    const lines = results(result.stdout);
    expect(lines).toHaveLength(3);
    for (const line of lines) expect(line.usage).toMatchObject({ cost: 0.0123, cost_source: 'looked_up' });
    expect(fake.requests.filter((r) => r.path === '/generation')).toHaveLength(3);
    const usage = JSON.parse((await cli.run(['usage', '--json'])).stdout);
    expect(usage.total.cost_by_source.looked_up).toBeCloseTo(3 * 0.0123, 10);
  }, 60_000);
});
