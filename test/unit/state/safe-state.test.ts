// The state layer's defences, one by one: the lock that knows its holder, files never opened
// through a link, turns appended under the lock, values checked before they are stored.
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, symlinkSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from '@jest/globals';
import { UsageError } from '../../../src/core/index.js';
import { createEmbeddingsCache } from '../../../src/state/embeddings-cache.js';
import { lockStateFile } from '../../../src/state/file-lock.js';
import { appendStateFile, ensureStateDir, readStateBytes, readStateFile, THIS_HOST, UnsafeStatePathError, writeStateFileAtomic } from '../../../src/state/safe-files.js';
import { createSessionStore, validateSessionName } from '../../../src/state/sessions.js';
import { createUsageStore } from '../../../src/state/usage-store.js';
import { withoutSecrets } from '../../../src/state/without-secrets.js';

const dirs: string[] = [];
const tempDir = () => {
  const dir = mkdtempSync(join(tmpdir(), 'devsynth-safe-'));
  dirs.push(dir);
  return dir;
};
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

/** The pid of a process that has exited. */
async function deadPid(): Promise<number> {
  const child = spawn(process.execPath, ['-e', '0']);
  await new Promise((resolve) => child.on('close', resolve));
  return child.pid!;
}

describe('lockStateFile', () => {
  it('takes over at once the lock of a holder whose process is gone', async () => {
    const file = join(tempDir(), 'usage.json');
    writeFileSync(`${file}.lock`, `${THIS_HOST} ${await deadPid()} abc`);
    // A wait of 0: anything but an immediate takeover fails.
    const release = await lockStateFile(file, { waitMs: 0 });
    expect(readFileSync(`${file}.lock`, 'utf8')).toMatch(new RegExp(`^${THIS_HOST} ${process.pid} `));
    release();
    expect(existsSync(`${file}.lock`)).toBe(false);
  });

  it('waits for a live holder, and gives up with ELOCKED', async () => {
    const file = join(tempDir(), 'usage.json');
    // This very process is alive: its lock is not taken over.
    writeFileSync(`${file}.lock`, `${THIS_HOST} ${process.pid} other`);
    await expect(lockStateFile(file, { waitMs: 50 })).rejects.toMatchObject({ code: 'ELOCKED' });
    expect(readFileSync(`${file}.lock`, 'utf8')).toBe(`${THIS_HOST} ${process.pid} other`);
  });

  it('judges a lock from another machine, or an older version\'s folder, by its age', async () => {
    const dir = tempDir();
    const file = join(dir, 'usage.json');
    writeFileSync(`${file}.lock`, `elsewhere.example 1 abc`);
    await expect(lockStateFile(file, { waitMs: 30 })).rejects.toMatchObject({ code: 'ELOCKED' });
    const old = new Date(Date.now() - 60_000);
    utimesSync(`${file}.lock`, old, old);
    (await lockStateFile(file, { waitMs: 0 }))();
    const legacy = join(dir, 'breakers.json');
    mkdirSync(`${legacy}.lock`);
    utimesSync(`${legacy}.lock`, old, old);
    (await lockStateFile(legacy, { waitMs: 0 }))();
    expect(existsSync(`${legacy}.lock`)).toBe(false);
  });

  it('a release after a takeover leaves the new holder\'s lock alone', async () => {
    const file = join(tempDir(), 'usage.json');
    const release = await lockStateFile(file);
    writeFileSync(`${file}.lock`, `${THIS_HOST} ${process.pid} someone-else`);
    release();
    expect(readFileSync(`${file}.lock`, 'utf8')).toBe(`${THIS_HOST} ${process.pid} someone-else`);
  });

  it('serialises updates in one process: none lost', async () => {
    const usage = createUsageStore(tempDir());
    await Promise.all(Array.from({ length: 30 }, () => usage.record('m/a', { prompt_tokens: 1, completion_tokens: 1, total_tokens: 2 })));
    expect(usage.total()).toMatchObject({ requests: 30, prompt_tokens: 30 });
  });
});

describe('files and folders never used through a link', () => {
  const setup = () => {
    const dir = tempDir();
    const victim = join(dir, 'victim');
    writeFileSync(victim, 'precious');
    const home = join(dir, 'home');
    mkdirSync(home);
    return { dir, victim, home };
  };

  it('reads, writes and appends refuse a link, and its target is untouched', () => {
    const { victim, home } = setup();
    const link = join(home, 'usage.json');
    symlinkSync(victim, link);
    expect(() => readStateFile(link)).toThrow(UnsafeStatePathError);
    expect(() => writeStateFileAtomic(link, '{}')).toThrow(UnsafeStatePathError);
    expect(() => appendStateFile(link, 'x')).toThrow(UnsafeStatePathError);
    expect(readFileSync(victim, 'utf8')).toBe('precious');
    // The temporary file of the refused write is gone too.
    expect(readFileSync(link, 'utf8')).toBe('precious');
    expect(readdirSync(home)).toEqual(['usage.json']);
  });

  it("read into the caller's buffer: the same bytes, the same refusal of a link", () => {
    const { victim, home } = setup();
    const file = join(home, 'data.bin');
    writeFileSync(file, 'twelve bytes');
    const scratch = Buffer.alloc(64, 0x2a);
    const sizes: number[] = [];
    const read = readStateBytes(file, (size) => {
      sizes.push(size);
      return scratch.subarray(0, size);
    });
    expect(sizes).toEqual([12]);
    expect(read?.toString()).toBe('twelve bytes');
    // Read into the caller's memory, not a copy of it.
    expect(read?.buffer).toBe(scratch.buffer);
    expect(readStateBytes(join(home, 'missing'), () => scratch)).toBeUndefined();
    const link = join(home, 'link.bin');
    symlinkSync(victim, link);
    expect(() => readStateBytes(link, () => scratch)).toThrow(UnsafeStatePathError);
  });

  it('a folder below the root that is a link is refused; the root itself may be one', () => {
    const { dir, home } = setup();
    const outside = join(dir, 'outside');
    mkdirSync(outside);
    symlinkSync(outside, join(home, 'sessions'));
    expect(() => ensureStateDir(join(home, 'sessions'), home)).toThrow(UnsafeStatePathError);
    const linkedRoot = join(dir, 'linked-root');
    symlinkSync(home, linkedRoot);
    expect(() => ensureStateDir(join(linkedRoot, 'cache', 'embeddings'), linkedRoot)).not.toThrow();
    expect(existsSync(join(home, 'cache', 'embeddings'))).toBe(true);
  });

  it('a FIFO under a state file\'s name is refused, not waited on', async () => {
    const { home } = setup();
    const fifo = join(home, 'usage.json');
    await new Promise((resolve, reject) => spawn('mkfifo', [fifo]).on('close', resolve).on('error', reject));
    expect(() => readStateFile(fifo)).toThrow(UnsafeStatePathError);
  });

  it('the stores warn once naming the link, and go on in memory', async () => {
    const { victim, home } = setup();
    symlinkSync(victim, join(home, 'usage.json'));
    const warnings: string[] = [];
    const usage = createUsageStore(home, { warn: (message) => warnings.push(message) });
    await usage.record('m/a', { prompt_tokens: 2, completion_tokens: 1, total_tokens: 3 });
    await usage.record('m/a', { prompt_tokens: 2, completion_tokens: 1, total_tokens: 3 });
    expect(warnings).toEqual([`${join(home, 'usage.json')} is a symbolic link, a hard link or not a plain file or folder: not using it; this run goes on without that state (remove it to fix this)`]);
    expect(readFileSync(victim, 'utf8')).toBe('precious');
  });
});

describe('sessions', () => {
  const turn = (prompt: string, answer: string) => [
    { role: 'user' as const, content: prompt },
    { role: 'assistant' as const, content: answer },
  ];

  it('appendTurn adds to what the file holds now, not to what a run read at its start', async () => {
    const dir = tempDir();
    const a = createSessionStore(dir);
    const b = createSessionStore(dir);
    const seenByA = a.load('s');
    await b.appendTurn('s', { messages: turn('from b', 'ok b'), model: 'm/b' });
    await a.appendTurn('s', { messages: turn('from a', 'ok a'), model: 'm/a' });
    expect(seenByA.messages).toEqual([]);
    expect(a.load('s')).toMatchObject({ model: 'm/a', messages: [...turn('from b', 'ok b'), ...turn('from a', 'ok a')] });
    expect(a.last()).toBe('s');
  });

  it('a system prompt given with a turn replaces the conversation\'s; a fresh turn starts anew', async () => {
    const sessions = createSessionStore(tempDir());
    await sessions.appendTurn('s', { messages: turn('one', '1'), model: null, system: 'old' });
    await sessions.appendTurn('s', { messages: turn('two', '2'), model: null });
    await sessions.appendTurn('s', { messages: turn('three', '3'), model: null, system: 'new' });
    expect(sessions.load('s').messages).toEqual([{ role: 'system', content: 'new' }, ...turn('one', '1'), ...turn('two', '2'), ...turn('three', '3')]);
    await sessions.appendTurn('s', { messages: turn('four', '4'), model: null, fresh: true });
    expect(sessions.load('s').messages).toEqual(turn('four', '4'));
  });

  it('reserves "_…" and the names of our own files for us', () => {
    for (const name of ['_last', '_x', 'a.tmp-1', 'a.corrupt-2']) expect(() => validateSessionName(name)).toThrow(/reserved/);
    for (const name of ['.hidden', '..', 'a/b', '']) expect(() => validateSessionName(name)).toThrow(UsageError);
    expect(validateSessionName('work.2026-11_v2')).toBe('work.2026-11_v2');
  });

  it('a pointer naming something that is not a session is set aside', () => {
    const dir = tempDir();
    writeFileSync(join(dir, 'last-session.json'), '{"last": "../../x"}');
    const warnings: string[] = [];
    expect(createSessionStore(dir, { warn: (m) => warnings.push(m) }).last()).toBeNull();
    expect(warnings[0]).toMatch(/last-session\.json was unreadable \(unexpected content/);
  });
});

describe('values checked before they are stored', () => {
  it('usage: invalid fields are not added (one warning), the rest is', async () => {
    const dir = tempDir();
    const warnings: string[] = [];
    const usage = createUsageStore(dir, { warn: (m) => warnings.push(m), now: () => new Date('2026-11-24T10:00:00Z') });
    await usage.record('m/a', { prompt_tokens: 10, completion_tokens: 5, total_tokens: 15, cost: 0.5 });
    await usage.record('m/a', { prompt_tokens: '7', completion_tokens: -1, total_tokens: 0, cost: Number.NaN } as never);
    await usage.record('m/a', { prompt_tokens: Number.POSITIVE_INFINITY, completion_tokens: 2, total_tokens: 0 } as never);
    await usage.record('__proto__', { prompt_tokens: 1, completion_tokens: 1, total_tokens: 2 });
    expect(usage.day('2026-11-24')['m/a']).toEqual({ requests: 3, prompt_tokens: 10, completion_tokens: 7, cost: 0.5 });
    expect(Object.keys(JSON.parse(readFileSync(join(dir, 'usage.json'), 'utf8')).days['2026-11-24'])).toEqual(['m/a', '__proto__']);
    expect(warnings).toHaveLength(1);
  });

  it('embeddings: only arrays of finite numbers are cached', () => {
    const dir = tempDir();
    const cache = createEmbeddingsCache(dir, { provider: 'openrouter', endpoint: 'http://127.0.0.1:1/api/v1', model: 'm/e' });
    cache.add([
      { hash: 'good', vector: [0.5, -1] },
      { hash: 'text', vector: ['0.5'] as never },
      { hash: 'nan', vector: [Number.NaN] },
      { hash: 'empty', vector: [] },
      { hash: 'obj', vector: { 0: 1 } },
    ]);
    expect(['good', 'text', 'nan', 'empty', 'obj'].map((hash) => cache.get(hash))).toEqual([[0.5, -1], undefined, undefined, undefined, undefined]);
    expect(cache.store.stats().entries).toBe(1);
  });

  it('only the actual key values are replaced, in strings and property names', () => {
    const key = 'sk-or-v1-0123456789abcdef';
    const value = { [`k${key}`]: [`a ${key} b`, 'Bearer xyz', 'sk-or-v1-other'], n: 1 };
    expect(withoutSecrets(value, [key, 'short'])).toEqual({ 'k[REDACTED]': ['a [REDACTED] b', 'Bearer xyz', 'sk-or-v1-other'], n: 1 });
    expect(withoutSecrets(value, [])).toBe(value);
  });
});
