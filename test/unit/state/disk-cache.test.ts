// The on-disk cache (src/state/disk-cache/): look-ups by key, the size cap and which entries it
// evicts, parallel writers in separate processes, and what a damaged or planted file does.
import { execFile } from 'node:child_process';
import { existsSync, lstatSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, symlinkSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { keyHash, openDiskCache } from '../../../src/state/disk-cache/index.js';
import fc from 'fast-check';
import { NATIVE_CALLS, packLoop, packNative, packNumbers, unpackLoop, unpackNative, unpackNumbers } from '../../../src/state/disk-cache/packed-numbers.js';

const root = new URL('../../../', import.meta.url).pathname;
const run = promisify(execFile);
const dirs: string[] = [];
const tempDir = () => {
  const dir = mkdtempSync(join(tmpdir(), 'devsynth-disk-cache-'));
  dirs.push(dir);
  return dir;
};
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

const bytes = (text: string) => Buffer.from(text, 'utf8');
const entryPath = (dir: string, key: string, namespace = 'embeddings') => {
  const hash = keyHash(key);
  return join(dir, 'store', namespace, hash.slice(0, 2), hash);
};
/** Every file under the namespace's folder, by name (entries, temporary files, size.log). */
const filesUnder = (dir: string): string[] =>
  readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((e) => !e.isDirectory())
    .map((e) => e.name);

describe('disk cache', () => {
  it('stats name the oldest and newest entries and the cap; delete removes one entry and its size', () => {
    const dir = tempDir();
    const cache = openDiskCache(dir, { namespace: 'responses', maxBytes: 123_456 });
    expect(cache.maxBytes).toBe(123_456);
    cache.put('old', bytes('first'));
    cache.put('new', bytes('second'));
    utimesSync(entryPath(dir, 'old', 'responses'), new Date(1_000_000), new Date(1_000_000));
    const stats = cache.stats();
    expect(stats).toMatchObject({ entries: 2, oldest: 1_000_000 });
    expect(stats.newest).toBeGreaterThan(Date.now() - 60_000);
    cache.delete('old');
    cache.delete('never stored');
    expect(cache.get('old')).toBeUndefined();
    expect(cache.get('new')?.toString()).toBe('second');
    expect(cache.stats()).toMatchObject({ entries: 1, bytes: lstatSync(entryPath(dir, 'new', 'responses')).size });
    // The size count follows: one put after the delete adds to what is left, not to what was.
    const sizeLog = readFileSync(join(dir, 'store', 'responses', 'size.log'), 'utf8');
    expect(sizeLog.trim().split('\n').at(-1)).toMatch(/^-\d+$/);
  });

  it('stores values under keys and reads each back alone; namespaces are apart', () => {
    const dir = tempDir();
    const vectors = openDiskCache(dir, { namespace: 'embeddings' });
    const responses = openDiskCache(dir, { namespace: 'responses' });
    expect(vectors.get('a')).toBeUndefined();
    vectors.putMany([
      { key: 'a', value: bytes('first') },
      { key: 'b', value: bytes('second') },
    ]);
    responses.putJson('a', { content: 'hello', usage: { cost: 0.5 } });
    expect(vectors.get('a')?.toString()).toBe('first');
    expect(vectors.get('b')?.toString()).toBe('second');
    expect(responses.getJson('a')).toEqual({ content: 'hello', usage: { cost: 0.5 } });
    expect(responses.get('b')).toBeUndefined();
    vectors.put('a', bytes('replaced'));
    expect(vectors.get('a')?.toString()).toBe('replaced');
    expect(vectors.stats().entries).toBe(2);
    // Private files, and the value is found at its key's hash without any index being read.
    expect(lstatSync(entryPath(dir, 'a')).mode & 0o777).toBe(0o600);
    rmSync(join(dir, 'store', 'embeddings', 'size.log'));
    expect(openDiskCache(dir, { namespace: 'embeddings' }).get('b')?.toString()).toBe('second');
    vectors.clear();
    expect(vectors.get('a')).toBeUndefined();
    expect(vectors.stats()).toEqual({ entries: 0, bytes: 0 });
    expect(() => openDiskCache(dir, { namespace: '../x' })).toThrow(/invalid cache namespace/);
  });

  it('holds its size cap, evicting the least recently used entries', () => {
    const dir = tempDir();
    const value = Buffer.alloc(1000, 7);
    // Entries are about 1,017 bytes: five fit under 5,500.
    const cache = openDiskCache(dir, { namespace: 'embeddings', maxBytes: 5500, touchAfterMs: 0 });
    cache.putMany(['a', 'b', 'c', 'd'].map((key) => ({ key, value })));
    // Written long ago, in this order; then `a` is read, which makes it the most recent.
    ['a', 'b', 'c', 'd'].forEach((key, i) => utimesSync(entryPath(dir, key), 1_000_000 + i, 1_000_000 + i));
    expect(cache.get('a')).toBeDefined();
    expect(lstatSync(entryPath(dir, 'a')).mtimeMs).toBeGreaterThan(Date.now() - 60_000);
    cache.put('e', value);
    cache.put('f', value);
    // Past the cap: the least recently used go until at most 80 % of it is held (b and c).
    const left = ['a', 'b', 'c', 'd', 'e', 'f'].filter((key) => cache.get(key));
    expect(left).toEqual(['a', 'd', 'e', 'f']);
    const { bytes: held } = cache.stats();
    expect(held).toBeLessThanOrEqual(5500 * 0.8);
    expect(readFileSync(join(dir, 'store', 'embeddings', 'size.log'), 'utf8')).toBe(`${held}\n`);
  });

  it('size.log, a line per run that stores something, is replaced by its sum once it is long', () => {
    const dir = tempDir();
    const value = Buffer.alloc(100, 1);
    const log = join(dir, 'store', 'embeddings', 'size.log');
    openDiskCache(dir, { namespace: 'embeddings' }).put('first', value);
    const entry = lstatSync(entryPath(dir, 'first')).size;
    // 300 earlier runs' lines (as if each had stored 10 bytes), then this run's first put.
    writeFileSync(log, `${entry}\n${'+10\n'.repeat(300)}`);
    const cache = openDiskCache(dir, { namespace: 'embeddings' });
    cache.put('second', value);
    const second = lstatSync(entryPath(dir, 'second')).size;
    expect(readFileSync(log, 'utf8')).toBe(`${entry + 3000}\n+${second}\n`);
    // Short logs are left as they are; the sum is the same either way.
    cache.put('third', value);
    expect(readFileSync(log, 'utf8').split('\n').filter(Boolean)).toHaveLength(3);
    writeFileSync(log, `${entry}\n${'+10\n'.repeat(200)}`);
    openDiskCache(dir, { namespace: 'embeddings' }).put('fourth', value);
    expect(readFileSync(log, 'utf8').split('\n').filter(Boolean)).toHaveLength(202);
  });

  it('prepare makes the folders for its keys and reads the size count, as the first put would; never through a link', () => {
    const dir = tempDir();
    const log = join(dir, 'store', 'embeddings', 'size.log');
    openDiskCache(dir, { namespace: 'embeddings' }).put('earlier', Buffer.alloc(50, 1));
    const earlier = lstatSync(entryPath(dir, 'earlier')).size;
    const cache = openDiskCache(dir, { namespace: 'embeddings' });
    cache.prepare(['one', 'two']);
    for (const key of ['one', 'two']) expect(lstatSync(join(entryPath(dir, key), '..')).isDirectory()).toBe(true);
    expect(existsSync(entryPath(dir, 'one'))).toBe(false);
    // The count was read then: a line another run adds afterwards is not summed by this one.
    writeFileSync(log, `${earlier}\n+999999\n`);
    cache.put('one', Buffer.alloc(50, 2));
    const one = lstatSync(entryPath(dir, 'one')).size;
    expect(readFileSync(log, 'utf8')).toBe(`${earlier}\n+999999\n+${one}\n`);
    expect(cache.get('one')).toEqual(Buffer.alloc(50, 2));
    // A fan-out folder planted as a link: refused (said once), nothing made through it, no throw.
    const fanOf = (key: string) => keyHash(key).slice(0, 2);
    const planted = ['three', 'four', 'five', 'six'].find((key) => !['earlier', 'one', 'two'].map(fanOf).includes(fanOf(key))) as string;
    const outside = join(dir, 'outside');
    mkdirSync(outside);
    symlinkSync(outside, join(entryPath(dir, planted), '..'));
    const warnings: string[] = [];
    openDiskCache(dir, { namespace: 'embeddings', warn: (m) => warnings.push(m) }).prepare([planted]);
    expect(readdirSync(outside)).toEqual([]);
    expect(warnings.join('\n')).toMatch(/is a symbolic link/);
  });

  it('the cap holds over many puts, counted across runs', () => {
    const dir = tempDir();
    const value = Buffer.alloc(2000, 1);
    for (let run = 0; run < 4; run++) {
      const cache = openDiskCache(dir, { namespace: 'embeddings', maxBytes: 50_000 });
      for (let i = 0; i < 25; i++) cache.put(`run ${run} entry ${i}`, value);
      expect(cache.stats().bytes).toBeLessThanOrEqual(50_000);
    }
    const cache = openDiskCache(dir, { namespace: 'embeddings', maxBytes: 50_000 });
    expect(cache.stats().entries).toBeGreaterThan(10);
    expect(cache.get('run 3 entry 24')).toEqual(value);
  });

  it('parallel writers in 6 processes: every entry whole, none lost, the count right', async () => {
    const dir = tempDir();
    const module = join(root, 'dist', 'state', 'disk-cache', 'index.js');
    expect(existsSync(module)).toBe(true); // npm test builds dist/ first
    // Each process writes 60 entries of its own and the same 60 shared keys (values differ by process).
    const script = `
      const { openDiskCache } = await import(${JSON.stringify(module)});
      const cache = openDiskCache(process.argv[1], { namespace: 'embeddings' });
      const me = process.argv[2];
      for (let i = 0; i < 60; i++) {
        cache.putMany([{ key: 'own ' + me + ' ' + i, value: Buffer.alloc(3000 + i, Number(me)) }, { key: 'shared ' + i, value: Buffer.alloc(5000, Number(me)) }]);
        const got = cache.get('shared ' + i);
        if (!got || got.length !== 5000 || !got.every((b) => b === got[0])) throw new Error('torn entry read');
      }`;
    await Promise.all(Array.from({ length: 6 }, (_, me) => run(process.execPath, ['--input-type=module', '-e', script, dir, String(me + 1)])));
    const cache = openDiskCache(dir, { namespace: 'embeddings' });
    for (let me = 1; me <= 6; me++) {
      for (let i = 0; i < 60; i++) expect(cache.get(`own ${me} ${i}`)).toEqual(Buffer.alloc(3000 + i, me));
    }
    for (let i = 0; i < 60; i++) {
      const value = cache.get(`shared ${i}`);
      expect(value?.length).toBe(5000);
      expect(new Set(value)).toHaveProperty('size', 1);
    }
    expect(filesUnder(dir).filter((name) => name.includes('.tmp-'))).toEqual([]);
    expect(cache.stats().entries).toBe(6 * 60 + 60);
  }, 120_000);

  it('a torn or damaged entry is a miss, said once, and replaced by the next put', () => {
    const dir = tempDir();
    const warnings: string[] = [];
    const cache = openDiskCache(dir, { namespace: 'embeddings', warn: (m) => warnings.push(m) });
    cache.putMany(['torn', 'flipped', 'moved'].map((key) => ({ key, value: bytes(`value of ${key}`) })));
    const torn = entryPath(dir, 'torn');
    writeFileSync(torn, readFileSync(torn).subarray(0, 20));
    const flipped = entryPath(dir, 'flipped');
    const damaged = readFileSync(flipped);
    damaged.writeUInt8((damaged.at(-1) as number) ^ 1, damaged.length - 1);
    writeFileSync(flipped, damaged);
    // A whole entry under another key's name is not that key's value.
    mkdirSync(join(entryPath(dir, 'other'), '..'), { recursive: true });
    writeFileSync(entryPath(dir, 'other'), readFileSync(entryPath(dir, 'moved')));
    expect(cache.get('torn')).toBeUndefined();
    expect(cache.get('flipped')).toBeUndefined();
    expect(cache.get('other')).toBeUndefined();
    expect(warnings).toEqual([expect.stringMatching(/^ignored a damaged entry of the embeddings cache \(.*\); it is replaced when stored again$/)]);
    cache.put('torn', bytes('again'));
    expect(cache.get('torn')?.toString()).toBe('again');
  });

  it("a writer's temporary file left behind is never read, and is swept once its writer is gone", () => {
    const dir = tempDir();
    const cache = openDiskCache(dir, { namespace: 'embeddings', maxBytes: 3000 });
    const path = entryPath(dir, 'k');
    mkdirSync(join(path, '..'), { recursive: true });
    // A dead process (pid 2^22 + 1 is above Linux's default pid_max) killed mid-write.
    const temp = `${path}.tmp-${'x'.repeat(3)}-4194305-0123abcd`;
    writeFileSync(temp, 'DSC1 half an ent');
    utimesSync(temp, 1_000, 1_000);
    expect(cache.get('k')).toBeUndefined();
    // An eviction scan removes it (it is older than a minute).
    cache.putMany(['a', 'b', 'c'].map((key) => ({ key, value: Buffer.alloc(1500) })));
    expect(existsSync(temp)).toBe(false);
  });

  it('a link planted under an entry or a folder name is never followed, read or written through', () => {
    const dir = tempDir();
    const warnings: string[] = [];
    const cache = openDiskCache(dir, { namespace: 'embeddings', warn: (m) => warnings.push(m) });
    cache.put('real', bytes('the real value'));
    // A valid entry for "planted" lies elsewhere; a link to it takes the entry's name.
    const outside = join(dir, 'outside');
    mkdirSync(outside);
    const elsewhere = openDiskCache(outside, { namespace: 'embeddings' });
    elsewhere.put('planted', bytes('attacker value'));
    const target = entryPath(outside, 'planted');
    const link = entryPath(dir, 'planted');
    mkdirSync(join(link, '..'), { recursive: true });
    symlinkSync(target, link);
    const before = readFileSync(target);
    expect(cache.get('planted')).toBeUndefined();
    cache.put('planted', bytes('ours'));
    expect(readFileSync(target)).toEqual(before);
    expect(elsewhere.get('planted')?.toString()).toBe('attacker value');
    expect(lstatSync(link).isSymbolicLink()).toBe(true);
    expect(warnings.join('\n')).toMatch(/is a symbolic link.*this run goes on without that state/);
    // A fan-out folder replaced by a link to another folder: not read through either.
    const hash = keyHash('real');
    const fan = join(dir, 'store', 'embeddings', hash.slice(0, 2));
    rmSync(fan, { recursive: true });
    symlinkSync(join(outside, 'store', 'embeddings', keyHash('planted').slice(0, 2)), fan);
    const fresh = openDiskCache(dir, { namespace: 'embeddings', warn: (m) => warnings.push(m) });
    expect(fresh.get('real')).toBeUndefined();
    fresh.put('real', bytes('x'));
    expect(readdirSync(join(outside, 'store', 'embeddings', keyHash('planted').slice(0, 2)))).toEqual([keyHash('planted')]);
  });

  it('numbers packed two characters to a byte read back as the same text', () => {
    for (const vector of [[0.5], [-0.0123456789, 1e-7, -1.5e21, 0, 12345.678], Array.from({ length: 1536 }, (_, i) => Math.sin(i) / 10)]) {
      const text = JSON.stringify(vector).slice(1, -1);
      const packed = packNumbers(text);
      expect(packed?.length).toBe(Math.ceil(text.length / 2));
      expect(unpackNumbers(packed as Buffer).toString('latin1')).toBe(text);
    }
    expect(packNumbers('1,"x"')).toBeUndefined();
    expect(packNumbers('1]},{"a":1')).toBeUndefined();
  });

  it('the native codec and the loop give the same bytes, and packNumbers moves from one to the other', () => {
    const alphabet = fc.constantFrom(...'0123456789-.e+,'.split(''));
    const numbers = fc.array(fc.double({ noNaN: true, noDefaultInfinity: true }), { minLength: 1, maxLength: 40 }).map((v) => JSON.stringify(v).slice(1, -1));
    const anyText = fc.oneof(fc.string({ unit: alphabet, maxLength: 61 }), numbers, fc.string({ maxLength: 20 }), fc.string({ unit: 'binary', maxLength: 20 }));
    fc.assert(
      fc.property(anyText, (text) => {
        const native = packNative(text);
        const loop = packLoop(text);
        expect(native === undefined ? undefined : [...native]).toEqual(loop === undefined ? undefined : [...loop]);
        if (loop) expect(unpackNative(loop).toString('latin1')).toBe(unpackLoop(loop).toString('latin1'));
      }),
      { numRuns: 2000 },
    );
    // Any byte (a damaged entry), the pad nibble in the middle too: both read it alike.
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 40 }), (bytes) => {
        expect(unpackNative(bytes).toString('latin1')).toBe(unpackLoop(bytes).toString('latin1'));
      }),
    );
    // Past the native calls, the same round trip.
    const text = JSON.stringify([0.25, -1e-9, 3]).slice(1, -1);
    for (let i = 0; i < NATIVE_CALLS + 3; i++) expect(unpackNumbers(packNumbers(text) as Buffer).toString('latin1')).toBe(text);
  });
});
