// A cross-process lock for a state file's read-modify-write: `<file>.lock`, created exclusively
// (O_EXCL) and holding "<host> <pid> <nonce>". It replaces proper-lockfile, whose lock is an
// empty folder judged only by its age: a run killed while holding it (kill -9, OOM) made every
// later run wait out the 10 s staleness period. Here a waiter on the same machine sees at once
// that the holder's process is gone and takes the lock over. A holder on another machine, or
// one whose pid was reused, is judged by age as before (the holder touches its lock while it
// holds it, so a live one never looks stale).
import { closeSync, constants, lstatSync, openSync, rmdirSync, unlinkSync, utimesSync, writeSync } from 'node:fs';
import { processIsAlive, randomHex, readStateFile, STATE_FILE_MODE, THIS_HOST } from './safe-files.js';

const { O_CREAT, O_EXCL, O_NOFOLLOW, O_WRONLY } = constants;

export interface LockOptions {
  /** A lock untouched for this long is taken over whoever holds it. */
  staleMs?: number;
  /** How long to wait for a live holder before giving up (ELOCKED). */
  waitMs?: number;
}

export const DEFAULT_STALE_MS = 10_000;
const DEFAULT_WAIT_MS = 20_000;
/** A takeover is a few system calls: a guard older than this was left by a dead taker. */
const TAKEOVER_STALE_MS = 1_000;

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Creates `path` exclusively with `content`; false when it exists. */
function createExclusive(path: string, content: string): boolean {
  let fd: number;
  try {
    fd = openSync(path, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW, STATE_FILE_MODE);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'EEXIST') return false;
    throw error;
  }
  try {
    writeSync(fd, content);
  } finally {
    closeSync(fd);
  }
  return true;
}

type Holder = { state: 'free' | 'held' | 'gone' };

/** Who holds the lock at `path`, and whether they are gone (dead here, or silent too long). */
function inspect(path: string, staleMs: number): Holder {
  let stats;
  try {
    stats = lstatSync(path);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return { state: 'free' };
    throw error;
  }
  const stale = Date.now() - stats.mtimeMs > staleMs;
  // proper-lockfile's folder (an older version running alongside) or something planted: only age tells.
  if (!stats.isFile()) return { state: stale ? 'gone' : 'held' };
  let content: string | undefined;
  try {
    content = readStateFile(path);
  } catch {
    content = undefined;
  }
  if (content === undefined) return { state: 'free' };
  const [host, pidText] = content.split(' ');
  const pid = Number(pidText);
  // An empty lock is one being written this instant (or whose writer died in that instant): age decides.
  const deadHere = host === THIS_HOST && Number.isInteger(pid) && pid > 0 && !processIsAlive(pid);
  return { state: deadHere || stale ? 'gone' : 'held' };
}

function removeLock(path: string): void {
  try {
    if (lstatSync(path).isDirectory()) rmdirSync(path);
    else unlinkSync(path);
  } catch {
    // Taken over and released by another waiter meanwhile.
  }
}

/**
 * Removes a lock whose holder is gone. Two waiters may see the same dead holder: the takeover
 * is done under a guard file, and the lock is checked again under it, so that the second one
 * cannot remove the lock the first one has just taken.
 */
function takeOver(lockPath: string, staleMs: number, ownContent: string): boolean {
  const guard = `${lockPath}.takeover`;
  if (!createExclusive(guard, ownContent)) {
    if (inspect(guard, TAKEOVER_STALE_MS).state === 'gone') removeLock(guard);
    return false;
  }
  try {
    if (inspect(lockPath, staleMs).state !== 'gone') return true;
    removeLock(lockPath);
    return inspect(lockPath, staleMs).state === 'free';
  } finally {
    removeLock(guard);
  }
}

/**
 * Takes the lock of the state file at `path` (its folder must exist); resolves to the function
 * that releases it. Fails with code ELOCKED after `waitMs` of a live holder.
 */
export async function lockStateFile(path: string, options: LockOptions = {}): Promise<() => void> {
  const lockPath = `${path}.lock`;
  const staleMs = options.staleMs ?? DEFAULT_STALE_MS;
  const deadline = Date.now() + (options.waitMs ?? DEFAULT_WAIT_MS);
  const content = `${THIS_HOST} ${process.pid} ${randomHex()}${randomHex()}`;
  for (let attempt = 0; !createExclusive(lockPath, content); attempt++) {
    const holder = inspect(lockPath, staleMs);
    // A dead holder's lock is taken over at once; only a live one is waited for.
    if (holder.state === 'free' || (holder.state === 'gone' && takeOver(lockPath, staleMs, content))) continue;
    if (Date.now() > deadline) {
      throw Object.assign(new Error(`${path} stayed locked by another run for ${Math.round((options.waitMs ?? DEFAULT_WAIT_MS) / 1000)} s`), { code: 'ELOCKED' });
    }
    await sleep(Math.min(100, 5 * 2 ** Math.min(attempt, 5)) * (0.5 + Math.random()));
  }
  // Touched while held, so that a long hold by a live run never looks stale to others.
  const keepFresh = setInterval(() => {
    try {
      const now = new Date();
      utimesSync(lockPath, now, now);
    } catch {
      // Taken over meanwhile: the release below then leaves the new holder's lock alone.
    }
  }, staleMs / 2);
  keepFresh.unref();
  let released = false;
  return () => {
    if (released) return;
    released = true;
    clearInterval(keepFresh);
    try {
      if (readStateFile(lockPath) === content) unlinkSync(lockPath);
    } catch {
      // Already gone.
    }
  };
}
