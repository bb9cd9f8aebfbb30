// `batch -o FILE`: results appended one line per item, each with one write as soon as it is
// done, so `kill -9` loses only the items in flight. Re-running with the same file resumes:
// the items it already answered are skipped (by id, else by their line's hash), failed ones
// are tried again, a last line cut short by a kill is dropped; at the end the file is
// compacted to one line per item (a temporary file renamed over it). A symbolic link at the
// name is refused: the results are not written wherever a link planted there points. One batch
// writes a file at a time: it holds `<file>.lock` for its whole run (lockOutputFile).
import { closeSync, constants, fstatSync, fsyncSync, ftruncateSync, lstatSync, openSync, renameSync, unlinkSync, writeSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import { UsageError } from '../../core/index.js';
import { lockStateFile } from '../../state/file-lock.js';
import { readStateFile, THIS_HOST } from '../../state/safe-files.js';
import { fileLines, parseResultLine, resultKey } from './ndjson-file.js';

const { O_APPEND, O_CREAT, O_EXCL, O_NOFOLLOW, O_RDWR, O_WRONLY } = constants;

export interface OutputFile {
  /** The keys of the items an earlier run answered: not sent again. */
  readonly done: ReadonlySet<string>;
  /** Lines kept from earlier runs (answered or failed). */
  readonly earlier: number;
  /** Appends one result line (with its "\n") in one write; `key` is its item's. */
  write(line: string, key: string): void;
  /** Closes the file, compacting it to one line per item when it has more. */
  close(): void;
}

function refuseUnsafe(path: string, what: string): void {
  let stats;
  try {
    stats = lstatSync(path);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return;
    throw new UsageError(`cannot write ${what}: ${(error as Error).message}`);
  }
  if (stats.isSymbolicLink()) throw new UsageError(`cannot write ${what}: it is a symbolic link`, { hint: 'name the file itself: results are not written through links' });
  if (!stats.isFile()) throw new UsageError(`cannot write ${what}: not a regular file`);
}

function openFor(path: string, what: string, flags: number): number {
  try {
    return openSync(path, flags | O_NOFOLLOW, 0o644);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ELOOP') throw new UsageError(`cannot write ${what}: it is a symbolic link`);
    throw new UsageError(`cannot write ${what}: ${code === 'ENOENT' ? 'no such folder' : code === 'EACCES' ? 'permission denied' : (error as Error).message}`);
  }
}

/** Who holds the lock of `path` as "pid N" (" on host H" when another machine's), when its lock file says. */
function holderOf(path: string): string | undefined {
  let content: string | undefined;
  try {
    content = readStateFile(`${path}.lock`);
  } catch {
    return undefined;
  }
  const [host, pidText] = (content ?? '').split(' ');
  const pid = Number(pidText);
  if (!host || !Number.isInteger(pid) || pid <= 0) return undefined;
  return host === THIS_HOST ? `pid ${pid}` : `pid ${pid} on ${host}`;
}

/**
 * Takes the output file's lock for the whole run (the state files' lock, src/state/file-lock.ts:
 * `<file>.lock`, created exclusively and never through a link; a holder killed with kill -9 is
 * seen to be gone and its lock taken over). Two batches appending to one file would interleave
 * and compact away each other's lines: a file another batch is writing is refused at once,
 * before anything is read or sent. Resolves to the release.
 */
export async function lockOutputFile(path: string, what: string): Promise<() => void> {
  try {
    return await lockStateFile(path, { waitMs: 0 });
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ELOCKED') {
      const holder = holderOf(path);
      throw new UsageError(`${what} is being written by another batch${holder ? ` (${holder})` : ''}`, {
        hint: 'wait for it to end, or give this one another -o file (its results can be joined with batch merge)',
      });
    }
    throw new UsageError(`cannot write ${what}: ${code === 'ENOENT' ? 'no such folder' : code === 'EACCES' ? 'permission denied' : (error as Error).message}`);
  }
}

export function openOutputFile(path: string, what: string, warn: (message: string) => void): OutputFile {
  refuseUnsafe(path, what);
  const done = new Set<string>();
  let earlier = 0;
  // Lines that are not results, or more than one for an item: compacted away at the end.
  let extra = 0;
  const keys = new Set<string>();
  const fd = openFor(path, what, O_RDWR | O_CREAT);
  try {
    if (!fstatSync(fd).isFile()) throw new UsageError(`cannot write ${what}: not a regular file`);
    let end = 0;
    for (const line of fileLines(fd, what)) {
      if (!line.complete) {
        // A write cut short (kill -9, a full disk): that item was not answered.
        warn(`${what}: its last line was cut short; that item is sent again`);
        break;
      }
      end = line.offset + line.bytes.length + 1;
      const result = parseResultLine(line.bytes);
      if (!result) {
        if (line.bytes.length > 0) warn(`${what}: a line that is not a batch result is dropped`);
        extra += 1;
        continue;
      }
      const key = resultKey(result);
      if (keys.has(key)) extra += 1;
      keys.add(key);
      if (result.ok) done.add(key);
      earlier += 1;
    }
    if (end < fstatSync(fd).size) ftruncateSync(fd, end);
  } finally {
    closeSync(fd);
  }
  const out = openFor(path, what, O_WRONLY | O_APPEND);
  return {
    done,
    earlier,
    write(line, key) {
      const bytes = Buffer.from(line, 'utf8');
      for (let offset = 0; offset < bytes.length; ) offset += writeSync(out, bytes, offset);
      // A retried item has two lines now: the failed one and the new one.
      if (keys.has(key)) extra += 1;
    },
    close() {
      closeSync(out);
      if (extra > 0) compact(path, what);
    },
  };
}

/** Rewrites the file with one line per item: its last one (a success is never followed by another). */
export function compact(path: string, what: string): void {
  refuseUnsafe(path, what);
  const fd = openFor(path, what, O_RDWR);
  const temp = `${path}.tmp-${process.pid}-${randomBytes(4).toString('hex')}`;
  try {
    const last = new Map<string, { offset: number }>();
    for (const line of fileLines(fd, what)) {
      if (!line.complete) break;
      const result = parseResultLine(line.bytes);
      if (result) last.set(resultKey(result), { offset: line.offset });
    }
    const keep = new Set([...last.values()].map((entry) => entry.offset));
    const out = openSync(temp, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW, fstatSync(fd).mode & 0o777);
    try {
      for (const line of fileLines(fd, what)) {
        if (!line.complete) break;
        if (!keep.has(line.offset)) continue;
        const bytes = Buffer.concat([line.bytes, Buffer.from('\n')]);
        for (let offset = 0; offset < bytes.length; ) offset += writeSync(out, bytes, offset);
      }
      fsyncSync(out);
    } finally {
      closeSync(out);
    }
    refuseUnsafe(path, what);
    renameSync(temp, path);
  } catch (error) {
    try {
      unlinkSync(temp);
    } catch {
      // Not made, or renamed already.
    }
    throw error;
  } finally {
    closeSync(fd);
  }
}
