// Spend limits on a chat that uses tools, from the built binary: every model call of the tool
// loop is reserved before it is sent, not only the first. The fake OpenRouter asks for a tool
// call, the test MCP server (test/fixtures/mcp/test-server.mjs) runs it, and the loop asks
// again. Prices are the fake catalogue's: openai/gpt-4 costs $0.00003 a prompt token and
// $0.00006 a completion token, so with --max-tokens 1000 each call's worst case is $0.07 or so
// ($0.06 for the answer at its longest, the rest for the prompt and the tools offered).
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it, jest } from '@jest/globals';
import { errorBodies, type FakeOpenRouter, startFakeOpenRouter } from '../helpers/fake-openrouter.js';
import { type CliSandbox, cliSandbox } from '../helpers/run-cli.js';

// Each test starts a real MCP server process (and the CLI): generous on a loaded machine.
jest.setTimeout(60_000);

const SERVER = new URL('../fixtures/mcp/test-server.mjs', import.meta.url).pathname;
const MCP = `${JSON.stringify(process.execPath)} ${JSON.stringify(SERVER)}`;

let fake: FakeOpenRouter;
let cli: CliSandbox;
beforeEach(async () => {
  fake = await startFakeOpenRouter();
  cli = cliSandbox(fake.url);
});
afterEach(async () => {
  await fake.close();
  cli.dispose();
  expect(fake.violations).toEqual([]);
});

const chatRequests = () => fake.requests.filter((r) => r.method === 'POST' && r.path === '/chat/completions').length;
const usage = (cost: number) => ({ prompt_tokens: 300, completion_tokens: 20, total_tokens: 320, cost });
const chatArgs = (maxCost: string, ...more: string[]) => ['chat', '-m', 'openai/gpt-4', '--max-tokens', '1000', '--mcp', MCP, '--allow-tool', 'add', '--max-cost', maxCost, ...more, 'What is 2 + 40?'];

/** The usage records, by model, as `usage --json` reports them. */
async function usageRows(): Promise<Array<{ key: string; requests: number; cost: number }>> {
  const result = await cli.run(['usage', '--json', '--by', 'model']);
  expect(result.code).toBe(0);
  return (JSON.parse(result.stdout) as { rows: Array<{ key: string; requests: number; cost: number }> }).rows;
}

describe('chat --max-cost with tools', () => {
  it('a limit that covers the first model call but not the second: exit 11 before the second is sent, the limit named, the first call counted', async () => {
    // Call 1 fits ($0.07 or so of $0.10) and costs $0.05; call 2 could cost $0.07 more: refused.
    fake.script(
      { kind: 'tool-calls', content: ['Let me add.'], calls: [{ id: 'call_1', name: 'add', arguments: { a: 2, b: 40 } }], usage: usage(0.05) },
      { kind: 'reply', content: ['The sum is 42.'], usage: usage(0.01) },
    );
    const result = await cli.run(chatArgs('0.10'));
    expect(result.code).toBe(11);
    expect(chatRequests()).toBe(1);
    // The tool ran, and its result was shown, before the second call was refused.
    expect(result.stderr).toContain('devsynth-or: ↳ 42\n');
    expect(result.stderr).toMatch(/model call 2 of this chat, with the tool results so far \(openai\/gpt-4, up to 1000 tokens\) could cost up to \$0\.0[67]\d*, more than is left of --max-cost \$0\.10 \(\$0\.05 spent in this run\); nothing was sent/);
    expect(result.stderr).toContain('hint: raise --max-cost');
    // The answer so far is printed once and kept with the turn, as a cut-short answer is.
    expect(result.stdout).toBe('Let me add.\n');
    const sessions = readdirSync(join(cli.env.DEVSYNTH_HOME!, 'sessions'));
    expect(sessions).toHaveLength(1);
    expect(readFileSync(join(cli.env.DEVSYNTH_HOME!, 'sessions', sessions[0]!), 'utf8')).toContain('Let me add.');
    // The call that was answered is in the usage records: its $0.05 was spent.
    expect(await usageRows()).toEqual([expect.objectContaining({ key: 'openai/gpt-4', requests: 1, cost: 0.05 })]);

  });

  it('--json: the error object names the limit and what was spent; the answer so far goes with it', async () => {
    fake.script(
      { kind: 'tool-calls', content: ['Let me add.'], calls: [{ id: 'call_1', name: 'add', arguments: { a: 2, b: 40 } }], usage: usage(0.05) },
      { kind: 'reply', content: ['The sum is 42.'], usage: usage(0.01) },
    );
    const json = await cli.run(chatArgs('0.10', '--json'));
    expect(json.code).toBe(11);
    expect(chatRequests()).toBe(1);
    expect(JSON.parse(json.stdout)).toMatchObject({ error: { kind: 'spend_limit', exit_code: 11, limit: 'max_cost', limit_usd: 0.1, spent_usd: 0.05 }, partial_content: 'Let me add.' });
  });

  it('the next call\'s worst case counts its prompt grown by the tool results', async () => {
    // Call 1 costs almost nothing, but a 12,000-character tool call and its result (about
    // 6,000 prompt tokens, $0.18) make call 2's worst case pass $0.20.
    const text = 'x'.repeat(12_000);
    fake.script(
      { kind: 'tool-calls', calls: [{ id: 'call_1', name: 'shout', arguments: { text } }], usage: usage(0.001) },
      { kind: 'reply', content: ['Done.'], usage: usage(0.001) },
    );
    const result = await cli.run(['chat', '-m', 'openai/gpt-4', '--max-tokens', '100', '--mcp', MCP, '--allow-tool', 'shout', '--max-cost', '0.2', 'Shout it']);
    expect(result.code).toBe(11);
    expect(chatRequests()).toBe(1);
    expect(result.stderr).toContain('model call 2 of this chat');
    expect(result.stderr).toContain('more than is left of --max-cost $0.20 ($0.001 spent in this run)');
  });

  it('with no limit, a tool loop that fails at a later call still records the calls answered before it', async () => {
    // Call 1 is answered (and paid for), call 2 is refused by the server: the chat fails (exit
    // 2, the 422's kind), and the $0.05 of call 1 is in the usage records all the same.
    fake.script(
      { kind: 'tool-calls', content: ['Let me add.'], calls: [{ id: 'call_1', name: 'add', arguments: { a: 2, b: 40 } }], usage: usage(0.05) },
      errorBodies.unprocessable(),
    );
    const result = await cli.run(['chat', '-m', 'openai/gpt-4', '--mcp', MCP, '--allow-tool', 'add', 'What is 2 + 40?']);
    expect(result.code).not.toBe(0);
    expect(chatRequests()).toBe(2);
    expect(await usageRows()).toEqual([expect.objectContaining({ key: 'openai/gpt-4', requests: 1, cost: 0.05 })]);
  });

  it('a limit that covers every call: exit 0, each call checked at its real cost so far, the usage recorded is their sum', async () => {
    // Worst cases of $0.07 or so each: $0.10 holds them only because the calls answered are
    // counted at what they cost ($0.002, then $0.005), not at their worst cases.
    fake.script(
      { kind: 'tool-calls', calls: [{ id: 'call_1', name: 'add', arguments: { a: 2, b: 40 } }], usage: usage(0.002) },
      { kind: 'tool-calls', calls: [{ id: 'call_2', name: 'add', arguments: { a: 42, b: 1 } }], usage: usage(0.003) },
      { kind: 'reply', content: ['The sum is 43.'], usage: usage(0.004) },
    );
    const result = await cli.run(chatArgs('0.10', '--json', '-q'));
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    expect(chatRequests()).toBe(3);
    const json = JSON.parse(result.stdout) as { content: string; usage: { cost: number } };
    expect(json.content).toBe('The sum is 43.');
    expect(json.usage.cost).toBeCloseTo(0.009, 10);
    const [row] = await usageRows();
    expect(row).toMatchObject({ key: 'openai/gpt-4', requests: 1 });
    expect(row?.cost).toBeCloseTo(0.009, 10);
  });

  it('the daily budget counts each call of a tool loop, and nothing stays reserved after the run', async () => {
    const config = join(cli.home, 'budget.yml');
    writeFileSync(config, 'budget:\n  daily: 0.1\n');
    fake.script(
      { kind: 'tool-calls', calls: [{ id: 'call_1', name: 'add', arguments: { a: 2, b: 40 } }], usage: usage(0.05) },
      { kind: 'reply', content: ['The sum is 42.'], usage: usage(0.01) },
    );
    const result = await cli.run(['--config', config, 'chat', '-m', 'openai/gpt-4', '--max-tokens', '1000', '--mcp', MCP, '--allow-tool', 'add', 'What is 2 + 40?']);
    expect(result.code).toBe(11);
    expect(chatRequests()).toBe(1);
    expect(result.stderr).toContain('more than is left of the daily budget of $0.10 ($0.05 spent today (UTC)); nothing was sent, it resets at');
    const status = JSON.parse((await cli.run(['status', '--json', '--config', config])).stdout) as { budgets: Array<Record<string, number>> };
    expect(status.budgets[0]).toMatchObject({ budget: 'daily', limit_usd: 0.1, spent_usd: 0.05, reserved_usd: 0 });
  });
});
