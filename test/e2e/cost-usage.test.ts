// Exact cost from the built binary: a chat whose usage lacks a cost gets it from GET
// /generation (looked up), or from catalogue prices when the look-up gives up (estimated);
// the source shows in --json, the --usage line and the records; `usage` reports the records
// by model, day and provider, from --since on, names from the file made terminal-safe.
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from '@jest/globals';
import { type FakeOptions, type FakeOpenRouter, startFakeOpenRouter } from '../helpers/fake-openrouter.js';
import { type CliSandbox, cliSandbox } from '../helpers/run-cli.js';

let fake: FakeOpenRouter | undefined;
let cli: CliSandbox | undefined;
afterEach(async () => {
  await fake?.close();
  cli?.dispose();
  fake = undefined;
  cli = undefined;
});

async function start(options: FakeOptions = {}): Promise<{ fake: FakeOpenRouter; cli: CliSandbox }> {
  fake = await startFakeOpenRouter(options);
  cli = cliSandbox(fake.url);
  return { fake, cli };
}

const USAGE = { prompt_tokens: 1000, completion_tokens: 200, total_tokens: 1200 };
const lookUps = (server: FakeOpenRouter) => server.requests.filter((request) => request.path === '/generation');
const today = () => new Date().toISOString().slice(0, 10);

describe('the cost of a chat and its source', () => {
  it('a usage without cost: looked up by the generation id, in --json and the records', async () => {
    const { fake, cli } = await start();
    fake.script({ kind: 'reply', omitCost: true, usage: { ...USAGE, cost: 0.0123 } });
    const chat = await cli.run(['chat', '--json', '-m', 'openai/gpt-4o-mini', 'hi']);
    expect(chat.code).toBe(0);
    const json = JSON.parse(chat.stdout);
    expect(json.usage).toMatchObject({ ...USAGE, cost: 0.0123, cost_source: 'looked_up' });
    expect(lookUps(fake).map((request) => request.query.get('id'))).toEqual([json.id]);
    const usage = JSON.parse((await cli.run(['usage', '--json', '--by', 'model'])).stdout);
    expect(usage.rows).toEqual([expect.objectContaining({ key: 'openai/gpt-4o-mini', requests: 1, cost: 0.0123, cost_by_source: { reported: 0, looked_up: 0.0123, estimated: 0 } })]);
  }, 30_000);

  it('a reported cost is marked so, and nothing is looked up', async () => {
    const { fake, cli } = await start();
    fake.script({ kind: 'reply', usage: { ...USAGE, cost: 0.002 } });
    const chat = await cli.run(['chat', '--json', '--usage', '-m', 'openai/gpt-4o-mini', 'hi']);
    expect(JSON.parse(chat.stdout).usage).toMatchObject({ cost: 0.002, cost_source: 'reported' });
    expect(lookUps(fake)).toEqual([]);
  }, 30_000);

  it('stats not ready at first (404): asked again, then looked up; the --usage line says so', async () => {
    const { fake, cli } = await start({ generationNotReady: 2 });
    fake.script({ kind: 'reply', omitCost: true, usage: { ...USAGE, cost: 0.0045 } });
    const chat = await cli.run(['chat', '--usage', '-m', 'openai/gpt-4o-mini', 'hi']);
    expect(chat.code).toBe(0);
    expect(chat.stderr).toContain('$0.0045 (looked up)');
    expect(lookUps(fake)).toHaveLength(3);
  }, 30_000);

  it('the look-up gives up: estimated from the catalogue prices, marked as such', async () => {
    const { fake, cli } = await start({ generationNotReady: 1000 });
    fake.script({ kind: 'reply', omitCost: true, usage: USAGE }, { kind: 'reply', omitCost: true, usage: USAGE });
    const chat = await cli.run(['chat', '--json', '-m', 'openai/gpt-4o-mini', 'hi']);
    expect(chat.code).toBe(0);
    // openai/gpt-4o-mini: $0.00000015 a prompt token, $0.0000006 a completion token.
    const cost = 1000 * 0.00000015 + 200 * 0.0000006;
    const json = JSON.parse(chat.stdout);
    expect(json.usage.cost_source).toBe('estimated');
    expect(json.usage.cost).toBeCloseTo(cost, 12);
    const line = await cli.run(['chat', '--usage', '-m', 'openai/gpt-4o-mini', 'hi']);
    expect(line.stderr).toContain('~$0.00027 (estimated)');
    const usage = JSON.parse((await cli.run(['usage', '--json'])).stdout);
    expect(usage.total.cost_by_source.estimated).toBeCloseTo(2 * cost, 12);
  }, 60_000);
});

describe('devsynth-or usage', () => {
  it('--by model after a few chats: requests, tokens, cost per model and the total', async () => {
    const { fake, cli } = await start();
    fake.script(
      { kind: 'reply', usage: { ...USAGE, cost: 0.01 } },
      { kind: 'reply', model: 'anthropic/claude-haiku-4.5', usage: { ...USAGE, cost: 0.03 } },
      { kind: 'reply', usage: { ...USAGE, cost: 0.01 }, omitCost: true },
    );
    for (const model of ['openai/gpt-4o-mini', 'anthropic/claude-haiku-4.5', 'openai/gpt-4o-mini']) {
      expect((await cli.run(['chat', '-m', model, 'hi'])).code).toBe(0);
    }
    const result = await cli.run(['usage', '--by', 'model', '--json']);
    expect(result.code).toBe(0);
    const report = JSON.parse(result.stdout);
    expect(report).toMatchObject({ by: 'model', total: { requests: 3, prompt_tokens: 3000, completion_tokens: 600, cost: 0.05 } });
    expect(report.rows.map((row: { key: string; requests: number; cost: number }) => [row.key, row.requests, row.cost])).toEqual([
      ['anthropic/claude-haiku-4.5', 1, 0.03],
      ['openai/gpt-4o-mini', 2, 0.02],
    ]);
    expect(report.total.cost_by_source).toEqual({ reported: 0.04, looked_up: 0.01, estimated: 0 });
    // In a pipe: tab-separated lines, the total last.
    const plain = await cli.run(['usage', '--by', 'model']);
    expect(plain.stdout.trim().split('\n').map((line) => line.split('\t').slice(0, 2))).toEqual([
      ['anthropic/claude-haiku-4.5', '1'],
      ['openai/gpt-4o-mini', '2'],
      ['total', '3'],
    ]);
  }, 60_000);

  it('--since bounds the days counted: a duration back from now, or a date; anything else is exit 2', async () => {
    const { cli } = await start();
    const day = (daysAgo: number) => new Date(Date.now() - daysAgo * 86_400_000).toISOString().slice(0, 10);
    const counts = (cost: number) => ({ requests: 1, prompt_tokens: 10, completion_tokens: 5, cost });
    mkdirSync(cli.env.DEVSYNTH_HOME!, { recursive: true });
    writeFileSync(
      join(cli.env.DEVSYNTH_HOME!, 'usage.json'),
      JSON.stringify({ days: { [day(40)]: { 'm/old': counts(4) }, [day(10)]: { 'm/mid': counts(2) }, [day(1)]: { 'm/new': counts(1) } } }),
    );
    const keys = async (...args: string[]) => JSON.parse((await cli.run(['usage', '--json', ...args])).stdout).rows.map((row: { key: string }) => row.key);
    expect(await keys()).toEqual([day(10), day(1)]);
    expect(await keys('--since', '7d')).toEqual([day(1)]);
    expect(await keys('--since', '90d')).toEqual([day(40), day(10), day(1)]);
    expect(await keys('--since', day(10), '--by', 'model')).toEqual(['m/mid', 'm/new']);
    expect((await cli.run(['usage', '--json', '--since', today()])).stdout).toContain('"rows":[]');
    const bad = await cli.run(['usage', '--since', 'last week']);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('--since takes a duration such as 7d or a date YYYY-MM-DD');
    expect((await cli.run(['usage', '--by', 'week'])).code).toBe(2);
  }, 60_000);

  it('--by provider; names from the file reach the terminal made safe', async () => {
    const { cli } = await start();
    mkdirSync(cli.env.DEVSYNTH_HOME!, { recursive: true });
    const counts = { requests: 2, prompt_tokens: 10, completion_tokens: 5, cost: 1 };
    writeFileSync(
      join(cli.env.DEVSYNTH_HOME!, 'usage.json'),
      JSON.stringify({ days: { [today()]: { 'evil/\u001b]0;pwned\u0007model': { ...counts, by_provider: { '\u001b[2JWipe': { ...counts, requests: 1 } } } } } }),
    );
    for (const by of ['model', 'provider']) {
      const result = await cli.run(['usage', '--by', by]);
      expect(result.code).toBe(0);
      expect(result.stdout).not.toMatch(/[\u001b\u0007]/);
    }
    const json = await cli.run(['usage', '--by', 'provider', '--json']);
    expect(json.stdout).not.toMatch(/[\u001b\u0007]/);
    expect(JSON.parse(json.stdout).rows.map((row: { key: string; requests: number }) => [row.key, row.requests]).sort()).toEqual([
      ['(unknown)', 1],
      ['\u001b[2JWipe', 1],
    ].sort());
  }, 30_000);
});

it('the usage file keeps the split by source', async () => {
  const { fake, cli } = await start();
  fake.script({ kind: 'reply', omitCost: true, usage: { ...USAGE, cost: 0.5 } });
  await cli.run(['chat', '-m', 'openai/gpt-4o-mini', 'hi']);
  const file = JSON.parse(readFileSync(join(cli.env.DEVSYNTH_HOME!, 'usage.json'), 'utf8'));
  expect(file.days[today()]['openai/gpt-4o-mini']).toMatchObject({ cost: 0.5, cost_by_source: { looked_up: 0.5 } });
}, 30_000);
