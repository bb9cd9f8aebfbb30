// `models` and `__models` from a fresh cache are answered before the CLI loads
// (src/cli/fast-catalogue.ts). What users see must not depend on which path answered: the same
// bytes as the full CLI's, and the full CLI whenever anything could change the answer.
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
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

const cacheFile = () => join(cli.env.DEVSYNTH_HOME!, 'cache', 'catalogue-models.json');
const catalogueFetches = () => fake.requests.filter((r) => r.path === '/models').length;
/** A project file that changes nothing but makes the full CLI answer. */
function withProjectFile(): string {
  const dir = join(cli.home, 'project');
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, '.devsynthrc.yml'), 'llm:\n  provider: openrouter\n');
  return dir;
}

describe('models from a fresh cache', () => {
  it('prints what the full CLI prints, without a request', async () => {
    const first = await cli.run(['models']);
    expect(first.code).toBe(0);
    expect(catalogueFetches()).toBe(1);
    const fast = await cli.run(['models']);
    const full = await cli.run(['models'], { cwd: withProjectFile() });
    expect(fast).toEqual({ code: 0, signal: null, stdout: first.stdout, stderr: '' });
    expect(full.stdout).toBe(fast.stdout);
    expect(catalogueFetches()).toBe(1);
    const ids = await cli.run(['__models']);
    expect(ids.stdout.trim().split('\n')).toEqual(expect.arrayContaining(['openai/gpt-4o-mini']));
    expect((await cli.run(['__models'], { cwd: withProjectFile() })).stdout).toBe(ids.stdout);
  });

  it('a stale cache is refreshed by the full CLI', async () => {
    await cli.run(['models']);
    const file = JSON.parse(readFileSync(cacheFile(), 'utf8'));
    writeFileSync(cacheFile(), JSON.stringify({ ...file, fetchedAt: Date.now() - 25 * 3600_000 }));
    expect((await cli.run(['models'])).code).toBe(0);
    expect(catalogueFetches()).toBe(2);
  });

  it('a corrupt cache is set aside by the full CLI, with its warning', async () => {
    await cli.run(['models']);
    writeFileSync(cacheFile(), '{"fetchedAt": 1, "models": [');
    const result = await cli.run(['models']);
    expect(result.code).toBe(0);
    expect(result.stderr).toMatch(/catalogue-models\.json was unreadable \(not valid JSON\)/);
    expect(catalogueFetches()).toBe(2);
  });

  it('an insecure base URL in the environment is refused as the full CLI refuses it', async () => {
    await cli.run(['models']);
    const result = await cli.run(['models'], { env: { OPENROUTER_BASE_URL: 'http://gateway.example.invalid/api/v1' } });
    expect(result.code).toBe(3);
    expect(result.stderr).toMatch(/must use https/);
  });

  it('another provider, or flags, go to the full CLI', async () => {
    await cli.run(['models']);
    const offline = await cli.run(['models'], { env: { DEVSYNTH_PROVIDER: 'offline' } });
    expect(offline.stdout).toMatch(/^offline\/echo\t/);
    const free = await cli.run(['models', '--free']);
    expect(free.code).toBe(0);
    expect(free.stdout.split('\n').filter(Boolean).every((line) => line.endsWith('\tfree'))).toBe(true);
  });
});

describe('a reader that stops early', () => {
  it.each([['models'], ['chat', 'hi']])('devsynth-or %s | head: exit 0, no stack trace', async (...args) => {
    // Far more than a pipe holds, so that the output is still being written when the reader goes.
    const big = await startFakeOpenRouter({
      models: Array.from({ length: 5000 }, (_, i) => ({ id: `org/model-${i}`, name: `Model ${i}`, context_length: 8192, pricing: { prompt: '0.000001', completion: '0.000002' } })),
    });
    cli.env.OPENROUTER_BASE_URL = big.url;
    await cli.run(['models']);
    big.script({ kind: 'reply', content: Array.from({ length: 2000 }, (_, i) => `line ${i}\n`) });
    const result = await cli.run(args, {
      onStdout: (_text, child) => {
        child.stdout?.destroy();
      },
    });
    await big.close();
    expect(result.code).toBe(0);
    expect(result.stderr).not.toMatch(/EPIPE|at /);
  });
});
