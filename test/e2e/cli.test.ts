// The built binary against the fake OpenRouter: what users, scripts and CI see on stdout and
// stderr, and the exit code of every failure kind.
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from '@jest/globals';
import { errorBodies, type FakeOpenRouter, startFakeOpenRouter, TEST_API_KEY } from '../helpers/fake-openrouter.js';
import { type CliSandbox, cliSandbox } from '../helpers/run-cli.js';

let fake: FakeOpenRouter;
let cli: CliSandbox;
/** Every output of this file is checked for the key at the end. */
const outputs: string[] = [];

beforeEach(async () => {
  fake = await startFakeOpenRouter();
  cli = cliSandbox(fake.url);
});
afterEach(async () => {
  await fake.close();
  cli.dispose();
  expect(fake.violations).toEqual([]);
});

async function run(args: string[], options: Parameters<CliSandbox['run']>[1] = {}) {
  const result = await cli.run(args, options);
  outputs.push(result.stdout, result.stderr);
  return result;
}

/** A config file with quick retries, for failure tests. */
function fastConfig(extra = ''): string {
  const path = join(cli.home, 'fast.yml');
  writeFileSync(path, `llm:\n  providers:\n    openrouter:\n      retry_initial_delay: 0.01\n      max_retries: 1\n${extra}`);
  return path;
}

const chatBodies = () => fake.requests.filter((r) => r.path === '/chat/completions').map((r) => r.body as { messages: Array<{ role: string; content: string }>; model: string; stream: boolean });

describe('chat: prompts, output and modes', () => {
  it('streams the answer to stdout with a trailing newline, nothing on stderr', async () => {
    fake.script({ kind: 'reply', content: ['Hello', ', world'] });
    const result = await run(['chat', 'Say hello']);
    expect(result).toMatchObject({ code: 0, stdout: 'Hello, world\n', stderr: '' });
    expect(chatBodies()[0]).toMatchObject({ model: 'openrouter/free', stream: true, messages: [{ role: 'user', content: 'Say hello' }] });
  });

  it('takes the prompt from stdin, or appends stdin after the words', async () => {
    await run(['chat'], { stdin: 'from stdin\n' });
    await run(['chat', 'Review', 'this'], { stdin: 'diff --git a b\n' });
    expect(chatBodies().map((b) => b.messages.at(-1)?.content)).toEqual(['from stdin', 'Review this\n\ndiff --git a b']);
  });

  it('sends -m, -s, -t, --max-tokens and --fallback-model', async () => {
    await run(['chat', '-m', 'openai/gpt-4o-mini', '-s', 'be terse', '-t', '0.2', '--max-tokens', '50', '--fallback-model', 'anthropic/claude-haiku-4.5', 'hi']);
    expect(chatBodies()[0]).toMatchObject({
      model: 'openai/gpt-4o-mini',
      temperature: 0.2,
      max_tokens: 50,
      models: ['openai/gpt-4o-mini', 'anthropic/claude-haiku-4.5'],
      messages: [{ role: 'system', content: 'be terse' }, { role: 'user', content: 'hi' }],
    });
  });

  it('--no-stream makes one non-streaming request', async () => {
    const result = await run(['chat', '--no-stream', 'hi']);
    expect(result.stdout).toBe('Hello from fake\n');
    expect(chatBodies()[0]?.stream).toBe(false);
  });

  it('--json prints exactly one object with the contract fields', async () => {
    fake.script({ kind: 'reply', content: ['4'], reasoning: ['2+2'], provider: 'OpenAI', model: 'openai/gpt-4o-mini' });
    const result = await run(['chat', '--json', 'What is 2+2?']);
    expect(result.code).toBe(0);
    const lines = result.stdout.trim().split('\n');
    expect(lines).toHaveLength(1);
    expect(JSON.parse(lines[0] as string)).toMatchObject({
      id: expect.stringMatching(/^gen-/),
      model: 'openai/gpt-4o-mini',
      provider: 'OpenAI',
      content: '4',
      reasoning: '2+2',
      finish_reason: 'stop',
      usage: { prompt_tokens: expect.any(Number), completion_tokens: 1, total_tokens: expect.any(Number), cost: expect.any(Number) },
    });
  });

  it('--json failure: the error object with partial_content, and the exit code', async () => {
    fake.script({ kind: 'midstream-error', content: ['par', 'tial'], error: { code: 502, message: 'Provider disconnected' } });
    const result = await run(['chat', '--json', 'go']);
    expect(result.code).toBe(6);
    expect(JSON.parse(result.stdout)).toEqual({
      error: { kind: 'rejected', message: expect.stringContaining('Provider disconnected'), status: 502, exit_code: 6 },
      partial_content: 'partial',
    });
  });

  it('--usage prints tokens, cost and timing on stderr; -q silences retries', async () => {
    const result = await run(['chat', '--usage', 'hi']);
    expect(result.stdout).toBe('Hello from fake\n');
    expect(result.stderr).toMatch(/^usage: \d+ prompt \+ 3 completion = \d+ tokens, \$[\d.e-]+, [\d.]+ s, first token [\d.]+ s/);
    fake.script(errorBodies.server(503));
    const quiet = await run(['--config', fastConfig(), 'chat', '-q', 'hi']);
    expect(quiet).toMatchObject({ code: 0, stderr: '' });
  });

  it('announces retries on stderr and still answers', async () => {
    fake.script(errorBodies.rateLimited(0));
    const result = await run(['--config', fastConfig(), 'chat', 'hi']);
    expect(result.code).toBe(0);
    expect(result.stderr).toMatch(/devsynth-or: 429, retrying in 0\.0 s \(attempt 2 of 2\)/);
  });
});

describe('sessions and --continue', () => {
  it('-c continues the last conversation; --session keeps a named one', async () => {
    fake.script({ kind: 'reply', content: ['Nice to meet you, Ada.'] }, { kind: 'reply', content: ['Ada.'] });
    await run(['chat', 'My name is Ada.']);
    await run(['chat', '-c', 'What is my name?']);
    expect(chatBodies()[1]?.messages).toEqual([
      { role: 'user', content: 'My name is Ada.' },
      { role: 'assistant', content: 'Nice to meet you, Ada.' },
      { role: 'user', content: 'What is my name?' },
    ]);
    await run(['chat', '--session', 'work', 'first']);
    await run(['chat', 'unrelated']);
    await run(['chat', '--session', 'work', 'second']);
    expect(chatBodies()[4]?.messages.map((m) => m.content)).toEqual(['first', 'Hello from fake', 'second']);
    const saved = JSON.parse(readFileSync(join(cli.env.DEVSYNTH_HOME!, 'sessions', 'work.json'), 'utf8'));
    expect(saved.messages).toHaveLength(4);
  });

  it('-c with nothing to continue is a usage error', async () => {
    const result = await run(['chat', '-c', 'hello?']);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('no conversation to continue');
  });

  it('prunes the oldest turns to fit a small-context model, with a warning', async () => {
    const long = 'x'.repeat(6000);
    for (let i = 0; i < 3; i++) fake.script({ kind: 'reply', content: [`answer ${i} ${long}`] });
    await run(['chat', '--session', 'big', '-m', 'tiny/context-model', `question 0 ${long}`]);
    await run(['chat', '--session', 'big', '-m', 'tiny/context-model', `question 1 ${long}`]);
    const result = await run(['chat', '--session', 'big', '-m', 'tiny/context-model', 'question 2']);
    expect(result.stderr).toMatch(/warning: dropped the \d+ oldest messages to fit tiny\/context-model's context of 4096 tokens/);
    const sent = chatBodies()[2]?.messages ?? [];
    expect(sent.at(-1)?.content).toBe('question 2');
    expect(sent.length).toBeLessThan(5);
  });
});

describe('exit codes', () => {
  it('2: an unknown flag, an out-of-range value, an empty prompt', async () => {
    expect((await run(['chat', '--bogus', 'x'])).code).toBe(2);
    const temperature = await run(['chat', '-t', '3', 'x']);
    expect(temperature).toMatchObject({ code: 2, stderr: expect.stringContaining('temperature must be between 0 and 2') });
    expect((await run(['chat', '--max-tokens', '0', 'x'])).code).toBe(2);
    expect((await run(['chat'], { stdin: '  \n' })).code).toBe(2);
    expect(fake.requests).toHaveLength(0);
  });

  it('2: invalid UTF-8 on stdin', async () => {
    const result = await cli.run(['chat'], { stdin: Buffer.from([0x68, 0xff, 0xfe, 0x69]) });
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('not valid UTF-8');
  });

  it('3: an invalid config file, with file:line and no stack trace', async () => {
    const bad = join(cli.home, 'bad.yml');
    writeFileSync(bad, 'llm:\n  providers:\n    openrouter:\n      temperature: hot\n');
    const result = await run(['--config', bad, 'chat', 'hi']);
    expect(result.code).toBe(3);
    expect(result.stderr).toContain(`${bad}:4: llm.providers.openrouter.temperature`);
    expect(result.stderr).not.toMatch(/\n\s+at /);
  });

  it('4: no key, naming OPENROUTER_API_KEY; and a rejected key', async () => {
    const none = await run(['chat', 'hi'], { env: { OPENROUTER_API_KEY: undefined } });
    expect(none).toMatchObject({ code: 4, stderr: expect.stringContaining('OPENROUTER_API_KEY') });
    fake.script(errorBodies.userNotFound());
    expect((await run(['chat', 'hi'])).code).toBe(4);
  });

  it('5: the daily free-tier cap, not retried', async () => {
    fake.script(errorBodies.dailyCap(Date.UTC(2026, 11, 1)));
    const result = await run(['chat', 'hi']);
    expect(result.code).toBe(5);
    expect(result.stderr).toContain('resets at 2026-12-01T00:00:00.000Z');
    expect(chatBodies()).toHaveLength(1);
  });

  it('6: an unknown model, with did-you-mean from the cached catalogue', async () => {
    await run(['models']);
    fake.script(errorBodies.invalidModel('openai/gpt-4o-minii'));
    const result = await run(['chat', '-m', 'openai/gpt-4o-minii', 'hi']);
    expect(result.code).toBe(6);
    expect(result.stderr).toContain('did you mean openai/gpt-4o-mini');
  });

  it('7: 5xx after the retry budget; 9: insufficient credits', async () => {
    fake.script(errorBodies.server(502), errorBodies.server(502));
    const down = await run(['--config', fastConfig(), 'chat', 'hi']);
    expect(down.code).toBe(7);
    expect(down.stderr).toContain('gave up after 2 attempts');
    fake.script(errorBodies.insufficientCredits());
    expect((await run(['chat', 'hi'])).code).toBe(9);
  });

  it('8: after failure_threshold failed runs the next run fails fast without a request', async () => {
    const config = fastConfig('      max_retries: 0\n      failure_threshold: 2\n'.replace('      max_retries: 0\n', ''));
    writeFileSync(config, 'llm:\n  providers:\n    openrouter:\n      max_retries: 0\n      failure_threshold: 2\n      recovery_timeout: 600\n');
    fake.script(errorBodies.server(503), errorBodies.server(503));
    expect((await run(['--config', config, 'chat', 'hi'])).code).toBe(7);
    expect((await run(['--config', config, 'chat', 'hi'])).code).toBe(7);
    const third = await run(['--config', config, 'chat', 'hi']);
    expect(third.code).toBe(8);
    expect(third.stderr).toContain('circuit breaker open, no request sent');
    expect(chatBodies()).toHaveLength(2);
    const status = await run(['status', '--json']);
    expect(JSON.parse(status.stdout).breakers.openrouter.state).toBe('open');
  });

  it('130: Ctrl+C keeps and prints the partial answer, and saves it to the session', async () => {
    fake.script({ kind: 'reply', content: ['first ', 'second ', 'third ', 'fourth '], chunkDelayMs: 300 });
    let sent = false;
    const result = await run(['chat', '--session', 'cut', 'tell me'], {
      onStdout: (text, child) => {
        if (!sent && text.includes('first')) {
          sent = true;
          child.kill('SIGINT');
        }
      },
    });
    expect(result.code).toBe(130);
    expect(result.stdout).toMatch(/^first /);
    expect(result.stdout.endsWith('\n')).toBe(true);
    expect(result.stderr).toContain('cancelled');
    const saved = JSON.parse(readFileSync(join(cli.env.DEVSYNTH_HOME!, 'sessions', 'cut.json'), 'utf8'));
    expect(saved.messages.at(-1)).toMatchObject({ role: 'assistant', content: expect.stringMatching(/^first/) });
  });
});

describe('embed', () => {
  it('embeds arguments, one NDJSON line each, in order', async () => {
    const result = await run(['embed', 'alpha', 'beta']);
    const lines = result.stdout.trim().split('\n').map((line) => JSON.parse(line));
    expect(lines.map((l) => l.index)).toEqual([0, 1]);
    expect(lines[0].embedding).toHaveLength(8);
    expect(fake.requests.at(-1)?.body).toMatchObject({ model: 'openai/text-embedding-3-small', input: ['alpha', 'beta'] });
  });

  it('1,000 lines: input order kept, 10 batched requests, all cache hits the second time', async () => {
    const file = join(cli.home, 'lines.txt');
    writeFileSync(file, Array.from({ length: 1000 }, (_, i) => `line number ${i}`).join('\n') + '\n\n');
    const first = await run(['embed', '-f', file, '--batch-size', '100', '--concurrency', '4']);
    expect(first.code).toBe(0);
    const indexes = first.stdout.trim().split('\n').map((line) => JSON.parse(line).index);
    expect(indexes).toEqual(Array.from({ length: 1000 }, (_, i) => i));
    expect(fake.requests.filter((r) => r.path === '/embeddings')).toHaveLength(10);
    const second = await run(['embed', '-f', file]);
    expect(second.stdout).toBe(first.stdout);
    expect(fake.requests.filter((r) => r.path === '/embeddings')).toHaveLength(10);
    const uncached = await run(['embed', '--no-cache', '--json', 'line number 5'], { stdin: 'line number 6\n' });
    expect(JSON.parse(uncached.stdout)).toMatchObject({ model: 'openai/text-embedding-3-small', data: [{ index: 0 }, { index: 1 }], usage: { total_tokens: expect.any(Number) } });
    expect(fake.requests.filter((r) => r.path === '/embeddings')).toHaveLength(11);
  });

  it('nothing to embed is a usage error', async () => {
    expect((await run(['embed'])).code).toBe(2);
  });
});

describe('models', () => {
  it('lists tab-separated when piped, cached, with every filter', async () => {
    const all = await run(['models']);
    expect(all.stdout.split('\n')[0]).toBe('anthropic/claude-haiku-4.5\t200000\t1.00\t5.00\t');
    const modelRequests = () => fake.requests.filter((r) => r.path === '/models').length;
    expect(modelRequests()).toBe(1);
    const free = await run(['models', '--free']);
    expect(free.stdout.trim().split('\n').map((l) => l.split('\t')[0])).toEqual(['meta-llama/llama-3.3-70b-instruct:free', 'openrouter/free']);
    expect(modelRequests()).toBe(1);
    const big = await run(['models', '--min-context', '150000', '--sort', 'context', '--limit', '2']);
    expect(big.stdout.trim().split('\n').map((l) => l.split('\t')[0])).toEqual(['openrouter/auto', 'anthropic/claude-haiku-4.5']);
    const cheap = await run(['models', 'gpt', '--sort', 'price']);
    expect(cheap.stdout.trim().split('\n').map((l) => l.split('\t')[0])).toEqual(['openai/gpt-4o-mini', 'openai/gpt-4']);
    const variable = await run(['models', 'auto']);
    expect(variable.stdout).toContain('openrouter/auto\t2000000\tvaries\tvaries');
    const unknownContext = await run(['models', 'mystery']);
    expect(unknownContext.stdout).toContain('mystery/no-context\t?');
    await run(['models', '--refresh']);
    expect(modelRequests()).toBe(2);
  });

  it('--embeddings, --json, show, and an unknown id (exit 6 with suggestions)', async () => {
    const embeddings = await run(['models', '--embeddings']);
    expect(embeddings.stdout).toContain('openai/text-embedding-3-small');
    const json = JSON.parse((await run(['models', '--json', '--free'])).stdout);
    expect(json.map((m: { id: string }) => m.id)).toEqual(['meta-llama/llama-3.3-70b-instruct:free', 'openrouter/free']);
    const show = await run(['models', 'show', 'openai/gpt-4o-mini']);
    expect(show.stdout).toMatch(/context\s+128000/);
    const unknown = await run(['models', 'show', 'claude-haiku']);
    expect(unknown.code).toBe(6);
    expect(unknown.stderr).toContain('did you mean anthropic/claude-haiku-4.5');
  });

  it('works without a key', async () => {
    const result = await run(['models'], { env: { OPENROUTER_API_KEY: undefined } });
    expect(result.code).toBe(0);
  });
});

describe('status, config, completion, help', () => {
  it('status reports the key, breakers, caches and usage', async () => {
    await run(['chat', 'hi']);
    const status = await run(['status']);
    expect(status.stdout).toMatch(/key: +sk-or-v1-tes\.\.\.0000, \$7\.50 left of \$10\.00 \(monthly\)/);
    expect(status.stdout).toMatch(/usage: +1 request, /);
    expect(status.stdout).toMatch(/^providers: +openrouter\n/);
  });

  it('config shows each value with its source, the key hidden', async () => {
    const result = await run(['config'], { env: { OPENROUTER_MODEL: 'openai/gpt-4' } });
    expect(result.stdout).toContain('llm.providers.openrouter.model\topenai/gpt-4\tenv OPENROUTER_MODEL');
    expect(result.stdout).toContain('llm.providers.openrouter.api_key\t(set, hidden)\tenv OPENROUTER_API_KEY');
    const paths = await run(['config', 'path']);
    expect(paths.stdout).toMatch(/^defaults\t.*config\/default\.yml\tused$/m);
  });

  it('completion scripts name the commands and flags; --help has examples; --version', async () => {
    const bash = await run(['completion', 'bash']);
    expect(bash.stdout).toContain('complete -F _devsynth_or devsynth-or');
    expect(bash.stdout).toContain('--fallback-model');
    expect(bash.stdout).toContain("'val:chat|--provider') REPLY='choices ");
    expect((await run(['completion', 'fish'])).stdout).toContain('complete -c devsynth-or');
    expect((await run(['completion', 'zsh'])).stdout).toContain('compdef _devsynth_or devsynth-or');
    expect((await run(['completion', 'tcsh'])).code).toBe(2);
    const help = await run(['chat', '--help']);
    expect(help).toMatchObject({ code: 0, stdout: expect.stringContaining('Examples:') });
    // The bin's own answer, and each bundle's (the version written in at build time): package.json's.
    const { version } = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string };
    for (const args of [['--version'], ['chat', '--version'], ['embed', '--version']]) expect((await run(args)).stdout).toBe(`${version}\n`);
  });
});

describe('configuration through the CLI', () => {
  it('sends routing preferences from the config with every chat request', async () => {
    const config = join(cli.home, 'routing.yml');
    writeFileSync(config, 'llm:\n  providers:\n    openrouter:\n      routing:\n        order: [openai, together]\n        allow_fallbacks: false\n        sort: price\n        max_price: { prompt: 1, completion: 2.5 }\n');
    const result = await run(['--config', config, 'chat', 'hi']);
    expect(result.code).toBe(0);
    // The README's example as written: max_price goes out as the decimal strings of the spec.
    expect(fake.requests[0]?.body).toMatchObject({
      provider: { order: ['openai', 'together'], allow_fallbacks: false, sort: 'price', max_price: { prompt: '1', completion: '2.5' } },
    });
  });

  it('refuses a disabled provider; a fallback list is used, not merely accepted', async () => {
    const off = join(cli.home, 'off.yml');
    writeFileSync(off, 'llm:\n  providers:\n    openrouter:\n      enabled: false\n');
    const disabled = await run(['--config', off, 'chat', 'hi']);
    expect(disabled.code).toBe(3);
    expect(disabled.stderr).toContain('enabled is false');
    const later = join(cli.home, 'later.yml');
    writeFileSync(later, 'llm:\n  fallback: [offline]\n');
    // OpenRouter answers, so the fallback is never reached and nothing is said about it.
    const answered = await run(['--config', later, 'chat', '--json', 'hi']);
    expect(answered.code).toBe(0);
    expect(answered.stderr).toBe('');
    expect(JSON.parse(answered.stdout)).toMatchObject({ answered_by: 'openrouter' });
    expect(JSON.parse(answered.stdout)).not.toHaveProperty('fallbacks');
  });

  it('8 parallel failing runs leave a valid breaker file that counted every failure', async () => {
    const config = join(cli.home, 'parallel.yml');
    writeFileSync(config, 'llm:\n  providers:\n    openrouter:\n      max_retries: 0\n      failure_threshold: 100\n');
    for (let i = 0; i < 8; i++) fake.script(errorBodies.server(500));
    const results = await Promise.all(Array.from({ length: 8 }, () => run(['--config', config, 'chat', 'hi'])));
    expect(results.map((r) => r.code)).toEqual(Array(8).fill(7));
    const state = JSON.parse(readFileSync(join(cli.env.DEVSYNTH_HOME!, 'breakers.json'), 'utf8'));
    expect(state.breakers.openrouter).toEqual({ state: 'closed', failures: 8 });
  });
});

describe('the offline provider', () => {
  it('chats, embeds and lists models with no key and no request', async () => {
    const noKey = { env: { OPENROUTER_API_KEY: undefined, DEVSYNTH_PROVIDER: 'offline' } };
    const chat = await run(['chat', 'Say hello'], noKey);
    expect(chat).toMatchObject({ code: 0, stdout: expect.stringContaining('[offline] You said: "Say hello"') });
    const embed = await run(['embed', 'a', 'b'], noKey);
    expect(embed.stdout.trim().split('\n')).toHaveLength(2);
    const models = await run(['models'], noKey);
    expect(models.stdout).toContain('offline/echo');
    expect(fake.requests).toHaveLength(0);
  });
});

describe('secrets', () => {
  it('no output of any test in this file contains the API key', () => {
    expect(outputs.length).toBeGreaterThan(40);
    for (const output of outputs) expect(output).not.toContain(TEST_API_KEY);
  });
});
