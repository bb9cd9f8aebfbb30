// One on-disk cache for values that scale (embedding vectors now, whole responses later): a
// look-up reads one small file and nothing else, whatever the cache holds.
//
// Layout: <cache>/store/<namespace>/<hh>/<sha256 of the key>, one file per entry, under a
// fan-out of 256 folders by the hash's first two hex digits (100,000 entries: about 400 per
// folder; a million: 4,000, which ext4's and APFS's indexed folders look up as fast). Each file
// holds a header (magic "DSC1", key length, value length, CRC-32 of key and value), the key
// itself (so that a file under the wrong name is a miss) and the value's bytes. A file whose
// length, magic, checksum or key does not match is a miss (reported once per run), never a
// crash; the next put replaces it.
//
// Across processes: an entry is written to a temporary file of our own (O_EXCL, O_NOFOLLOW,
// mode 0600) and renamed over its name, so a reader sees the whole old entry or the whole new
// one, never a torn one; parallel writers of one key leave one of their (equal) values. No
// fsync: an entry cut short by a power loss fails its checksum and is embedded again, where an
// fsync per entry would cost milliseconds each. Entries are opened with O_NOFOLLOW and must be
// plain files with one link; every folder below the user's root is checked with lstat (once per
// folder per run), so a planted link is never followed (safe-files.ts). Temporary files left
// by a killed writer are removed by the next eviction scan.
//
// Size cap: each namespace has one (default 2 GiB, enough for 100,000 vectors of 1,536
// dimensions). Sizes are counted in <namespace>/size.log, one appended line per batch of puts
// ("+12345"; O_APPEND, so parallel writers need no lock); the sum is read once per run, at the
// first put, and replaces the lines once there are more than 256. When it passes the cap, the entries are listed (lstat of each) and the least
// recently used ones are removed until the namespace holds at most 80 % of the cap; the log is
// then rewritten with the measured total, which also corrects any drift (an update lost to a
// race, a file removed by hand). "Recently used" is the file's mtime: set when written, and
// touched when read if it is more than an hour old (one system call, at most once an hour per
// entry). A cap may be passed by what parallel runs add before one of them notices.
//
// Measured on this machine (2 cores, loaded): a look-up of one entry among 100,000 costs about
// as much as one among 10 (a single open + read); the JSON-lines file this replaces was read
// whole by every run (183 MB for 10,000 vectors: 1.42 s and 414 MB to embed one new text). A
// library would have had to install without build scripts and not hold the whole database in
// memory: better-sqlite3 and lmdb build native code, sql.js loads the whole file, node:sqlite
// is Node 22's; cacache (npm's) has no size cap and follows links.
import { createHash } from 'node:crypto';
import { closeSync, constants, fstatSync, futimesSync, lstatSync, openSync, readdirSync, renameSync, unlinkSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { crc32 } from 'node:zlib';
import { defaultWarn, stateNotSaved, type Warn } from '../json-store.js';
import { rootOf } from '../paths.js';
import {
  appendStateFile,
  ensureStateDir,
  processIsAlive,
  randomHex,
  readInto,
  readStateFile,
  STALE_TEMP_MS,
  STATE_FILE_MODE,
  stateDirIsSafe,
  THIS_HOST,
  UnsafeStatePathError,
  writeStateFileAtomic,
} from '../safe-files.js';

const { O_CREAT, O_EXCL, O_NOFOLLOW, O_NONBLOCK, O_RDONLY, O_WRONLY } = constants;

export const DEFAULT_MAX_BYTES = 2 * 1024 ** 3;
/** After an eviction the namespace holds at most this share of its cap. */
const LOW_WATER = 0.8;
const TOUCH_AFTER_MS = 60 * 60 * 1000;
/** size.log is replaced by its sum once it holds more lines than this. */
const COMPACT_AFTER_LINES = 256;
/** No entry is larger than this: anything bigger under our name is not ours. */
export const MAX_ENTRY_BYTES = 256 * 1024 * 1024;

const NOTHING = new Uint8Array(0);
const MAGIC = 0x31435344; // "DSC1" read as a little-endian uint32
const HEADER_BYTES = 16;
const ENTRY_NAME = /^[0-9a-f]{64}$/;
const FAN_NAME = /^[0-9a-f]{2}$/;
const TEMP_NAME = /^[0-9a-f]{64}\.tmp-([\w.-]+)-(\d+)-[0-9a-f]{8}$/;
const NAMESPACE = /^[a-z][a-z0-9-]{0,31}$/;

export interface DiskCacheOptions {
  /** The values' kind: `embeddings`, `responses`. Each has its own folder, size count and cap. */
  namespace: string;
  /** The namespace's size cap in bytes (default 2 GiB). */
  maxBytes?: number;
  warn?: Warn;
  /** An entry read this long after it was last touched is touched again (default one hour). */
  touchAfterMs?: number;
  /** The clock, for tests. */
  now?: () => number;
}

export interface DiskCacheStats {
  entries: number;
  bytes: number;
  /** When the least and the most recently used entries were last written or read (ms since the epoch); absent when empty. */
  oldest?: number;
  newest?: number;
}

/** The store of one namespace. Every method is synchronous and none throws on a filesystem problem. */
export interface DiskCache {
  readonly dir: string;
  /** The namespace's size cap in bytes. */
  readonly maxBytes: number;
  /** The value stored under `key`, or undefined (absent, damaged, unreadable, not ours). */
  get(key: string): Buffer | undefined;
  /** The JSON value stored under `key` by putJson, or undefined. */
  getJson(key: string): unknown;
  /** Stores each value under its key (replacing what was there), then holds the cap. */
  putMany(entries: Iterable<{ key: string; value: Uint8Array }>): void;
  /**
   * Does now what the first put of these keys would: their folders made, the size count read,
   * the checksum's code loaded. For a caller with time to spare, such as a request's wait.
   */
  prepare(keys: Iterable<string>): void;
  put(key: string, value: Uint8Array): void;
  putJson(key: string, value: unknown): void;
  /** Removes the entry stored under `key`, if any (an expired one, say). */
  delete(key: string): void;
  /** What the namespace holds, counted on disk (lists every entry). */
  stats(): DiskCacheStats;
  /** Removes every entry of the namespace. */
  clear(): void;
}

/** The file name of a key: SHA-256, hex. */
export const keyHash = (key: string): string => createHash('sha256').update(key).digest('hex');

/** An entry's bytes: header, key, value. */
export function encodeEntry(key: string, value: Uint8Array): Buffer {
  const keyBytes = Buffer.from(key, 'utf8');
  const header = Buffer.allocUnsafe(HEADER_BYTES);
  header.writeUInt32LE(MAGIC, 0);
  header.writeUInt32LE(keyBytes.length, 4);
  header.writeUInt32LE(value.byteLength, 8);
  header.writeUInt32LE(crc32(value, crc32(keyBytes)), 12);
  return Buffer.concat([header, keyBytes, value]);
}

/** The value of an entry's bytes when they are whole and stored under `key`, else undefined. */
export function decodeEntry(bytes: Buffer, key: string): Buffer | undefined {
  if (bytes.length < HEADER_BYTES || bytes.readUInt32LE(0) !== MAGIC) return undefined;
  const keyLength = bytes.readUInt32LE(4);
  const valueLength = bytes.readUInt32LE(8);
  if (HEADER_BYTES + keyLength + valueLength !== bytes.length) return undefined;
  const keyBytes = bytes.subarray(HEADER_BYTES, HEADER_BYTES + keyLength);
  const value = bytes.subarray(HEADER_BYTES + keyLength);
  if (crc32(value, crc32(keyBytes)) !== bytes.readUInt32LE(12)) return undefined;
  if (keyBytes.toString('utf8') !== key) return undefined;
  return value;
}

const errorCode = (error: unknown) => (error as NodeJS.ErrnoException | undefined)?.code;

export function openDiskCache(cacheDir: string, options: DiskCacheOptions): DiskCache {
  if (!NAMESPACE.test(options.namespace)) throw new Error(`invalid cache namespace "${options.namespace}"`);
  const dir = join(cacheDir, 'store', options.namespace);
  const root = rootOf(cacheDir);
  const warn = options.warn ?? defaultWarn;
  const maxBytes = options.maxBytes ?? DEFAULT_MAX_BYTES;
  const touchAfterMs = options.touchAfterMs ?? TOUCH_AFTER_MS;
  const now = options.now ?? Date.now;
  const sizeLog = join(dir, 'size.log');

  const told = new Set<string>();
  /** Said once per kind of problem per run: a cache problem never stops the run. */
  const tell = (kind: string, message: string) => {
    if (told.has(kind)) return;
    told.add(kind);
    warn(message);
  };
  // A planted link (named once) or a filesystem that refuses (said once per run, with the other
  // state's refusals); anything else is a bug, and thrown.
  const tellUnsafe = (error: unknown) => stateNotSaved(error, warn);

  // Folders checked this run: true when safe to use, false when missing (reads) or refused.
  const readable = new Map<string, boolean>();
  const writable = new Set<string>();
  const fanOf = (hash: string) => join(dir, hash.slice(0, 2));
  const canRead = (fan: string): boolean => {
    let safe = readable.get(fan);
    if (safe === undefined) {
      try {
        safe = stateDirIsSafe(fan, root);
      } catch (error) {
        tellUnsafe(error);
        safe = false;
      }
      // A missing folder may be made by a later put of this run: only a refusal is kept.
      if (safe) readable.set(fan, true);
    }
    return safe;
  };
  const prepareWrite = (fan: string) => {
    if (writable.has(fan)) return;
    ensureStateDir(fan, root);
    writable.add(fan);
    readable.set(fan, true);
  };

  /** The namespace's size as counted in size.log (read once per run, then kept up to date here). */
  let counted: number | undefined;
  const readCount = (): number => {
    let total = 0;
    let lines = 0;
    try {
      for (const line of readStateFile(sizeLog)?.split('\n') ?? []) {
        const match = /^([+-]?)(\d{1,15})$/.exec(line.trim());
        if (!match) continue;
        lines += 1;
        const n = Number(match[2]);
        // A line without a sign is a measured total: it replaces what came before.
        total = match[1] === '' ? n : match[1] === '+' ? total + n : total - n;
      }
    } catch (error) {
      tellUnsafe(error);
    }
    total = Math.max(0, total);
    // Every run that stores something adds a line: summed whole by every later run, the log
    // would grow without end (1,500 lines, after 100,000 vectors, took 2 ms a run to read).
    // Past COMPACT_AFTER_LINES it is replaced by its sum. A line another run appends meanwhile
    // is lost with the old file: an undercount the next eviction's measure corrects, as it does
    // any other drift.
    if (lines > COMPACT_AFTER_LINES) recordTotal(total);
    return total;
  };

  const read = (path: string): Buffer | undefined => {
    let fd: number;
    try {
      fd = openSync(path, O_RDONLY | O_NOFOLLOW | O_NONBLOCK);
    } catch (error) {
      const code = errorCode(error);
      if (code === 'ELOOP') tellUnsafe(new UnsafeStatePathError(path));
      else if (code !== 'ENOENT' && code !== 'ENOTDIR') tell(`read ${code}`, `cache entry not read (${(error as Error).message})`);
      return undefined;
    }
    try {
      const stats = fstatSync(fd);
      // A FIFO or device would never end; a second hard link is someone else's file under our name.
      // No link at all is an entry another run replaced since it was opened: still whole, and ours.
      if (!stats.isFile() || stats.nlink > 1) {
        tellUnsafe(new UnsafeStatePathError(path));
        return undefined;
      }
      if (stats.size > MAX_ENTRY_BYTES) return undefined;
      const bytes = readInto(fd, Buffer.allocUnsafe(stats.size));
      if (bytes.length !== stats.size) return undefined;
      if (touchAfterMs >= 0 && now() - stats.mtimeMs >= touchAfterMs) {
        try {
          const at = new Date(now());
          futimesSync(fd, at, at);
        } catch {
          // Not ours to touch (another user's file): it ages out sooner, no harm.
        }
      }
      return bytes;
    } catch (error) {
      tell(`read ${errorCode(error)}`, `cache entry not read (${(error as Error).message})`);
      return undefined;
    } finally {
      closeSync(fd);
    }
  };

  /** Writes one entry through a temporary file; the size it adds (or removes) is returned. */
  const write = (key: string, value: Uint8Array): number => {
    const hash = keyHash(key);
    const fan = fanOf(hash);
    prepareWrite(fan);
    const path = join(fan, hash);
    const bytes = encodeEntry(key, value);
    const temp = `${path}.tmp-${THIS_HOST}-${process.pid}-${randomHex()}`;
    const fd = openSync(temp, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW, STATE_FILE_MODE);
    let renamed = false;
    try {
      try {
        for (let offset = 0; offset < bytes.length; ) offset += writeSync(fd, bytes, offset);
      } finally {
        closeSync(fd);
      }
      let before = 0;
      try {
        const existing = lstatSync(path);
        // A link or a folder planted under the name is refused, not replaced: the user learns of it.
        if (!existing.isFile()) throw new UnsafeStatePathError(path);
        before = existing.size;
      } catch (error) {
        if (errorCode(error) !== 'ENOENT') throw error;
      }
      renameSync(temp, path);
      renamed = true;
      return bytes.length - before;
    } finally {
      if (!renamed) unlinkQuietly(temp);
    }
  };

  interface Listed {
    path: string;
    size: number;
    mtimeMs: number;
  }
  /** Every entry, with dead writers' temporary files removed on the way. */
  const list = (): Listed[] => {
    const entries: Listed[] = [];
    let fans: string[];
    try {
      if (!stateDirIsSafe(dir, root)) return entries;
      fans = readdirSync(dir).filter((name) => FAN_NAME.test(name));
    } catch (error) {
      if (errorCode(error) !== 'ENOENT') tellUnsafe(error);
      return entries;
    }
    for (const name of fans) {
      const fan = join(dir, name);
      let names: string[];
      try {
        if (!lstatSync(fan).isDirectory()) continue;
        names = readdirSync(fan);
      } catch {
        continue;
      }
      for (const file of names) {
        const path = join(fan, file);
        try {
          const stats = lstatSync(path);
          if (ENTRY_NAME.test(file)) {
            if (stats.isFile()) entries.push({ path, size: stats.size, mtimeMs: stats.mtimeMs });
            continue;
          }
          const temp = TEMP_NAME.exec(file);
          if (!temp || !(stats.isFile() || stats.isSymbolicLink())) continue;
          const writerGone = temp[1] === THIS_HOST && Number(temp[2]) !== process.pid && !processIsAlive(Number(temp[2]));
          if (writerGone || now() - stats.mtimeMs > STALE_TEMP_MS) unlinkSync(path);
        } catch {
          // Removed by another run meanwhile.
        }
      }
    }
    return entries;
  };

  /** Records the measured total in size.log (replacing the sum of what it held). */
  const recordTotal = (total: number) => {
    try {
      writeStateFileAtomic(sizeLog, `${total}\n`);
      counted = total;
    } catch (error) {
      tellUnsafe(error);
    }
  };

  /** Removes the least recently used entries until the namespace is at most LOW_WATER of its cap. */
  const evict = () => {
    const entries = list().sort((a, b) => a.mtimeMs - b.mtimeMs);
    let total = entries.reduce((sum, e) => sum + e.size, 0);
    const target = maxBytes * LOW_WATER;
    for (const entry of entries) {
      if (total <= target) break;
      unlinkQuietly(entry.path);
      total -= entry.size;
    }
    recordTotal(total);
  };

  const cache: DiskCache = {
    dir,
    maxBytes,
    get(key) {
      const hash = keyHash(key);
      const fan = fanOf(hash);
      if (!canRead(fan)) return undefined;
      const bytes = read(join(fan, hash));
      if (!bytes) return undefined;
      const value = decodeEntry(bytes, key);
      if (!value) tell('damaged', `ignored a damaged entry of the ${options.namespace} cache (${join(fan, hash)}); it is replaced when stored again`);
      return value;
    },
    getJson(key) {
      const value = cache.get(key);
      if (!value) return undefined;
      try {
        return JSON.parse(value.toString('utf8')) as unknown;
      } catch {
        return undefined;
      }
    },
    putMany(entries) {
      let added = 0;
      for (const { key, value } of entries) {
        try {
          added += write(key, value);
        } catch (error) {
          tellUnsafe(error);
          // A link planted under one entry's name spoils that entry; anything else (a read-only
          // or full disk) would fail for every one.
          if (!(error instanceof UnsafeStatePathError)) break;
        }
      }
      if (added === 0) return;
      counted ??= readCount();
      counted += added;
      try {
        appendStateFile(sizeLog, `${added >= 0 ? '+' : '-'}${Math.abs(added)}\n`);
      } catch (error) {
        tellUnsafe(error);
      }
      if (counted > maxBytes) evict();
    },
    prepare(keys) {
      try {
        for (const key of keys) prepareWrite(fanOf(keyHash(key)));
        counted ??= readCount();
        // node:zlib loads at its first use (about 1 ms).
        crc32(NOTHING);
      } catch (error) {
        tellUnsafe(error);
      }
    },
    put(key, value) {
      cache.putMany([{ key, value }]);
    },
    putJson(key, value) {
      cache.put(key, Buffer.from(JSON.stringify(value), 'utf8'));
    },
    delete(key) {
      const hash = keyHash(key);
      const fan = fanOf(hash);
      if (!canRead(fan)) return;
      const path = join(fan, hash);
      let size: number;
      try {
        const stats = lstatSync(path);
        if (!stats.isFile()) return;
        size = stats.size;
        unlinkSync(path);
      } catch {
        return;
      }
      counted ??= readCount();
      counted = Math.max(0, counted - size);
      try {
        appendStateFile(sizeLog, `-${size}\n`);
      } catch (error) {
        tellUnsafe(error);
      }
    },
    stats() {
      const entries = list();
      const stats: DiskCacheStats = { entries: entries.length, bytes: entries.reduce((sum, e) => sum + e.size, 0) };
      if (entries.length > 0) {
        // A loop, not Math.min(...): a spread of a million entries overflows the stack.
        stats.oldest = entries.reduce((min, e) => Math.min(min, e.mtimeMs), Infinity);
        stats.newest = entries.reduce((max, e) => Math.max(max, e.mtimeMs), -Infinity);
      }
      return stats;
    },
    clear() {
      for (const entry of list()) unlinkQuietly(entry.path);
      if (stateDirIsSafeQuietly(dir, root)) recordTotal(0);
    },
  };
  return cache;
}

function stateDirIsSafeQuietly(dir: string, root: string): boolean {
  try {
    return stateDirIsSafe(dir, root);
  } catch {
    return false;
  }
}

function unlinkQuietly(path: string): void {
  try {
    unlinkSync(path);
  } catch {
    // Already gone.
  }
}
