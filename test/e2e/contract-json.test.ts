// The scripting contract's output shapes, from the built binary: every subcommand whose --help
// documents --json prints JSON on stdout (models show, config path included), `config --json`
// keeps the values' types, and an empty `models` listing says so on stderr.
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
  expect(fake.violations).toEqual([]);
});

describe('--json on every subcommand that documents it', () => {
  it('models show <id> --json prints the one model object, nothing on stderr', async () => {
    const result = await cli.run(['models', 'show', 'openai/gpt-4o-mini', '--json']);
    expect(result.code).toBe(0);
    expect(result.stderr).toBe('');
    const model = JSON.parse(result.stdout) as Record<string, unknown>;
    expect(model).toMatchObject({ id: 'openai/gpt-4o-mini', context_length: 128000, pricing: { prompt: '0.00000015' } });
  });

  it('models show <unknown> --json prints the failure object, exit 6', async () => {
    const result = await cli.run(['models', 'show', 'openai/gpt-4o-minii', '--json']);
    expect(result.code).toBe(6);
    expect(JSON.parse(result.stdout)).toEqual({ error: { kind: 'rejected', message: 'unknown model "openai/gpt-4o-minii"', exit_code: 6 } });
    expect(result.stderr).toContain('did you mean openai/gpt-4o-mini');
  });

  it('config path --json prints the files as JSON', async () => {
    const result = await cli.run(['config', 'path', '--json']);
    expect(result.code).toBe(0);
    const paths = JSON.parse(result.stdout) as Array<{ role: string; path: string; used: boolean }>;
    expect(paths.map((p) => p.role)).toEqual(['defaults', 'user', 'project']);
    expect(paths[0]).toMatchObject({ role: 'defaults', used: true });
  });

  it('config --json gives numbers, booleans, null and lists as such, not strings', async () => {
    const result = await cli.run(['config', '--json'], { env: { OPENROUTER_API_KEY: undefined } });
    expect(result.code).toBe(0);
    const rows = JSON.parse(result.stdout) as Array<{ path: string; value: unknown; source: string }>;
    const value = (path: string) => rows.find((row) => row.path === path)?.value;
    expect(value('llm.providers.openrouter.temperature')).toBe(0.7);
    expect(value('llm.providers.openrouter.max_tokens')).toBe(4096);
    expect(value('llm.providers.openrouter.enabled')).toBe(true);
    expect(value('llm.providers.openrouter.model')).toBeNull();
    expect(value('llm.fallback')).toEqual([]);
    expect(value('llm.providers.openrouter.base_url')).toBe(fake.url);
    // An unset key is null in JSON; the table still says "(not set)".
    expect(value('llm.providers.openrouter.api_key')).toBeNull();
    const table = await cli.run(['config'], { env: { OPENROUTER_API_KEY: undefined } });
    expect(table.stdout).toMatch(/llm\.providers\.openrouter\.api_key\t\(not set\)/);
    expect(table.stdout).toMatch(/llm\.providers\.openrouter\.temperature\t0\.7\t/);
  });

  it('every command whose --help documents --json prints parseable JSON with it', async () => {
    // [the command, its arguments]
    const commands: Array<[string[], string[]]> = [
      [['status'], []],
      [['models'], []],
      [['models', 'show'], ['openai/gpt-4']],
      [['config'], []],
      [['config', 'path'], []],
      [['embed'], ['a text']],
      [['chat'], ['hi']],
    ];
    for (const [name, args] of commands) {
      const help = await cli.run([...name, '--help']);
      expect(help.stdout).toContain('--json');
      const command = [...name, ...args];
      const result = await cli.run([...command, '--json']);
      expect({ command, code: result.code }).toEqual({ command, code: 0 });
      expect(() => JSON.parse(result.stdout)).not.toThrow();
    }
  });
});

describe('models with no match', () => {
  it('says so on stderr, exit 0, nothing on stdout', async () => {
    const result = await cli.run(['models', 'zzzz']);
    expect(result).toMatchObject({ code: 0, stdout: '', stderr: 'devsynth-or: no model matches "zzzz"\n' });
    const filtered = await cli.run(['models', 'gpt-4', '--free']);
    expect(filtered).toMatchObject({ code: 0, stdout: '', stderr: 'devsynth-or: no model matches "gpt-4" with --free\n' });
    // --json keeps its empty array, and a match still lists as before.
    expect((await cli.run(['models', 'zzzz', '--json'])).stdout).toBe('[]\n');
    expect((await cli.run(['models', 'gpt-4o'])).stdout).toContain('openai/gpt-4o-mini');
  });
});
