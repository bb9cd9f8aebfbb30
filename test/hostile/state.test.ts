// State under DEVSYNTH_HOME against the built binary: parallel runs on one session, links
// planted in the state folder, a lock left by a killed run, reserved names, values from the
// network that must not corrupt a file, and the user's words kept as typed.
import { spawn } from 'node:child_process';
import { chmodSync, existsSync, linkSync, mkdirSync, readdirSync, readFileSync, statSync, symlinkSync, utimesSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from '@jest/globals';
import { defaultModels } from '../helpers/fake-catalogue.js';
import { type FakeOpenRouter, startFakeOpenRouter, TEST_API_KEY } from '../helpers/fake-openrouter.js';
import { type CliSandbox, cliSandbox } from '../helpers/run-cli.js';

let fake: FakeOpenRouter;
let cli: CliSandbox;
let home: string;

beforeEach(async () => {
  fake = await startFakeOpenRouter();
  cli = cliSandbox(fake.url);
  home = cli.env.DEVSYNTH_HOME!;
});
afterEach(async () => {
  await fake.close();
  cli.dispose();
});

const chatBodies = () => fake.requests.filter((r) => r.path === '/chat/completions').map((r) => r.body as { messages: Array<{ role: string; content: string }> });
const readJson = (path: string) => JSON.parse(readFileSync(path, 'utf8'));
const warningLines = (stderr: string) => stderr.split('\n').filter(Boolean);

describe('parallel runs on one session', () => {
  it('20 concurrent `chat --session shared` keep all 20 turns, and usage counts 20 requests', async () => {
    const results = await Promise.all(Array.from({ length: 20 }, (_, i) => cli.run(['chat', '--session', 'shared', `turn ${i}`])));
    expect(results.map((r) => r.code)).toEqual(Array(20).fill(0));
    const session = readJson(join(home, 'sessions', 'shared.json'));
    const prompts = session.messages.filter((m: { role: string }) => m.role === 'user').map((m: { content: string }) => m.content);
    expect(prompts.sort()).toEqual(Array.from({ length: 20 }, (_, i) => `turn ${i}`).sort());
    // Each prompt is followed by its answer: turns are appended whole, never interleaved.
    session.messages.forEach((m: { role: string }, i: number) => expect(m.role).toBe(i % 2 === 0 ? 'user' : 'assistant'));
    const usage = readJson(join(home, 'usage.json'));
    const requests = Object.values(usage.days).flatMap((models) => Object.values(models as Record<string, { requests: number }>)).reduce((sum, t) => sum + t.requests, 0);
    expect(requests).toBe(20);
    expect(readJson(join(home, 'last-session.json'))).toEqual({ last: 'shared' });
    expect(readdirSync(home).filter((name) => name.includes('.lock') || name.includes('.tmp-'))).toEqual([]);
  }, 180_000);
});

describe('links planted in DEVSYNTH_HOME are never followed', () => {
  /** A file outside DEVSYNTH_HOME, with an mtime in the past, whose content and mtime must not change. */
  function victim(name = 'victim.txt') {
    const path = join(cli.home, name);
    writeFileSync(path, '{"days": {}, "last": "victim", "precious": true}\n');
    // Not 0600: a write through the link would chmod it (conf did).
    chmodSync(path, 0o644);
    const past = new Date('2020-01-01T00:00:00Z');
    utimesSync(path, past, past);
    return {
      path,
      untouched: () => {
        expect(readFileSync(path, 'utf8')).toBe('{"days": {}, "last": "victim", "precious": true}\n');
        expect(statSync(path).mtimeMs).toBe(past.getTime());
        expect(statSync(path).mode & 0o777).not.toBe(0o600);
      },
    };
  }
  const plant = (target: string, ...at: string[]) => {
    mkdirSync(join(home, ...at.slice(0, -1)), { recursive: true });
    symlinkSync(target, join(home, ...at));
  };

  it.each([
    ['last-session.json', ['chat', 'hi'], ['last-session.json']],
    ['usage.json', ['chat', 'hi'], ['usage.json']],
    ['a session file', ['chat', '--session', 'work', 'hi'], ['sessions', 'work.json']],
  ])('%s: refused with one warning naming it; the answer comes, the target is untouched', async (_, args, at) => {
    const target = victim();
    plant(target.path, ...at);
    const result = await cli.run(args);
    expect(result.code).toBe(0);
    expect(result.stdout).toBe('Hello from fake\n');
    const lines = warningLines(result.stderr);
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(new RegExp(`^devsynth-or: warning: ${join(home, ...at).replace(/[.]/g, '\\.')} is a symbolic link.*; this run goes on without that state`));
    target.untouched();
    // A second run says the same, and still leaves the target alone.
    expect(warningLines((await cli.run(args)).stderr)).toHaveLength(1);
    target.untouched();
  });

  it('a sessions folder that is a link: refused, nothing written in or through it', async () => {
    const outside = join(cli.home, 'outside');
    mkdirSync(outside);
    const target = victim(join('outside', 'work.json'));
    plant(outside, 'sessions');
    const result = await cli.run(['chat', '--session', 'work', 'hi']);
    expect(result.code).toBe(0);
    expect(warningLines(result.stderr)).toEqual([expect.stringMatching(new RegExp(`^devsynth-or: warning: ${join(home, 'sessions')} is a symbolic link`))]);
    expect(readdirSync(outside)).toEqual(['work.json']);
    target.untouched();
  });

  it('a cache folder that is a link: the listing still comes, nothing written through it', async () => {
    const outside = join(cli.home, 'outside-cache');
    mkdirSync(outside);
    plant(outside, 'cache');
    const result = await cli.run(['models']);
    expect(result.code).toBe(0);
    expect(result.stdout).toContain('openai/');
    expect(warningLines(result.stderr)).toEqual([expect.stringMatching(new RegExp(`^devsynth-or: warning: ${join(home, 'cache')} is a symbolic link`))]);
    expect(readdirSync(outside)).toEqual([]);
  });

  it('the catalogue cache: a linked file is not listed from, nor written through', async () => {
    const path = join(cli.home, 'victim-catalogue.json');
    const content = JSON.stringify({ fetchedAt: Date.now(), models: [{ id: 'victim/not-a-model', context_length: 1 }] });
    writeFileSync(path, content);
    plant(path, 'cache', 'catalogue-models.json');
    const result = await cli.run(['models']);
    expect(result.code).toBe(0);
    expect(result.stdout).not.toContain('victim/not-a-model');
    expect(result.stdout).toContain('openai/');
    expect(warningLines(result.stderr)).toEqual([expect.stringMatching(/catalogue-models\.json is a symbolic link/)]);
    expect(readFileSync(path, 'utf8')).toBe(content);
  });

  it("a hard link to a file outside, as an earlier version's embeddings cache: the link removed, the file untouched", async () => {
    const target = victim();
    mkdirSync(join(home, 'cache', 'embeddings'), { recursive: true });
    linkSync(target.path, join(home, 'cache', 'embeddings', 'openai_text-embedding-3-small.jsonl'));
    const result = await cli.run(['embed', 'some text']);
    expect(result.code).toBe(0);
    expect(existsSync(join(home, 'cache', 'embeddings', 'openai_text-embedding-3-small.jsonl'))).toBe(false);
    target.untouched();
  });

  it('the embeddings store folder as a link: nothing written through it, the vectors still printed', async () => {
    const outside = join(cli.home, 'outside');
    mkdirSync(outside);
    mkdirSync(join(home, 'cache', 'store'), { recursive: true });
    symlinkSync(outside, join(home, 'cache', 'store', 'embeddings'));
    const result = await cli.run(['embed', 'some text']);
    expect(result.code).toBe(0);
    expect(result.stdout).not.toBe('');
    expect(warningLines(result.stderr)).toEqual([expect.stringMatching(/^devsynth-or: warning: .*store\/embeddings is a symbolic link/)]);
    expect(readdirSync(outside)).toEqual([]);
  });
});

describe('a lock left by a killed run', () => {
  it('is taken over at once when its holder is gone (not after the 10 s staleness wait)', async () => {
    mkdirSync(home, { recursive: true });
    // A real holder: the store's own update, blocked inside its critical section, then SIGKILLed.
    const module = new URL('../../dist/state/json-store.js', import.meta.url).pathname;
    expect(existsSync(module)).toBe(true); // npm run build makes dist/
    const script = `
      import { writeSync } from 'node:fs';
      const { JsonStore } = await import(${JSON.stringify(module)});
      const store = new JsonStore({ dir: process.argv[1], name: 'usage', schema: { safeParse: (data) => ({ success: true, data }) }, empty: () => ({ days: {} }) });
      await store.update((current) => {
        writeSync(1, 'locked\\n');
        Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0);
        return current;
      });`;
    const holder = spawn(process.execPath, ['--input-type=module', '-e', script, home], { stdio: ['ignore', 'pipe', 'inherit'] });
    await new Promise<void>((resolve, reject) => {
      holder.stdout.on('data', (chunk: Buffer) => chunk.toString().includes('locked') && resolve());
      holder.on('exit', () => reject(new Error('the holder exited before locking')));
    });
    holder.kill('SIGKILL');
    await new Promise((resolve) => holder.on('close', resolve));
    expect(readdirSync(home)).toContain('usage.json.lock');

    const started = Date.now();
    const result = await cli.run(['chat', 'hi']);
    const elapsedMs = Date.now() - started;
    expect(result).toMatchObject({ code: 0, stderr: '' });
    // A behaviour bound, not a speed test: the 10 s wait for staleness did not happen.
    expect(elapsedMs).toBeLessThan(5_000);
    const usage = readJson(join(home, 'usage.json'));
    expect(Object.values(Object.values(usage.days)[0] as object)).toEqual([expect.objectContaining({ requests: 1 })]);
    expect(readdirSync(home)).not.toContain('usage.json.lock');
  }, 60_000);
});

describe('session names', () => {
  it.each(['_last', '_anything', 'x.tmp-1', 'notes.corrupt-1'])('--session %s is reserved: exit 2, no request', async (name) => {
    const result = await cli.run(['chat', '--session', name, 'hi']);
    expect(result.code).toBe(2);
    expect(warningLines(result.stderr)[0]).toMatch(/reserved/);
    expect(chatBodies()).toEqual([]);
  });

  it('a last-session pointer naming an invalid session is set aside like a corrupt file', async () => {
    mkdirSync(home, { recursive: true });
    writeFileSync(join(home, 'last-session.json'), '{"last": "../../../etc/passwd"}');
    const result = await cli.run(['chat', '-c', 'hi']);
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/last-session\.json was unreadable \(unexpected content/);
    expect(result.stderr).toContain('no conversation to continue');
    expect(readdirSync(home).some((name) => name.startsWith('last-session.json.corrupt-'))).toBe(true);
    expect(chatBodies()).toEqual([]);
  });
});

describe("the user's words and the key", () => {
  it('a prompt quoting a bearer token is kept byte for byte and sent back unchanged; the key itself is not stored', async () => {
    const words = 'curl -H "Authorization: Bearer abc123" \\\n  and sk-or-v1-someone-elses-key, please explain';
    expect((await cli.run(['chat', '--session', 'b', words])).code).toBe(0);
    expect((await cli.run(['chat', '--session', 'b', `and my own key ${TEST_API_KEY}?`])).code).toBe(0);
    expect((await cli.run(['chat', '--session', 'b', 'next'])).code).toBe(0);
    const third = chatBodies()[2]!.messages;
    expect(third[0]).toEqual({ role: 'user', content: words });
    expect(third[2]).toEqual({ role: 'user', content: 'and my own key [REDACTED]?' });
    const file = readFileSync(join(home, 'sessions', 'b.json'), 'utf8');
    expect(JSON.parse(file).messages[0].content).toBe(words);
    expect(file).not.toContain(TEST_API_KEY);
  });
});

describe('the key echoed by a server', () => {
  it('is not written to the catalogue cache; the rest of the entry is', async () => {
    const echoing = await startFakeOpenRouter({ models: [...defaultModels(), { ...defaultModels()[0], id: `echo/${TEST_API_KEY}` }] });
    const sandbox = cliSandbox(echoing.url);
    try {
      expect((await sandbox.run(['models', '--refresh'])).code).toBe(0);
      const cacheDir = join(sandbox.env.DEVSYNTH_HOME!, 'cache');
      const text = readFileSync(join(cacheDir, 'catalogue-models.json'), 'utf8');
      expect(text).not.toContain(TEST_API_KEY);
      expect(text).toContain('echo/[REDACTED]');
    } finally {
      await echoing.close();
      sandbox.dispose();
    }
  });
});

describe('usage numbers from the server', () => {
  it('non-numeric, negative and infinite values are not stored: the history stays valid', async () => {
    expect((await cli.run(['chat', 'first'])).code).toBe(0);
    fake.script({ kind: 'reply', content: ['odd'], usage: { prompt_tokens: '12', completion_tokens: -5, total_tokens: 7, cost: 'free' } });
    const odd = await cli.run(['chat', 'second']);
    expect(odd.code).toBe(0);
    // The core drops the invalid numbers before any store sees them (the usage store's own
    // check, defence in depth, is covered by test/unit/state/safe-state.test.ts).
    expect(warningLines(odd.stderr)).toEqual([]);
    // 1e999 is valid JSON and parses to Infinity.
    fake.script({
      kind: 'raw',
      handle: (_req, res) => {
        res.writeHead(200, { 'content-type': 'text/event-stream' });
        const chunk = (extra: string) => `data: {"id":"gen-1","model":"openrouter/free","object":"chat.completion.chunk","created":1,"choices":[${extra}]}\n\n`;
        res.write(chunk('{"index":0,"delta":{"role":"assistant","content":"big"},"finish_reason":null}'));
        res.write(chunk('{"index":0,"delta":{},"finish_reason":"stop"}'));
        res.write('data: {"id":"gen-1","model":"openrouter/free","object":"chat.completion.chunk","created":1,"choices":[],"usage":{"prompt_tokens":1e999,"completion_tokens":3,"total_tokens":1e999,"cost":1e999}}\n\ndata: [DONE]\n\n');
        res.end();
      },
    });
    expect((await cli.run(['chat', 'third'])).code).toBe(0);
    expect((await cli.run(['chat', 'fourth'])).code).toBe(0);
    expect(readdirSync(home).filter((name) => name.includes('.corrupt-'))).toEqual([]);
    const totals = Object.values(Object.values(readJson(join(home, 'usage.json')).days)[0] as Record<string, Record<string, unknown>>);
    expect(totals.reduce((sum, t) => sum + (t.requests as number), 0)).toBe(4);
    // Every count, the by-provider ones too (by_provider: provider → the same figures).
    const figures = (t: Record<string, unknown>): unknown[] =>
      Object.entries(t).flatMap(([key, value]) => (key === 'by_provider' ? Object.values(value as Record<string, Record<string, unknown>>).flatMap(figures) : [value]));
    for (const t of totals) for (const value of figures(t)) expect(Number.isFinite(value) && (value as number) >= 0).toBe(true);
  });
});

describe('modes and leftovers', () => {
  it('folders are made 0700 and files 0600', async () => {
    expect((await cli.run(['chat', '--session', 'm', 'hi'])).code).toBe(0);
    expect((await cli.run(['embed', 'text'])).code).toBe(0);
    expect((await cli.run(['models'])).code).toBe(0);
    const store = join(home, 'cache', 'store', 'embeddings');
    const fan = join(store, readdirSync(store).find((name) => /^[0-9a-f]{2}$/.test(name)) as string);
    for (const dir of [home, join(home, 'sessions'), join(home, 'cache'), join(home, 'cache', 'store'), store, fan]) expect([dir, statSync(dir).mode & 0o777]).toEqual([dir, 0o700]);
    const files = [join(home, 'usage.json'), join(home, 'last-session.json'), join(home, 'sessions', 'm.json'), join(store, 'size.log'), ...readdirSync(fan).map((name) => join(fan, name))];
    files.push(...readdirSync(join(home, 'cache')).filter((name) => name.endsWith('.json')).map((name) => join(home, 'cache', name)));
    expect(files.length).toBeGreaterThan(4);
    for (const file of files) expect([file, statSync(file).mode & 0o777]).toEqual([file, 0o600]);
  });

  it('temporary files of dead writers are removed on the next run; a live writer\'s are not', async () => {
    const { THIS_HOST } = await import('../../src/state/safe-files.js');
    const dead = spawn(process.execPath, ['-e', '0']);
    await new Promise((resolve) => dead.on('close', resolve));
    mkdirSync(join(home, 'sessions'), { recursive: true });
    const deadWriters = [`usage.json.tmp-${THIS_HOST}-${dead.pid}-0123abcd`, join('sessions', `s.json.tmp-${THIS_HOST}-${dead.pid}-89abcdef`)];
    const oldLegacy = 'last-session.json.tmp-1732800000abc123';
    const live = `usage.json.tmp-${THIS_HOST}-${process.pid}-fedcba98`;
    for (const name of [...deadWriters, oldLegacy, live]) writeFileSync(join(home, name), '{"half": ');
    const past = new Date(Date.now() - 10 * 60_000);
    utimesSync(join(home, oldLegacy), past, past);
    expect((await cli.run(['chat', '--session', 's', 'hi'])).code).toBe(0);
    for (const name of [...deadWriters, oldLegacy]) expect([name, existsSync(join(home, name))]).toEqual([name, false]);
    expect(existsSync(join(home, live))).toBe(true);
  });
});
