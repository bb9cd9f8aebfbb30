// Spend limits from the built binary against the fake server: --max-cost on chat and embed,
// the config's daily budget shared by runs started together, and `status` showing budgets.
// Prices are the fake catalogue's: openai/gpt-4 costs $0.00003 a prompt token and $0.00006 a
// completion token, so 1,000 max tokens are a worst case of about $0.06.
import { readFileSync, writeFileSync } from 'node:fs';
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

const chatRequests = () => fake.requests.filter((r) => r.method === 'POST' && r.path === '/chat/completions').length;
const embedRequests = () => fake.requests.filter((r) => r.method === 'POST' && r.path === '/embeddings').length;

function budgetConfig(lines: string): string {
  const path = join(cli.home, 'budget.yml');
  writeFileSync(path, `budget:\n${lines}`);
  return path;
}

describe('chat --max-cost', () => {
  it('refuses a request whose worst case is over the limit: exit 11, nothing sent, the limit named; --json prints the error object', async () => {
    const result = await cli.run(['chat', '-m', 'openai/gpt-4', '--max-tokens', '1000', '--max-cost', '0.05', 'hi']);
    expect(result.code).toBe(11);
    expect(result.stderr).toContain('more than is left of --max-cost $0.05 ($0.00 spent in this run); nothing was sent, the limit is for this run');
    expect(result.stderr).toMatch(/could cost up to \$0\.06\d*/);
    expect(chatRequests()).toBe(0);

    const json = await cli.run(['chat', '--json', '-m', 'openai/gpt-4', '--max-tokens', '1000', '--max-cost', '0.05', 'hi']);
    expect(json.code).toBe(11);
    expect(JSON.parse(json.stdout)).toMatchObject({ error: { kind: 'spend_limit', exit_code: 11, limit: 'max_cost', limit_usd: 0.05, spent_usd: 0 } });
    expect(chatRequests()).toBe(0);
  });

  it('sends a request that fits, and answers as usual', async () => {
    fake.script({ kind: 'reply', content: ['fine'] });
    const result = await cli.run(['chat', '-m', 'openai/gpt-4', '--max-tokens', '1000', '--max-cost', '0.07', 'hi']);
    expect(result.code).toBe(0);
    expect(result.stdout).toContain('fine');
    expect(chatRequests()).toBe(1);
  });

  it('a router with variable prices is priced at the catalogue\'s highest; a :free model passes --max-cost 0', async () => {
    // openrouter/auto could reach openai/gpt-4: 1,000 tokens at $0.00006 are over $0.05.
    const auto = await cli.run(['chat', '-m', 'openrouter/auto', '--max-tokens', '1000', '--max-cost', '0.05', 'hi']);
    expect(auto.code).toBe(11);
    expect(chatRequests()).toBe(0);
    fake.script({ kind: 'reply', content: ['free'] });
    const free = await cli.run(['chat', '-m', 'meta-llama/llama-3.3-70b-instruct:free', '--max-cost', '0', 'hi']);
    expect(free.code).toBe(0);
    expect(chatRequests()).toBe(1);
  });
});

describe('embed --max-cost', () => {
  it('refuses a batch over the limit before sending it, and sends one within it', async () => {
    const refused = await cli.run(['embed', '-m', 'openai/text-embedding-3-large', '--max-cost', '0', 'hello', 'world']);
    expect(refused.code).toBe(11);
    expect(refused.stderr).toContain('--max-cost $0.00');
    expect(embedRequests()).toBe(0);
    const sent = await cli.run(['embed', '-m', 'openai/text-embedding-3-large', '--max-cost', '0.01', 'hello', 'world']);
    expect(sent.code).toBe(0);
    expect(sent.stdout.trim().split('\n')).toHaveLength(2);
    expect(embedRequests()).toBe(1);
  });
});

describe('the daily budget across processes', () => {
  it('runs started together never spend past it: those that do not fit exit 11 with nothing sent', async () => {
    const runs = 6;
    // Each answer costs $0.05 and could have cost about $0.06: $0.20 a day fits three at most.
    for (let i = 0; i < runs; i++) {
      fake.script({ kind: 'reply', content: ['ok'], chunkDelayMs: 100, usage: { prompt_tokens: 5, completion_tokens: 1, total_tokens: 6, cost: 0.05 } });
    }
    const config = budgetConfig('  daily: 0.2\n');
    const results = await Promise.all(
      Array.from({ length: runs }, () => cli.run(['chat', '--config', config, '-m', 'openai/gpt-4', '--max-tokens', '1000', 'hi'])),
    );
    const codes = results.map((r) => r.code);
    const answered = codes.filter((code) => code === 0).length;
    expect(codes.every((code) => code === 0 || code === 11)).toBe(true);
    expect(answered).toBeGreaterThanOrEqual(1);
    expect(answered).toBeLessThanOrEqual(3);
    // The refused ones sent nothing: the server saw exactly the answered ones.
    expect(chatRequests()).toBe(answered);
    for (const refused of results.filter((r) => r.code === 11)) {
      expect(refused.stderr).toContain('the daily budget of $0.20');
      expect(refused.stderr).toContain('it resets at');
    }
    const status = await cli.run(['status', '--json', '--config', config]);
    expect(status.code).toBe(0);
    const daily = (JSON.parse(status.stdout) as { budgets: Array<Record<string, number | string>> }).budgets[0]!;
    expect(daily).toMatchObject({ budget: 'daily', limit_usd: 0.2, reserved_usd: 0 });
    expect(daily.spent_usd).toBeCloseTo(0.05 * answered);
    expect(daily.spent_usd as number).toBeLessThanOrEqual(0.2);
  }, 60_000);
});

describe('a run killed mid-request', () => {
  it('leaves a reservation that the next run drops (its process is gone) instead of waiting an hour', async () => {
    const config = budgetConfig('  daily: 0.1\n');
    fake.script({ kind: 'stall', afterChunks: 1 });
    const killed = await cli.run(['chat', '--config', config, '-m', 'openai/gpt-4', '--max-tokens', '1000', 'hi'], {
      onStdout: (text, child) => {
        if (text.includes('part0')) child.kill('SIGKILL');
      },
      killAfterMs: 30_000,
    });
    expect(killed.signal).toBe('SIGKILL');
    const ledger = JSON.parse(readFileSync(join(cli.home, 'state', 'budget.json'), 'utf8')) as { reservations: unknown[] };
    expect(ledger.reservations).toHaveLength(1);
    // $0.06 reserved by the dead run and $0.06 for this one would pass $0.10: it fits only once the dead one is dropped.
    fake.script({ kind: 'reply', content: ['ok'] });
    const next = await cli.run(['chat', '--config', config, '-m', 'openai/gpt-4', '--max-tokens', '1000', 'hi']);
    expect(next.stderr).toBe('');
    expect(next.code).toBe(0);
  }, 60_000);
});

describe('status', () => {
  it('shows each budget: limit, spent, left, reset; and none when none is set', async () => {
    expect((await cli.run(['status'])).stdout).toContain('budgets:    none');
    fake.script({ kind: 'reply', content: ['ok'], usage: { prompt_tokens: 5, completion_tokens: 1, total_tokens: 6, cost: 1.25 } });
    const config = budgetConfig('  per_run: 0.5\n  daily: 5\n  monthly: 100\n');
    expect((await cli.run(['chat', '--config', config, '-m', 'openai/gpt-4o-mini', 'hi'])).code).toBe(0);
    const status = await cli.run(['status', '--config', config]);
    expect(status.code).toBe(0);
    const tomorrow = new Date(Date.UTC(new Date().getUTCFullYear(), new Date().getUTCMonth(), new Date().getUTCDate() + 1)).toISOString().slice(0, 16).replace('T', ' ');
    expect(status.stdout).toContain(`budgets:    per run $0.50; daily $5.00: $1.25 spent, $3.75 left, resets ${tomorrow} UTC; monthly $100.00: $1.25 spent, $98.75 left, resets `);
    const json = JSON.parse((await cli.run(['status', '--json', '--config', config])).stdout) as { budgets: unknown[] };
    expect(json.budgets).toEqual([
      { budget: 'per_run', limit_usd: 0.5 },
      { budget: 'daily', limit_usd: 5, spent_usd: 1.25, reserved_usd: 0, left_usd: 3.75, resets_at: expect.stringMatching(/T00:00:00\.000Z$/) },
      { budget: 'monthly', limit_usd: 100, spent_usd: 1.25, reserved_usd: 0, left_usd: 98.75, resets_at: expect.stringMatching(/-01T00:00:00\.000Z$/) },
    ]);
  });
});
