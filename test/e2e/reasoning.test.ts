// Reasoning controls through the built binary against the fake OpenRouter: the flags and the
// config keys become OpenRouter's `reasoning` object (valid against the spec), an effort and a
// budget together are a usage error, --hide-reasoning asks for none and shows none, and in a
// pipe stdout stays the answer alone.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from '@jest/globals';
import { useFakeCli } from '../helpers/run-cli.js';

const t = useFakeCli();

const reasoningSent = () => t.fake.requests.filter((r) => r.path === '/chat/completions').map((r) => r.body?.reasoning);

function config(lines: string): string {
  const path = join(t.cli.home, 'reasoning.yml');
  writeFileSync(path, `llm:\n  providers:\n    openrouter:\n${lines}`);
  return path;
}

describe('chat reasoning flags', () => {
  it('sends --reasoning-effort as reasoning.effort and --reasoning-tokens as reasoning.max_tokens', async () => {
    expect((await t.cli.run(['chat', '--reasoning-effort', 'high', 'think'])).code).toBe(0);
    expect((await t.cli.run(['chat', '--reasoning-tokens', '2000', 'think'])).code).toBe(0);
    expect((await t.cli.run(['chat', 'no reasoning asked'])).code).toBe(0);
    expect(reasoningSent()).toEqual([{ effort: 'high' }, { max_tokens: 2000 }, undefined]);
  });

  it('refuses an effort and a budget together, and bad values, with exit 2 before any request', async () => {
    const both = await t.cli.run(['chat', '--reasoning-effort', 'low', '--reasoning-tokens', '100', 'x']);
    expect(both.code).toBe(2);
    expect(both.stderr).toContain('--reasoning-effort and --reasoning-tokens cannot be used together');
    const effort = await t.cli.run(['chat', '--reasoning-effort', 'extreme', 'x']);
    expect(effort.code).toBe(2);
    expect(effort.stderr).toContain('--reasoning-effort: reasoning effort must be low, medium or high');
    const tokens = await t.cli.run(['chat', '--reasoning-tokens', '0', 'x']);
    expect(tokens.code).toBe(2);
    expect(tokens.stderr).toContain('reasoning tokens must be greater than 0');
    expect(t.fake.requests.filter((r) => r.path === '/chat/completions')).toEqual([]);
  });

  it('keeps reasoning off stdout in a pipe, and in --json as "reasoning"', async () => {
    t.fake.script({ kind: 'reply', reasoning: ['Let me ', 'think.'], content: ['42'] });
    const plain = await t.cli.run(['chat', '--reasoning-effort', 'medium', 'answer?']);
    expect(plain).toMatchObject({ code: 0, stdout: '42\n' });
    t.fake.script({ kind: 'reply', reasoning: ['Let me ', 'think.'], content: ['42'] });
    const json = await t.cli.run(['chat', '--json', 'answer?']);
    expect(JSON.parse(json.stdout)).toMatchObject({ content: '42', reasoning: 'Let me think.' });
  });

  it('--hide-reasoning sends exclude: true and shows no reasoning, even one the server sends anyway', async () => {
    t.fake.script({ kind: 'reply', reasoning: ['secret ', 'thoughts'], content: ['42'] });
    const json = await t.cli.run(['chat', '--hide-reasoning', '--reasoning-effort', 'low', '--json', 'answer?']);
    expect(json.code).toBe(0);
    const result = JSON.parse(json.stdout) as Record<string, unknown>;
    expect(result.content).toBe('42');
    expect(result).not.toHaveProperty('reasoning');
    expect(json.stdout + json.stderr).not.toContain('secret');
    expect(reasoningSent()).toEqual([{ effort: 'low', exclude: true }]);
  });
});

describe('reasoning settings in the config', () => {
  it('sends reasoning_effort, reasoning_tokens and hide_reasoning from the file; a flag wins over them', async () => {
    const effort = config('      reasoning_effort: medium\n      hide_reasoning: true\n');
    expect((await t.cli.run(['--config', effort, 'chat', 'x'])).code).toBe(0);
    expect((await t.cli.run(['--config', effort, 'chat', '--reasoning-tokens', '500', 'x'])).code).toBe(0);
    const budget = config('      reasoning_tokens: 3000\n');
    expect((await t.cli.run(['--config', budget, 'chat', 'x'])).code).toBe(0);
    expect((await t.cli.run(['--config', budget, 'chat', '--reasoning-effort', 'high', 'x'])).code).toBe(0);
    expect(reasoningSent()).toEqual([
      { effort: 'medium', exclude: true },
      { max_tokens: 500, exclude: true },
      { max_tokens: 3000 },
      { effort: 'high' },
    ]);
  });

  it('refuses a config that sets both, and a bad value, as configuration errors (exit 3)', async () => {
    const both = await t.cli.run(['--config', config('      reasoning_effort: low\n      reasoning_tokens: 10\n'), 'chat', 'x']);
    expect(both.code).toBe(3);
    expect(both.stderr).toContain('reasoning_effort and reasoning_tokens are both set');
    const bad = await t.cli.run(['--config', config('      reasoning_effort: extreme\n'), 'chat', 'x']);
    expect(bad.code).toBe(3);
    expect(bad.stderr).toContain('llm.providers.openrouter.reasoning_effort');
    expect(t.fake.requests.filter((r) => r.path === '/chat/completions')).toEqual([]);
  });
});
