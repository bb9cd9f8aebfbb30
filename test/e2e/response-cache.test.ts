// The response cache (--cache, cache.responses, cache.ttl) and `cache stats|clear`, from the
// built binary against the fake OpenRouter: an identical chat is answered from disk with no
// request at all, printed as the live answer was and marked cached; errors, cancelled runs and
// answers that fail --schema are never kept; entries expire; a tampered entry is a miss.
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from '@jest/globals';
import { structuredOutputModels } from '../helpers/fake-catalogue.js';
import { defaultUsage, TEST_API_KEY } from '../helpers/fake-openrouter.js';
import { useFakeCli } from '../helpers/run-cli.js';

const env = useFakeCli();
const MCP_SERVER = new URL('../fixtures/mcp/test-server.mjs', import.meta.url).pathname;
const chats = () => env.fake.requests.filter((r) => r.path === '/chat/completions').length;
const storeDir = () => join(env.cli.env.DEVSYNTH_HOME as string, 'cache', 'store', 'responses');
const entryFiles = (): string[] => {
  try {
    return readdirSync(storeDir(), { recursive: true, withFileTypes: true })
      .filter((e) => e.isFile() && /^[0-9a-f]{64}$/.test(e.name))
      .map((e) => join(e.parentPath, e.name));
  } catch {
    return [];
  }
};
const usageFile = () => {
  try {
    return readFileSync(join(env.cli.env.DEVSYNTH_HOME as string, 'usage.json'), 'utf8');
  } catch {
    return '';
  }
};
/** A config file with these lines, given with --config. */
const config = (text: string) => {
  const path = join(env.cli.home, 'cache-config.yml');
  writeFileSync(path, text);
  return path;
};
const USAGE = { ...defaultUsage(12, 3), cost: 0.00042 };
const reply = (...content: string[]) => env.fake.script({ kind: 'reply', content, usage: USAGE, provider: 'FakeProvider' });

describe('the response cache', () => {
  it('a second identical chat sends nothing (not even a catalogue request), prints the same, and is marked cached', async () => {
    const { cli, fake } = env;
    reply('The answer ', 'is 42.');
    const first = await cli.run(['chat', '--cache', '--json', '-m', 'openai/gpt-4o-mini', '-t', '0.2', 'what is the answer?']);
    expect(first.code).toBe(0);
    expect(chats()).toBe(1);
    const requestsAfterFirst = fake.requests.length;
    const usageBefore = usageFile();

    const second = await cli.run(['chat', '--cache', '--json', '-m', 'openai/gpt-4o-mini', '-t', '0.2', 'what is the answer?']);
    expect(second.code).toBe(0);
    expect(fake.requests.length).toBe(requestsAfterFirst);
    const [a, b] = [JSON.parse(first.stdout), JSON.parse(second.stdout)];
    expect(a.cached).toBeUndefined();
    expect(b).toEqual({ ...a, cached: true });
    expect(b.usage).toMatchObject({ cost: 0.00042, prompt_tokens: 12 });
    // Nothing spent, nothing recorded.
    expect(usageFile()).toBe(usageBefore);

    // Plain text: the same stdout; --usage says it was cached and what the original cost.
    const plain = await cli.run(['chat', '--cache', '--usage', '-m', 'openai/gpt-4o-mini', '-t', '0.2', 'what is the answer?']);
    expect(plain.code).toBe(0);
    expect(plain.stdout).toBe('The answer is 42.\n');
    expect(plain.stderr).toMatch(/cached: \$0 spent \(the original answer cost \$0\.00042\)/);
    // stream-json: the live events, then the result, cached.
    const lines = (await cli.run(['chat', '--cache', '--format', 'stream-json', '-m', 'openai/gpt-4o-mini', '-t', '0.2', 'what is the answer?'])).stdout.trim().split('\n').map((l) => JSON.parse(l));
    expect(lines.map((l) => l.type)).toEqual(['meta', 'token', 'usage', 'done', 'result']);
    expect(lines.at(-1)).toMatchObject({ type: 'result', cached: true, content: 'The answer is 42.' });
    expect(chats()).toBe(1);
    // The API key is in neither the key nor the entry.
    for (const file of entryFiles()) expect(readFileSync(file, 'latin1')).not.toContain(TEST_API_KEY);
    expect(entryFiles()).toHaveLength(1);
  }, 120_000);

  it('any change to the request asks again; --no-cache asks and does not read; config cache.responses turns it on', async () => {
    const { cli } = env;
    reply('one');
    expect((await cli.run(['chat', '--cache', '-m', 'openai/gpt-4o-mini', 'hello'])).code).toBe(0);
    expect(chats()).toBe(1);
    for (const args of [['-t', '0.5'], ['--max-tokens', '50'], ['-s', 'be brief'], ['-m', 'anthropic/claude-3.5-sonnet'], ['--only', 'openai'], ['--fallback-model', 'openai/gpt-4o']]) {
      const model = args[0] === '-m' ? [] : ['-m', 'openai/gpt-4o-mini'];
      const result = await cli.run(['chat', '--cache', ...model, ...args, 'hello']);
      expect(result.code).toBe(0);
    }
    expect(chats()).toBe(7);
    const noCache = await cli.run(['chat', '--no-cache', '-m', 'openai/gpt-4o-mini', 'hello']);
    expect(noCache.code).toBe(0);
    expect(chats()).toBe(8);
    // Off by default: no flag, no config → a request.
    expect((await cli.run(['chat', '-m', 'openai/gpt-4o-mini', 'hello'])).code).toBe(0);
    expect(chats()).toBe(9);
    // cache.responses: true in the config answers from disk; --no-cache still wins.
    const on = config('cache:\n  responses: true\n');
    const fromConfig = await cli.run(['--config', on, 'chat', '--json', '-m', 'openai/gpt-4o-mini', 'hello']);
    expect(JSON.parse(fromConfig.stdout)).toMatchObject({ content: 'one', cached: true });
    expect(chats()).toBe(9);
    expect((await cli.run(['--config', on, 'chat', '--no-cache', '-m', 'openai/gpt-4o-mini', 'hello'])).code).toBe(0);
    expect(chats()).toBe(10);
  }, 180_000);

  it('an error (a 500, an in-band error) is never cached: the next run asks again', async () => {
    const { cli, fake } = env;
    const once = config('llm:\n  providers:\n    openrouter:\n      max_retries: 0\n');
    fake.script({ kind: 'http-error', status: 500, body: { error: { code: 500, message: 'Internal Server Error' } } });
    const failed = await cli.run(['--config', once, 'chat', '--cache', '-m', 'openai/gpt-4o-mini', 'hello']);
    expect(failed.code).not.toBe(0);
    fake.script({ kind: 'midstream-error', content: ['partial '], error: { code: 502, message: 'upstream died' } });
    const inBand = await cli.run(['--config', once, 'chat', '--cache', '-m', 'openai/gpt-4o-mini', 'hello']);
    expect(inBand.code).not.toBe(0);
    expect(entryFiles()).toHaveLength(0);
    reply('fine now');
    const ok = await cli.run(['--config', once, 'chat', '--cache', '-m', 'openai/gpt-4o-mini', 'hello']);
    expect(ok.code).toBe(0);
    expect(ok.stdout).toBe('fine now\n');
    expect(chats()).toBe(3);
    expect(entryFiles()).toHaveLength(1);
  }, 120_000);

  it('a run cancelled with Ctrl+C mid-stream is not cached', async () => {
    const { cli, fake } = env;
    fake.script({ kind: 'reply', content: ['first ', 'second ', 'third ', 'fourth '], chunkDelayMs: 300 });
    let sent = false;
    const cancelled = await cli.run(['chat', '--cache', '-m', 'openai/gpt-4o-mini', 'tell me'], {
      onStdout: (text, child) => {
        if (!sent && text.includes('first')) {
          sent = true;
          child.kill('SIGINT');
        }
      },
    });
    expect(cancelled.code).toBe(130);
    expect(entryFiles()).toHaveLength(0);
    reply('whole');
    const next = await cli.run(['chat', '--cache', '-m', 'openai/gpt-4o-mini', 'tell me']);
    expect(next.stdout).toBe('whole\n');
    // The whole answer was kept: the same chat now asks nothing.
    expect((await cli.run(['chat', '--cache', '-m', 'openai/gpt-4o-mini', 'tell me'])).stdout).toBe('whole\n');
    expect(chats()).toBe(2);
  }, 120_000);

  it('a cached answer that -x cannot extract from (exit 10) records no usage: nothing was asked', async () => {
    const { cli } = env;
    reply('no code here');
    expect((await cli.run(['chat', '--cache', '-m', 'openai/gpt-4o-mini', 'hello'])).code).toBe(0);
    const usageBefore = usageFile();
    expect(usageBefore).toContain('openai/gpt-4o-mini');
    const extracted = await cli.run(['chat', '--cache', '-x', '-m', 'openai/gpt-4o-mini', 'hello']);
    expect(extracted.code).toBe(10);
    expect(chats()).toBe(1);
    expect(usageFile()).toBe(usageBefore);
  }, 120_000);

  it('a cached answer is still appended to the session (--session), with no request', async () => {
    const { cli } = env;
    reply('remembered');
    expect((await cli.run(['chat', '--cache', '-m', 'openai/gpt-4o-mini', 'hello'])).code).toBe(0);
    // A new session holds no earlier turns: the request is the same, and answered from disk.
    const hit = await cli.run(['chat', '--cache', '--session', 'notes', '-m', 'openai/gpt-4o-mini', 'hello']);
    expect([hit.code, hit.stdout, chats()]).toEqual([0, 'remembered\n', 1]);
    const saved = JSON.parse(readFileSync(join(cli.env.DEVSYNTH_HOME as string, 'sessions', 'notes.json'), 'utf8'));
    expect(saved.messages.slice(-2)).toEqual([
      { role: 'user', content: 'hello' },
      { role: 'assistant', content: 'remembered', provider: 'FakeProvider' },
    ]);
  }, 120_000);

  it('an entry older than cache.ttl is not served, and is asked again', async () => {
    const { cli } = env;
    const short = config('cache:\n  responses: true\n  ttl: 1s\n');
    reply('old');
    expect((await cli.run(['--config', short, 'chat', '-m', 'openai/gpt-4o-mini', 'hello'])).stdout).toBe('old\n');
    await new Promise((resolve) => setTimeout(resolve, 2_100));
    reply('new');
    expect((await cli.run(['--config', short, 'chat', '-m', 'openai/gpt-4o-mini', 'hello'])).stdout).toBe('new\n');
    expect(chats()).toBe(2);
    // The fresh answer is the one kept.
    expect((await cli.run(['--config', short, 'chat', '-m', 'openai/gpt-4o-mini', 'hello'])).stdout).toBe('new\n');
    expect(chats()).toBe(2);
  }, 120_000);

  it('a tampered entry is a miss with a warning, exit 0, and is replaced', async () => {
    const { cli } = env;
    reply('original');
    expect((await cli.run(['chat', '--cache', '-m', 'openai/gpt-4o-mini', 'hello'])).code).toBe(0);
    const [file] = entryFiles();
    const bytes = readFileSync(file as string);
    const at = bytes.indexOf('original');
    bytes.write('tampered', at, 'latin1');
    writeFileSync(file as string, bytes);
    reply('asked again');
    const result = await cli.run(['chat', '--cache', '-m', 'openai/gpt-4o-mini', 'hello']);
    expect(result.code).toBe(0);
    expect(result.stdout).toBe('asked again\n');
    expect(result.stderr).toMatch(/warning: ignored a damaged entry of the responses cache/);
    expect(chats()).toBe(2);
    const again = await cli.run(['chat', '--cache', '-m', 'openai/gpt-4o-mini', 'hello']);
    expect([again.stdout, again.stderr, chats()]).toEqual(['asked again\n', '', 2]);
  }, 120_000);

  it('with MCP tools the cache is not used, and --cache says so', async () => {
    const { cli } = env;
    const result = await cli.run(['chat', '--cache', '--mcp', `${JSON.stringify(process.execPath)} ${JSON.stringify(MCP_SERVER)}`, '-m', 'openai/gpt-4o-mini', 'hello']);
    expect(result.code).toBe(0);
    expect(result.stderr).toContain('--cache is not used with tools (MCP)');
    expect(entryFiles()).toHaveLength(0);
  }, 120_000);
});

describe('the response cache and --schema', () => {
  const structured = useFakeCli({ models: structuredOutputModels() });
  it('an answer that fails --schema (exit 10) is not cached; one that passes is', async () => {
    const { cli, fake } = structured;
    const model = (structuredOutputModels()[0] as { id: string }).id;
    const schema = JSON.stringify({ type: 'object', properties: { age: { type: 'integer' } }, required: ['age'], additionalProperties: false });
    const chatCount = () => fake.requests.filter((r) => r.path === '/chat/completions').length;
    fake.script({ kind: 'reply', content: ['{"age":"old"}'] });
    const bad = await cli.run(['chat', '--cache', '-m', model, '--schema', schema, 'how old?']);
    expect(bad.code).toBe(10);
    fake.script({ kind: 'reply', content: ['{"age":36}'] });
    const good = await cli.run(['chat', '--cache', '-m', model, '--schema', schema, 'how old?']);
    expect(good.code).toBe(0);
    const replayed = await cli.run(['chat', '--cache', '-m', model, '--schema', schema, '--json', 'how old?']);
    expect(JSON.parse(replayed.stdout)).toMatchObject({ data: { age: 36 }, cached: true });
    expect(chatCount()).toBe(2);
  }, 120_000);
});

describe('devsynth-or cache', () => {
  it('stats counts each namespace; clear empties the one named, or both', async () => {
    const { cli } = env;
    reply('kept');
    expect((await cli.run(['chat', '--cache', '-m', 'openai/gpt-4o-mini', 'hello'])).code).toBe(0);
    expect((await cli.run(['embed', 'alpha', 'beta'])).code).toBe(0);
    const stats = JSON.parse((await cli.run(['cache', 'stats', '--json'])).stdout);
    expect(stats.responses).toMatchObject({ entries: 1, bytes: expect.any(Number), max_bytes: 2 * 1024 ** 3 });
    expect(stats.embeddings).toMatchObject({ entries: 2 });
    expect(Date.parse(stats.responses.oldest)).toBeGreaterThan(Date.now() - 600_000);
    const table = await cli.run(['cache', 'stats']);
    expect(table.stdout).toMatch(/^responses\t1\t/m);
    expect(table.stdout).toMatch(/^embeddings\t2\t/m);

    const cleared = await cli.run(['cache', 'clear', '--responses']);
    expect(cleared.stdout).toMatch(/cleared the responses cache \(1 entry/);
    const after = JSON.parse((await cli.run(['cache', 'stats', '--json'])).stdout);
    expect(after.responses).toMatchObject({ entries: 0, bytes: 0, oldest: null, newest: null });
    expect(after.embeddings.entries).toBe(2);
    // The cleared answer is asked for again.
    reply('asked again');
    expect((await cli.run(['chat', '--cache', '-m', 'openai/gpt-4o-mini', 'hello'])).stdout).toBe('asked again\n');
    expect((await cli.run(['cache', 'clear'])).code).toBe(0);
    const empty = JSON.parse((await cli.run(['cache', 'stats', '--json'])).stdout);
    expect([empty.responses.entries, empty.embeddings.entries]).toEqual([0, 0]);
  }, 120_000);
});
