// The state directory is the user's, but anyone who could write into it once could plant a
// symbolic link there (usage.json → ~/.bashrc) and have the next run overwrite or append to its
// target. So every state file is opened with O_NOFOLLOW, written through a temporary file of our
// own that is renamed over the name (rename replaces a link, never follows it), and every
// directory below the chosen root is checked with lstat: a link is refused, with one warning
// naming it, and the run goes on without that state. conf is not used for this: its atomic
// write (the `atomically` package) resolves the destination's realpath, so it writes its
// temporary file beside the link's target, renames it over the target and chmods it (tested).
import { closeSync, constants, fstatSync, fsyncSync, lstatSync, mkdirSync, openSync, readdirSync, readFileSync, readSync, renameSync, type Stats, unlinkSync, writeSync } from 'node:fs';
import { hostname } from 'node:os';
import { join, relative, sep } from 'node:path';

// O_NONBLOCK: a FIFO planted under our name would otherwise block the open forever.
const { O_APPEND, O_CREAT, O_EXCL, O_NOFOLLOW, O_NONBLOCK, O_RDONLY, O_WRONLY } = constants;

export const STATE_FILE_MODE = 0o600;
export const STATE_DIR_MODE = 0o700;

/** A path in the state directory that is a symbolic link (or not what it should be): not used. */
export class UnsafeStatePathError extends Error {
  // A filesystem-style code, so that stateNotSaved takes it as "not saved", not as a bug.
  readonly code = 'ELOOP';
  constructor(readonly path: string) {
    super(`${path} is a symbolic link, a hard link or not a plain file or folder: not using it`);
  }
}

function refuseLink(error: unknown, path: string): never {
  // O_NOFOLLOW on a link fails with ELOOP (Linux, macOS).
  if ((error as NodeJS.ErrnoException).code === 'ELOOP') throw new UnsafeStatePathError(path);
  throw error;
}

/**
 * Makes sure `dir` and every folder between `root` and it exist as real folders (0700 when we
 * create them). `root` itself is the user's choice (DEVSYNTH_HOME, the XDG folder) and may be a
 * link; anything below it that is a link is refused.
 */
export function ensureStateDir(dir: string, root: string): void {
  mkdirSync(root, { recursive: true, mode: STATE_DIR_MODE });
  const below = relative(root, dir);
  if (below === '' || below.startsWith('..')) return;
  let current = root;
  for (const part of below.split(sep)) {
    current = join(current, part);
    try {
      mkdirSync(current, { mode: STATE_DIR_MODE });
      continue;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    }
    if (!lstatSync(current).isDirectory()) throw new UnsafeStatePathError(current);
  }
}

/** Checks without creating: false when a folder below `root` is missing; throws when one is a link. */
export function stateDirIsSafe(dir: string, root: string): boolean {
  const below = relative(root, dir);
  if (below === '' || below.startsWith('..')) return true;
  let current = root;
  for (const part of below.split(sep)) {
    current = join(current, part);
    let stats;
    try {
      stats = lstatSync(current);
    } catch (error) {
      // Missing, or under a plain file (ENOTDIR): nothing to read there; a write will say why.
      const code = (error as NodeJS.ErrnoException).code;
      if (code === 'ENOENT' || code === 'ENOTDIR') return false;
      throw error;
    }
    if (!stats.isDirectory()) throw new UnsafeStatePathError(current);
  }
  return true;
}

/**
 * A plain file's number of links, or undefined for anything else. Ours have one; none is a file
 * another run replaced (renamed over) since this one opened it; two or more are someone else's.
 */
function linksOf(stats: Stats): number | undefined {
  return stats.isFile() ? stats.nlink : undefined;
}

/**
 * Where a read puts a file's bytes: a buffer of `size` bytes, the caller's own (one it reuses
 * for several files, say; fresh memory costs its page faults, about 3 ms a megabyte here).
 */
export type BufferFor = (size: number) => Buffer;

/** The file's text, or undefined when there is none; a link is refused (UnsafeStatePathError). */
export function readStateFile(path: string): string | undefined {
  return readStateBytes(path)?.toString('utf8');
}

/**
 * The file's bytes, or undefined when there is none; a link is refused (UnsafeStatePathError).
 * With `bufferFor`, they are read into the buffer it gives.
 */
export function readStateBytes(path: string, bufferFor?: BufferFor): Buffer | undefined {
  let fd: number;
  try {
    fd = openSync(path, O_RDONLY | O_NOFOLLOW | O_NONBLOCK);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    return refuseLink(error, path);
  }
  try {
    // A FIFO or device planted under our name would never end: plain files only. A second
    // hard link is someone else's file under our name (ours are never linked). A file replaced
    // since it was opened (no link left) is still a whole one of ours: a parallel run's rename.
    const stats = fstatSync(fd);
    const links = linksOf(stats);
    if (links === undefined || links > 1) throw new UnsafeStatePathError(path);
    return bufferFor ? readInto(fd, bufferFor(stats.size)) : readFileSync(fd);
  } finally {
    closeSync(fd);
  }
}

/** The bytes read from `fd` into `buffer`, from the start until the buffer is full or the file ends. */
export function readInto(fd: number, buffer: Buffer): Buffer {
  let offset = 0;
  while (offset < buffer.length) {
    const n = readSync(fd, buffer, offset, buffer.length - offset, offset);
    if (n === 0) break;
    offset += n;
  }
  return buffer.subarray(0, offset);
}

const HOST_TAG = hostname().replace(/[^\w.-]+/g, '_').slice(0, 32) || 'host';
const TEMP_MARK = '.tmp-';

/**
 * 8 hex digits, to tell apart names made by one process. Math.random, not node:crypto: this
 * module loads with every command, crypto costs milliseconds to load, and O_EXCL already
 * guards a collision.
 */
export function randomHex(): string {
  return Math.floor(Math.random() * 0x1_0000_0000)
    .toString(16)
    .padStart(8, '0');
}

/** Our temporary files: `<file>.tmp-<host>-<pid>-<random>`, so a later run can tell whose they are. */
function tempPathFor(path: string): string {
  return `${path}${TEMP_MARK}${HOST_TAG}-${process.pid}-${randomHex()}`;
}

/**
 * Replaces the file with `text` in one step (a temporary file renamed over it), mode 0600. A
 * link at the name is refused rather than replaced, so the user learns about it.
 */
export function writeStateFileAtomic(path: string, text: string | Uint8Array): void {
  const temp = tempPathFor(path);
  const fd = openSync(temp, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW, STATE_FILE_MODE);
  let renamed = false;
  try {
    try {
      writeAll(fd, text);
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
    let existing;
    try {
      existing = lstatSync(path);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
    }
    if (existing && !existing.isFile()) throw new UnsafeStatePathError(path);
    renameSync(temp, path);
    renamed = true;
  } finally {
    if (!renamed) unlinkQuietly(temp);
  }
}

/** Appends `text` (mode 0600 when it creates the file); a link is refused. */
export function appendStateFile(path: string, text: string): void {
  // A file another run replaces (renames over) between the open and the write would take the
  // line with it: opened again, a few times at most.
  for (let attempt = 1; ; attempt++) {
    let fd: number;
    try {
      fd = openSync(path, O_WRONLY | O_APPEND | O_CREAT | O_NOFOLLOW | O_NONBLOCK, STATE_FILE_MODE);
    } catch (error) {
      return refuseLink(error, path);
    }
    try {
      const links = linksOf(fstatSync(fd));
      if (links === undefined || links > 1) throw new UnsafeStatePathError(path);
      if (links === 0 && attempt < 5) continue;
      writeAll(fd, text);
      return;
    } finally {
      closeSync(fd);
    }
  }
}

/** writeSync may write less than asked (a large buffer, a signal): loop until all is written. */
function writeAll(fd: number, text: string | Uint8Array): void {
  const bytes = typeof text === 'string' ? Buffer.from(text, 'utf8') : text;
  for (let offset = 0; offset < bytes.length; ) offset += writeSync(fd, bytes, offset);
}

function unlinkQuietly(path: string): void {
  try {
    unlinkSync(path);
  } catch {
    // Already gone.
  }
}

/** True when `pid` names a live process on this machine (EPERM: alive, but another user's). */
export function processIsAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

export const THIS_HOST = HOST_TAG;

/**
 * A temporary file left by a writer that died (kill -9, power loss) is removed once its writer
 * is gone, or once it is older than this, whoever wrote it (another machine, or the previous
 * library's `<file>.tmp-<digits>` names). A live write takes milliseconds.
 */
export const STALE_TEMP_MS = 60_000;

const OUR_TEMP = /\.tmp-([\w.-]+)-(\d+)-[0-9a-f]{8}$/;
/** The names conf's `atomically` gave its temporary files (earlier versions). */
const LEGACY_TEMP = /\.tmp-\d{10}[0-9a-f]{6}$/;
const swept = new Set<string>();

/** Removes dead writers' temporary files from `dir`, once per folder per run; never fails. */
export function sweepStaleTempFiles(dir: string, now = Date.now()): void {
  if (swept.has(dir)) return;
  swept.add(dir);
  let names: string[];
  try {
    names = readdirSync(dir).filter((name) => OUR_TEMP.test(name) || LEGACY_TEMP.test(name));
  } catch {
    return;
  }
  for (const name of names) {
    const path = join(dir, name);
    try {
      const stats = lstatSync(path);
      if (!stats.isFile() && !stats.isSymbolicLink()) continue;
      const ours = OUR_TEMP.exec(name);
      const writerGone = ours !== null && ours[1] === HOST_TAG && Number(ours[2]) !== process.pid && !processIsAlive(Number(ours[2]));
      if (writerGone || now - stats.mtimeMs > STALE_TEMP_MS) unlinkSync(path);
    } catch {
      // Removed by another run meanwhile, or not ours to remove: left alone.
    }
  }
}
