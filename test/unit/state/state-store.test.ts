import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, renameSync, rmSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterEach, describe, expect, it } from '@jest/globals';
import { CircuitBreaker, OpenRouterCircuitOpenError, UsageError } from '../../../src/core/index.js';
import { createFileBreakerStore } from '../../../src/state/breaker-store.js';
import { createModelsCache } from '../../../src/state/models-cache.js';
import { statePaths } from '../../../src/state/paths.js';
import { createSessionStore } from '../../../src/state/sessions.js';
import { createUsageStore } from '../../../src/state/usage-store.js';

const run = promisify(execFile);
const root = new URL('../../../', import.meta.url).pathname;
const dirs: string[] = [];
const tempDir = () => {
  const dir = mkdtempSync(join(tmpdir(), 'devsynth-state-'));
  dirs.push(dir);
  return dir;
};
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

describe('state paths', () => {
  it('uses DEVSYNTH_HOME when set, else the XDG directories', () => {
    expect(statePaths({ DEVSYNTH_HOME: '/h' })).toEqual({ state: '/h', cache: '/h/cache' });
    expect(statePaths({ HOME: '/u' })).toEqual({ state: '/u/.local/state/devsynth-or', cache: '/u/.cache/devsynth-or' });
    expect(statePaths({ HOME: '/u', XDG_STATE_HOME: '/s', XDG_CACHE_HOME: '/c' })).toEqual({ state: '/s/devsynth-or', cache: '/c/devsynth-or' });
  });
});

describe('breaker store on disk', () => {
  it('is shared: a breaker made later (another run) sees the failures of earlier ones', async () => {
    const dir = tempDir();
    let now = 0;
    const breaker = () => new CircuitBreaker({ key: 'openrouter', failureThreshold: 2, recoveryTimeoutMs: 1000, store: createFileBreakerStore(dir), now: () => now });
    for (let run = 0; run < 2; run++) {
      const b = breaker();
      await b.acquire();
      await b.release('failure');
    }
    await expect(breaker().acquire()).rejects.toBeInstanceOf(OpenRouterCircuitOpenError);
    now += 1000;
    await expect(breaker().acquire()).resolves.toEqual(expect.any(Object));
    const file = join(dir, 'breakers.json');
    expect(statSync(file).mode & 0o777).toBe(0o600);
    expect(JSON.parse(readFileSync(file, 'utf8')).breakers.openrouter.state).toBe('half-open');
  });

  it('a call that changes nothing writes nothing (and skips the lock); a change is written', async () => {
    const dir = tempDir();
    const breaker = new CircuitBreaker({ key: 'openrouter', failureThreshold: 3, recoveryTimeoutMs: 1000, store: createFileBreakerStore(dir) });
    const file = join(dir, 'breakers.json');
    // Asking a closed breaker, and a success on it, are the common case: no file, no lock file.
    await breaker.release('success', await breaker.acquire());
    expect(existsSync(file)).toBe(false);
    expect(readdirSync(dir).filter((name) => name.endsWith('.lock'))).toEqual([]);
    await breaker.release('failure', await breaker.acquire());
    expect(JSON.parse(readFileSync(file, 'utf8')).breakers.openrouter).toEqual({ state: 'closed', failures: 1 });
    // The success after a failure resets the count: a change, written.
    await breaker.release('success', await breaker.acquire());
    expect(JSON.parse(readFileSync(file, 'utf8')).breakers.openrouter).toEqual({ state: 'closed', failures: 0 });
    // And from then on nothing is written again (conf writes a new file and renames it).
    const { ino, mtimeMs } = statSync(file);
    await new Promise((resolve) => setTimeout(resolve, 20));
    await breaker.release('success', await breaker.acquire());
    expect(statSync(file)).toMatchObject({ ino, mtimeMs });
  });

  it('reads from memory while the file is unchanged, and sees every other process\'s write', async () => {
    const dir = tempDir();
    const store = createFileBreakerStore(dir);
    const file = join(dir, 'breakers.json');
    const put = (failures: number) => `{"breakers": {"openrouter": {"state": "closed", "failures": ${failures}}}}`;
    await expect(store.get('openrouter')).resolves.toBeUndefined();
    // Another process writes the file (created, then replaced by rename as ours are).
    writeFileSync(file, put(1));
    await expect(store.get('openrouter')).resolves.toEqual({ state: 'closed', failures: 1 });
    writeFileSync(`${file}.new`, put(2));
    renameSync(`${file}.new`, file);
    await expect(store.get('openrouter')).resolves.toEqual({ state: 'closed', failures: 2 });
    // Rewritten in place, a new size.
    writeFileSync(file, put(13));
    await expect(store.get('openrouter')).resolves.toEqual({ state: 'closed', failures: 13 });
    // A change under the lock reads the file itself, never the copy in memory.
    await store.update('openrouter', (current) => ({ state: 'closed', failures: current.failures + 1 }));
    expect(JSON.parse(readFileSync(file, 'utf8')).breakers.openrouter.failures).toBe(14);
    // Removed: back to nothing.
    rmSync(file);
    await expect(store.get('openrouter')).resolves.toBeUndefined();
  });

  it('a link planted where the cached file was is refused, not followed', async () => {
    const dir = tempDir();
    const store = createFileBreakerStore(dir, () => undefined);
    const file = join(dir, 'breakers.json');
    writeFileSync(file, '{"breakers": {"openrouter": {"state": "closed", "failures": 1}}}');
    await expect(store.get('openrouter')).resolves.toEqual({ state: 'closed', failures: 1 });
    const elsewhere = join(tempDir(), 'target.json');
    writeFileSync(elsewhere, '{"breakers": {"openrouter": {"state": "closed", "failures": 7}}}');
    rmSync(file);
    symlinkSync(elsewhere, file);
    await expect(store.get('openrouter')).resolves.toBeUndefined();
  });

  it('8 parallel processes × 20 locked updates: a valid file and no lost update', async () => {
    const dir = tempDir();
    const module = join(root, 'dist', 'state', 'breaker-store.js');
    expect(existsSync(module)).toBe(true); // npm test builds dist/ first
    const script = `
      const { createFileBreakerStore } = await import(${JSON.stringify(module)});
      const store = createFileBreakerStore(process.argv[1]);
      for (let i = 0; i < 20; i++) await store.update('openrouter', (s) => ({ state: 'closed', failures: s.failures + 1 }));`;
    const started = Date.now();
    await Promise.all(Array.from({ length: 8 }, () => run(process.execPath, ['--input-type=module', '-e', script, dir])));
    const elapsed = Date.now() - started;
    const file = JSON.parse(readFileSync(join(dir, 'breakers.json'), 'utf8'));
    expect(file.breakers.openrouter).toEqual({ state: 'closed', failures: 160 });
    expect(readdirSync(dir).filter((name) => name.endsWith('.lock'))).toEqual([]);
    expect(elapsed).toBeGreaterThan(0);
  });

  it('sets a corrupt file aside with a warning and starts afresh', async () => {
    const dir = tempDir();
    writeFileSync(join(dir, 'breakers.json'), '{"breakers": {"openrouter": ');
    const warnings: string[] = [];
    const store = createFileBreakerStore(dir, (message) => warnings.push(message));
    await expect(store.get('openrouter')).resolves.toBeUndefined();
    expect(warnings[0]).toMatch(/unreadable \(not valid JSON\); moved it to .*breakers\.json\.corrupt-/);
    expect(readdirSync(dir).some((name) => name.startsWith('breakers.json.corrupt-'))).toBe(true);
    await store.update('openrouter', () => ({ state: 'closed', failures: 1 }));
    await expect(store.get('openrouter')).resolves.toEqual({ state: 'closed', failures: 1 });
  });

  it('sets aside a file that parses but does not fit the schema', async () => {
    const dir = tempDir();
    writeFileSync(join(dir, 'breakers.json'), '{"breakers": {"openrouter": {"state": "exploded"}}}');
    const warnings: string[] = [];
    await expect(createFileBreakerStore(dir, (m) => warnings.push(m)).get('openrouter')).resolves.toBeUndefined();
    expect(warnings).toHaveLength(1);
  });
});

describe('sessions', () => {
  it('round-trips a conversation and remembers the last one', async () => {
    const sessions = createSessionStore(tempDir());
    const session = sessions.load('work');
    expect(session.messages).toEqual([]);
    await sessions.save({ ...session, model: 'openai/gpt-4o', messages: [{ role: 'user', content: 'hi' }, { role: 'assistant', content: 'hello' }] });
    expect(sessions.load('work').messages).toHaveLength(2);
    expect(sessions.last()).toBe('work');
    expect(sessions.list()).toEqual(['work']);
    expect(statSync(join(sessions.dir, 'work.json')).mode & 0o777).toBe(0o600);
  });

  it('refuses names that would escape the sessions folder', () => {
    const sessions = createSessionStore(tempDir());
    expect(() => sessions.load('../../etc/passwd')).toThrow(UsageError);
    expect(() => sessions.load('..')).toThrow(UsageError);
  });

  it('keeps the user\'s words byte for byte, a quoted bearer token and key-shaped text included', async () => {
    const sessions = createSessionStore(tempDir());
    const words = 'send "Authorization: Bearer xyz123" please, and sk-or-v1-not-my-key \\ \u202e';
    await sessions.save({ ...sessions.load('quoted'), messages: [{ role: 'user', content: words }] });
    expect(sessions.load('quoted').messages[0]?.content).toBe(words);
  });

  it('never writes the value of an API key in use, wherever it appears', async () => {
    const key = 'sk-or-v1-abcdef0123456789';
    const sessions = createSessionStore(tempDir(), { secrets: () => [key] });
    await sessions.save({ ...sessions.load('leak'), messages: [{ role: 'user', content: `my key is ${key}` }] });
    const text = readFileSync(join(sessions.dir, 'leak.json'), 'utf8');
    expect(text).not.toContain(key);
    expect(sessions.load('leak').messages[0]?.content).toBe('my key is [REDACTED]');
  });
});

describe('usage and the catalogue cache', () => {
  it('accumulates usage and cost per day and model', async () => {
    const usage = createUsageStore(tempDir(), { now: () => new Date('2026-11-24T10:00:00Z') });
    await usage.record('m/a', { prompt_tokens: 10, completion_tokens: 5, total_tokens: 15, cost: 0.01 });
    await usage.record('m/a', { prompt_tokens: 1, completion_tokens: 1, total_tokens: 2, cost: 0.02 });
    expect(usage.day('2026-11-24')['m/a']).toEqual({ requests: 2, prompt_tokens: 11, completion_tokens: 6, cost: 0.03 });
    expect(usage.total().requests).toBe(2);
  });

  it('serves the catalogue until its TTL passes', async () => {
    let now = 1000;
    const cache = createModelsCache(tempDir(), { now: () => now, ttlMs: 100 });
    expect(cache.read('models')).toBeUndefined();
    await cache.write('models', [{ id: 'a/b', context_length: 10, pricing: { prompt: '0', completion: '0' } }]);
    expect(cache.read('models')).toMatchObject({ fresh: true, models: [{ id: 'a/b' }] });
    now += 100;
    expect(cache.read('models')?.fresh).toBe(false);
    expect(cache.age('models')).toBe(100);
    expect(cache.read('embeddings')).toBeUndefined();
  });
});

describe('a state directory that cannot be written', () => {
  /** A "directory" under a plain file: every mkdir and write in it fails (ENOTDIR), root or not. */
  const blocked = () => {
    const file = join(tempDir(), 'a-file');
    writeFileSync(file, '');
    return join(file, 'state');
  };

  it('sessions, usage and the breaker go on in memory, with one warning for the run', async () => {
    const dir = blocked();
    const warnings: string[] = [];
    const warn = (message: string) => warnings.push(message);
    await createSessionStore(dir, { warn }).save({ name: 'x', model: null, created: 'c', updated: 'u', messages: [{ role: 'user', content: 'hi' }] });
    await createUsageStore(dir, { warn }).record('m/x', { prompt_tokens: 1, completion_tokens: 2, total_tokens: 3 });
    // In memory, the breaker still counts: one failure opens it (threshold 1).
    const breaker = new CircuitBreaker({ key: 'openrouter', failureThreshold: 1, recoveryTimeoutMs: 1000, store: createFileBreakerStore(dir, warn) });
    await breaker.acquire();
    await breaker.release('failure');
    await expect(breaker.acquire()).rejects.toBeInstanceOf(OpenRouterCircuitOpenError);
    expect(warnings).toEqual([expect.stringMatching(/^state not saved \(ENOTDIR: .*\); point DEVSYNTH_HOME at a writable folder$/)]);
    expect(existsSync(dir)).toBe(false);
  });

  it('the embeddings cache and the catalogue cache too', async () => {
    const dir = blocked();
    const warnings: string[] = [];
    const warn = (message: string) => warnings.push(message);
    const { createEmbeddingsCache } = await import('../../../src/state/embeddings-cache.js');
    createEmbeddingsCache(dir, { provider: 'openrouter', endpoint: 'http://127.0.0.1:1/api/v1', model: 'm/e' }, { warn }).add([{ hash: 'h', vector: [1] }]);
    await createModelsCache(dir, { warn }).write('models', [{ id: 'a/b', context_length: 1 }] as never);
    expect(warnings).toHaveLength(1);
  });

  it('a bug is still a bug: only filesystem errors are taken as "not saved"', async () => {
    const warnings: string[] = [];
    const usage = createUsageStore(tempDir(), { warn: (message) => warnings.push(message) });
    await expect(usage.record('m/x', { get prompt_tokens(): number { throw new TypeError('not a number'); } } as never)).rejects.toThrow('not a number');
    expect(warnings).toEqual([]);
  });
});
