// The scripting contract of `chat` and `status`, from the built binary: -q silences every
// warning, --provider anthropic fails as from the config, --no-stream keeps a failed reply's
// partial answer on stdout, an unknown model's did-you-mean fetches the catalogue, --max-tokens'
// range, status' breakers and plurals, and the offline answer naming how it was reached.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from '@jest/globals';
import { errorBodies, type FakeOpenRouter, startFakeOpenRouter } from '../helpers/fake-openrouter.js';
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

/** A config file in the sandbox with quick, few retries. */
function config(text: string): string {
  const path = join(cli.home, 'contract.yml');
  writeFileSync(path, text);
  return path;
}

const catalogueFetches = () => fake.requests.filter((r) => r.method === 'GET' && r.path === '/models');

describe('-q silences every warning; errors still print', () => {
  it('the context-trim warning', async () => {
    // tiny/context-model has 4,096 tokens of context: two 2,000-token turns do not fit.
    const long = 'word '.repeat(1600);
    expect((await cli.run(['chat', '--session', 'trim', '-m', 'tiny/context-model', long])).code).toBe(0);
    const quiet = await cli.run(['chat', '-q', '--session', 'trim', '-m', 'tiny/context-model', long]);
    expect(quiet).toMatchObject({ code: 0, stderr: '' });
    // The same run without -q warns: the check above is not vacuous.
    const loud = await cli.run(['chat', '--session', 'trim', '-m', 'tiny/context-model', long]);
    expect(loud.stderr).toMatch(/warning: dropped the \d+ oldest messages/);
  });

  it("the --fallback-model warning; an error still prints under -q", async () => {
    const args = ['--provider', 'offline', 'chat', '--fallback-model', 'openai/gpt-4o-mini', 'hi'];
    const quiet = await cli.run([...args.slice(0, 3), '-q', ...args.slice(3)]);
    expect(quiet).toMatchObject({ code: 0, stderr: '' });
    expect((await cli.run(args)).stderr).toContain("warning: --fallback-model is OpenRouter's; offline ignores it");
    const failing = await cli.run(['chat', '-q', '--max-tokens', '0', 'hi']);
    expect(failing.code).toBe(2);
    expect(failing.stderr).toContain('must be greater than 0');
  });
});

describe('--provider', () => {
  it('anthropic on the command line: exit 3 and the same message and hint as from the config', async () => {
    const flag = await cli.run(['--provider', 'anthropic', 'chat', 'hi']);
    const env = await cli.run(['chat', 'hi'], { env: { DEVSYNTH_PROVIDER: 'anthropic' } });
    expect(flag.code).toBe(3);
    expect(flag.stderr).toContain('devsynth-or: provider "anthropic" is not built in');
    expect(flag.stderr).toContain('hint: use --provider openrouter with -m anthropic/');
    expect(flag.stderr).toBe(env.stderr);
    expect(fake.requests).toHaveLength(0);
  });

  it('a name no configuration knows is still a usage error listing the choices (exit 2)', async () => {
    const result = await cli.run(['--provider', 'nonsense', 'chat', 'hi']);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('Allowed choices are openrouter, offline, lmstudio, local, openai.');
  });
});

describe('--no-stream and a reply that ends in an error', () => {
  it('prints the partial answer on stdout, as streaming does', async () => {
    const failure = { code: 502, message: 'Provider returned error' };
    fake.script({ kind: 'error-in-200', shape: 'choice-error', partialContent: 'The first half of', error: failure });
    const plain = await cli.run(['chat', '--no-stream', 'hi']);
    expect(plain.stdout).toBe('The first half of\n');
    expect(plain.stderr).toContain('Provider returned error');
    fake.script({ kind: 'midstream-error', content: ['The first ', 'half of'], error: failure });
    const streamed = await cli.run(['chat', 'hi']);
    expect(streamed.stdout).toBe(plain.stdout);
    expect(streamed.code).toBe(plain.code);
    expect(plain.code).not.toBe(0);
    // --json keeps it in partial_content, and stdout holds the one object.
    fake.script({ kind: 'error-in-200', shape: 'choice-error', partialContent: 'The first half of', error: failure });
    const json = await cli.run(['chat', '--no-stream', '--json', 'hi']);
    expect(JSON.parse(json.stdout)).toMatchObject({ partial_content: 'The first half of' });
  });
});

describe("an unknown model's did-you-mean", () => {
  it('fetches the catalogue when none is cached: one GET /models', async () => {
    fake.script(errorBodies.invalidModel('openai/gpt-4o-minii'));
    const result = await cli.run(['chat', '-m', 'openai/gpt-4o-minii', 'hi']);
    expect(result.code).toBe(6);
    expect(result.stderr).toContain('hint: did you mean openai/gpt-4o-mini');
    expect(catalogueFetches()).toHaveLength(1);
    // Now cached: the next one asks nothing more.
    fake.script(errorBodies.invalidModel('openai/gpt-4o-minii'));
    expect((await cli.run(['chat', '-m', 'openai/gpt-4o-minii', 'hi'])).stderr).toContain('did you mean openai/gpt-4o-mini');
    expect(catalogueFetches()).toHaveLength(1);
  });

  it('a catalogue that cannot be fetched means no suggestions, the error as it was', async () => {
    const server: Server = createServer((req, res) => {
      const chat = req.method === 'POST';
      res.writeHead(chat ? 400 : 503, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ error: { code: chat ? 400 : 503, message: chat ? 'nobody/nothing is not a valid model ID' : 'down' } }));
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    try {
      const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/api/v1`;
      const file = config('llm:\n  providers:\n    openrouter:\n      max_retries: 0\n');
      const result = await cli.run(['--config', file, 'chat', '-m', 'nobody/nothing', 'hi'], { env: { OPENROUTER_BASE_URL: url } });
      expect(result.code).toBe(6);
      expect(result.stderr).toContain('nobody/nothing is not a valid model ID');
      expect(result.stderr).not.toContain('did you mean');
      expect(result.stderr).not.toMatch(/unexpected|warning/);
    } finally {
      await new Promise((resolve) => server.close(resolve));
    }
  });
});

describe('--max-tokens', () => {
  it.each(['-5', '0'])('%s: "must be greater than 0", exit 2, nothing sent', async (value) => {
    const result = await cli.run(['chat', '--max-tokens', value, 'hi']);
    expect(result).toMatchObject({ code: 2, stdout: '' });
    expect(result.stderr).toContain('devsynth-or: --max-tokens: max tokens must be greater than 0');
    expect(fake.requests).toHaveLength(0);
  });
});

describe('status', () => {
  it("lists the breakers of the providers in use only, with correct plurals", async () => {
    const file = config('llm:\n  providers:\n    openrouter:\n      max_retries: 0\n      failure_threshold: 5\n');
    expect((await cli.run(['--config', file, 'chat', 'hi'])).code).toBe(0);
    fake.script(errorBodies.server(503));
    expect((await cli.run(['--config', file, 'chat', 'hi'])).code).toBe(7);
    const one = await cli.run(['--config', file, 'status']);
    expect(one.stdout).toContain('breakers:   openrouter closed (1 failure)\n');
    expect(one.stdout).toMatch(/usage: {6}1 request, \d+ tokens,/);
    // status' own GET /key answered, which closed the breaker again: two more failures.
    fake.script(errorBodies.server(503), errorBodies.server(503));
    await cli.run(['--config', file, 'chat', 'hi']);
    await cli.run(['--config', file, 'chat', 'hi']);
    expect((await cli.run(['--config', file, 'status', '--provider', 'offline'])).stdout).not.toContain('openrouter');

    const offline = await cli.run(['--provider', 'offline', 'status']);
    expect(offline.code).toBe(0);
    expect(offline.stdout).toContain('breakers:   none (the offline provider has no circuit breaker)');
    expect(offline.stdout).not.toContain('openrouter');
    const json = JSON.parse((await cli.run(['--provider', 'offline', 'status', '--json'])).stdout) as { breakers: object };
    expect(json.breakers).toEqual({});
    // The fallback chain counts as in use.
    const chain = config('llm:\n  provider: offline\n  fallback: [openrouter]\n');
    expect((await cli.run(['--config', chain, 'status'])).stdout).toContain('breakers:   openrouter closed (2 failures)');
  });
});

describe('the offline answer names how it was reached', () => {
  it('by flag, environment, config file or as a fallback', async () => {
    expect((await cli.run(['--provider', 'offline', 'chat', 'hi'])).stdout).toContain('reached through --provider offline, not from a model.');
    expect((await cli.run(['chat', 'hi'], { env: { DEVSYNTH_PROVIDER: 'offline' } })).stdout).toContain('reached through DEVSYNTH_PROVIDER=offline,');
    const file = config('llm:\n  provider: offline\n');
    expect((await cli.run(['--config', file, 'chat', 'hi'])).stdout).toContain(`reached through llm.provider: offline in ${file}:2,`);
    const fallback = config('llm:\n  fallback: [offline]\n  providers:\n    openrouter:\n      max_retries: 0\n');
    fake.script(errorBodies.server(503));
    const result = await cli.run(['--config', fallback, 'chat', 'hi']);
    expect(result.code).toBe(0);
    expect(result.stdout).toContain('reached through a fallback (openrouter unavailable), not from a model.');
    expect(result.stdout).not.toContain('--provider offline');
  });
});
