// The built binary with providers other than OpenRouter, and llm.fallback: an OpenRouter fake
// and an OpenAI-compatible fake (LM Studio's flavour) on 127.0.0.1, what users see on stdout
// and stderr, and the exit codes.
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from '@jest/globals';
import { errorBodies, type FakeOpenRouter, startFakeOpenRouter } from '../helpers/fake-openrouter.js';
import { type CliSandbox, cliSandbox } from '../helpers/run-cli.js';

let openrouter: FakeOpenRouter;
let lmstudio: FakeOpenRouter;
let cli: CliSandbox;

beforeEach(async () => {
  openrouter = await startFakeOpenRouter();
  lmstudio = await startFakeOpenRouter({ flavour: 'openai', apiKey: null });
  cli = cliSandbox(openrouter.url);
  cli.env.LMSTUDIO_BASE_URL = lmstudio.url;
});
afterEach(async () => {
  await openrouter.close();
  await lmstudio.close();
  cli.dispose();
  expect([...openrouter.violations, ...lmstudio.violations]).toEqual([]);
});

function config(yaml: string): string {
  const path = join(cli.home, 'providers.yml');
  writeFileSync(path, yaml);
  return path;
}

const quickOpenRouter = '    openrouter:\n      max_retries: 1\n      retry_initial_delay: 0.01\n';
const lmChats = () => lmstudio.requests.filter((r) => r.path === '/chat/completions').map((r) => r.body as Record<string, unknown>);

describe('--provider lmstudio (an OpenAI-compatible server)', () => {
  it('chats with the model the server lists, sending nothing OpenRouter-only and no key', async () => {
    const result = await cli.run(['--provider', 'lmstudio', 'chat', 'hi']);
    expect(result).toMatchObject({ code: 0, stdout: 'Hello from fake\n', stderr: '' });
    expect(lmChats()[0]).toMatchObject({ model: 'qwen2.5-7b-instruct', stream_options: { include_usage: true } });
    expect(lmstudio.requests[0]?.headers.authorization).toBeUndefined();
    expect(openrouter.requests).toHaveLength(0);
  });

  it('-m, -t and --max-tokens set the chosen provider; --json says who answered', async () => {
    const result = await cli.run(['--provider', 'lmstudio', 'chat', '--json', '-m', 'llama3.2:3b', '-t', '0.1', '--max-tokens', '9', 'hi']);
    expect(result.code).toBe(0);
    expect(lmChats()[0]).toMatchObject({ model: 'llama3.2:3b', temperature: 0.1, max_tokens: 9 });
    expect(JSON.parse(result.stdout)).toMatchObject({ model: 'llama3.2:3b', content: 'Hello from fake', answered_by: 'lmstudio' });
  });

  it('DEVSYNTH_PROVIDER and --base-url work for it too; models and embed use its server', async () => {
    const env = { DEVSYNTH_PROVIDER: 'lmstudio', LMSTUDIO_BASE_URL: 'http://127.0.0.1:9/v1' };
    const models = await cli.run(['--base-url', lmstudio.url, 'models'], { env });

    expect(models.code).toBe(0);
    expect(models.stdout.split('\n')[0]).toMatch(/^qwen2\.5-7b-instruct\t/);
    const embed = await cli.run(['--base-url', lmstudio.url, 'embed', 'a', 'b'], { env });

    expect(embed.code).toBe(0);
    expect(embed.stdout.trim().split('\n').map((line) => JSON.parse(line).index)).toEqual([0, 1]);
    expect(lmstudio.requests.find((r) => r.path === '/embeddings')?.body).toMatchObject({ model: 'text-embedding-nomic-embed-text-v1.5' });
  });

  it('--fallback-model is OpenRouter-only: a warning, and the request goes without it', async () => {
    const result = await cli.run(['--provider', 'lmstudio', 'chat', '--fallback-model', 'x/y', 'hi']);
    expect(result.code).toBe(0);
    expect(result.stderr).toContain('--fallback-model is OpenRouter');
    expect(lmChats()[0]).not.toHaveProperty('models');
  });
});

describe('providers that cannot be used as configured', () => {
  it('openai without OPENAI_API_KEY: exit 4 naming the variable, no request', async () => {
    const result = await cli.run(['--provider', 'openai', 'chat', 'hi'], { env: { OPENAI_BASE_URL: lmstudio.url } });
    expect(result.code).toBe(4);
    expect(result.stderr).toContain('OPENAI_API_KEY');
    expect(lmstudio.requests).toHaveLength(0);
  });

  it('anthropic (named in config or DEVSYNTH_PROVIDER): exit 3 with what to use instead', async () => {
    const result = await cli.run(['chat', 'hi'], { env: { DEVSYNTH_PROVIDER: 'anthropic' } });
    expect(result.code).toBe(3);
    expect(result.stderr).toMatch(/devsynth-or: provider "anthropic" is not built in/);
    expect(result.stderr).toMatch(/hint: .*anthropic\//);
  });

  it('an unknown provider: exit 3 from the config or environment, exit 2 as a flag', async () => {
    const fromEnv = await cli.run(['chat', 'hi'], { env: { DEVSYNTH_PROVIDER: 'bard' } });
    expect(fromEnv.code).toBe(3);
    expect(fromEnv.stderr).toMatch(/llm\.provider/);
    const fromFlag = await cli.run(['--provider', 'bard', 'chat', 'hi']);
    expect(fromFlag.code).toBe(2);
    expect(fromFlag.stderr).toMatch(/openrouter, offline, lmstudio, local, openai/);
  });
});

describe('llm.fallback', () => {
  it('OpenRouter down (5xx after retries): LM Studio answers, stderr says so, exit 0', async () => {
    openrouter.script(errorBodies.server(503), errorBodies.server(503));
    const file = config(`llm:\n  fallback: [lmstudio]\n  providers:\n${quickOpenRouter}`);
    const result = await cli.run(['--config', file, 'chat', 'hi']);
    expect(result.code).toBe(0);
    expect(result.stdout).toBe('Hello from fake\n');
    expect(result.stderr).toMatch(/retrying/);
    expect(result.stderr).toMatch(/devsynth-or: openrouter is unavailable \(OpenRouter server error \(503\).*\); answering with lmstudio\n/);
    // LM Studio got its own model, not OpenRouter's.
    expect(lmChats()[0]).toMatchObject({ model: 'qwen2.5-7b-instruct' });
  });

  it('--json: one object naming who answered and who was passed over', async () => {
    const file = config(`llm:\n  fallback: [lmstudio, offline]\n  providers:\n${quickOpenRouter}`);
    await openrouter.close();
    const result = await cli.run(['--config', file, 'chat', '--json', 'hi']);
    expect(result.code).toBe(0);
    const json = JSON.parse(result.stdout);
    expect(json).toMatchObject({ content: 'Hello from fake', answered_by: 'lmstudio' });
    expect(json.fallbacks).toEqual([{ provider: 'openrouter', kind: 'connection', reason: expect.stringMatching(/refused|connect/i) }]);
    expect(result.stderr).toContain('answering with lmstudio');
  });

  it('everything down but offline; then an open breaker skips OpenRouter without a request', async () => {
    await openrouter.close();
    await lmstudio.close();
    const file = config(`llm:\n  fallback: [lmstudio, offline]\n  providers:\n    openrouter:\n      max_retries: 0\n      failure_threshold: 1\n    lmstudio:\n      max_retries: 0\n`);
    const first = await cli.run(['--config', file, 'chat', 'hi']);
    expect(first.code).toBe(0);
    expect(first.stdout).toContain('[offline]');
    expect(first.stderr.match(/answering with/g)).toHaveLength(2);
    const second = await cli.run(['--config', file, 'chat', 'hi']);
    expect(second.code).toBe(0);
    expect(second.stderr).toMatch(/openrouter is unavailable \(.*circuit breaker.*\); answering with lmstudio/i);
    const breakers = JSON.parse(readFileSync(join(cli.env.DEVSYNTH_HOME!, 'breakers.json'), 'utf8')).breakers;
    expect(breakers.openrouter.state).toBe('open');
    const status = await cli.run(['--config', file, 'status', '--json']);
    expect(Object.keys(JSON.parse(status.stdout).breakers).sort()).toEqual(['lmstudio', 'openrouter']);
    expect(JSON.parse(status.stdout).providers).toEqual(['openrouter', 'lmstudio', 'offline']);
    const text = await cli.run(['--config', file, 'status']);
    expect(text.stdout).toMatch(/^providers: +openrouter \(then lmstudio, offline when it is unavailable\)\n/);
  });

  it('a rejected key is not hidden by a fallback: exit 4, nothing sent to LM Studio', async () => {
    openrouter.script(errorBodies.unauthorized());
    const file = config('llm:\n  fallback: [lmstudio]\n');
    const result = await cli.run(['--config', file, 'chat', 'hi']);
    expect(result.code).toBe(4);
    expect(result.stderr).not.toContain('answering with');
    expect(lmstudio.requests).toHaveLength(0);
  });

  it('the last provider failing too: its exit code, every notice on stderr', async () => {
    await openrouter.close();
    await lmstudio.close();
    const file = config(`llm:\n  fallback: [lmstudio]\n  providers:\n    openrouter:\n      max_retries: 0\n    lmstudio:\n      max_retries: 0\n`);
    const result = await cli.run(['--config', file, 'chat', '--json', 'hi']);
    expect(result.code).toBe(7);
    expect(result.stderr).toContain('answering with lmstudio');
    expect(JSON.parse(result.stdout)).toMatchObject({ error: { kind: 'connection', exit_code: 7 } });
  });

  it('-q keeps stderr quiet about it', async () => {
    await openrouter.close();
    const file = config(`llm:\n  fallback: [offline]\n  providers:\n    openrouter:\n      max_retries: 0\n`);
    const result = await cli.run(['--config', file, 'chat', '-q', 'hi']);
    expect(result).toMatchObject({ code: 0, stderr: '' });
  });
});
