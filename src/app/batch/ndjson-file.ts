// Batch output files (NDJSON, one result per line) read a line at a time, with each line's byte
// offset: resuming reads what an earlier run wrote, compacting and `batch merge` copy chosen
// lines by offset, so that no file is ever held in memory whole.
import { closeSync, fstatSync, openSync, readSync } from 'node:fs';
import { UsageError } from '../../core/index.js';

/** The longest output line read back (an answer of many megabytes is still one line). */
export const MAX_RESULT_LINE_BYTES = 256 * 1024 * 1024;

export interface FileLine {
  /** Byte offset of the line's start. */
  offset: number;
  /** The line's bytes, without its "\n". */
  bytes: Buffer;
  /** False for a last line with no "\n" after it (a write cut short). */
  complete: boolean;
}

/** Every line of the file at `fd`, in order, read in 1 MB pieces. */
export function* fileLines(fd: number, what: string): Generator<FileLine> {
  const chunk = Buffer.alloc(1024 * 1024);
  let pending: Buffer[] = [];
  let pendingBytes = 0;
  let lineStart = 0;
  let position = 0;
  for (let n = readSync(fd, chunk, 0, chunk.length, position); n > 0; n = readSync(fd, chunk, 0, chunk.length, position)) {
    let start = 0;
    for (let at = chunk.indexOf(10, 0); at !== -1 && at < n; at = chunk.indexOf(10, start)) {
      const piece = chunk.subarray(start, at);
      const bytes = pending.length > 0 ? Buffer.concat([...pending, piece]) : Buffer.from(piece);
      pending = [];
      pendingBytes = 0;
      yield { offset: lineStart, bytes, complete: true };
      lineStart = position + at + 1;
      start = at + 1;
    }
    if (start < n) {
      pending.push(Buffer.from(chunk.subarray(start, n)));
      pendingBytes += n - start;
      if (pendingBytes > MAX_RESULT_LINE_BYTES) throw new UsageError(`${what} has a line over ${MAX_RESULT_LINE_BYTES / 1024 / 1024} MB: not a batch output file`);
    }
    position += n;
  }
  if (pendingBytes > 0) yield { offset: lineStart, bytes: Buffer.concat(pending), complete: false };
}

/** What a result line says about its item; undefined for a line that is not one. */
export interface ResultLine {
  index: number;
  id: string | null;
  hash: string | null;
  ok: boolean;
}

export function parseResultLine(bytes: Buffer): ResultLine | undefined {
  let value: unknown;
  try {
    value = JSON.parse(bytes.toString('utf8'));
  } catch {
    return undefined;
  }
  if (typeof value !== 'object' || value === null) return undefined;
  const line = value as Record<string, unknown>;
  if (typeof line.index !== 'number' || !Number.isInteger(line.index) || line.index < 0) return undefined;
  return {
    index: line.index,
    id: typeof line.id === 'string' ? line.id : null,
    hash: typeof line.hash === 'string' ? line.hash : null,
    ok: line.error === undefined,
  };
}

/** The key a result line is known by: as items.ts's itemKey. */
export function resultKey(line: ResultLine): string {
  return line.id !== null ? `id:${line.id}` : `hash:${line.hash ?? `index:${line.index}`}`;
}

/** Reads `length` bytes at `offset` of `fd`. */
export function readAt(fd: number, offset: number, length: number): Buffer {
  const buffer = Buffer.alloc(length);
  for (let done = 0; done < length; ) {
    const n = readSync(fd, buffer, done, length - done, offset + done);
    if (n === 0) break;
    done += n;
  }
  return buffer;
}

/** Opens a file to read, as a UsageError when it cannot be. */
export function openToRead(path: string, what: string): number {
  try {
    const fd = openSync(path, 'r');
    if (!fstatSync(fd).isFile()) {
      closeSync(fd);
      throw new UsageError(`cannot read ${what}: not a regular file`);
    }
    return fd;
  } catch (error) {
    if (error instanceof UsageError) throw error;
    const code = (error as NodeJS.ErrnoException).code;
    throw new UsageError(`cannot read ${what}: ${code === 'ENOENT' ? 'no such file' : code === 'EACCES' ? 'permission denied' : (error as Error).message}`);
  }
}
