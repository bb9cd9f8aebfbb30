// `batch merge a.ndjson b.ndjson …`: the shards' outputs joined in input order (by `index`),
// one line per item. Only where each line is (file, offset) is held while reading; the lines
// are then copied in index order. Two lines for one index (the same shard given twice, an
// overlap) keep the answered one, else the first; indexes missing between 0 and the largest
// are gaps. Both are warned about: the merge is still written.
import { closeSync } from 'node:fs';
import type { Runtime } from '../runtime.js';
import { fileLines, openToRead, parseResultLine, readAt } from './ndjson-file.js';

interface Where {
  file: number;
  offset: number;
  length: number;
  ok: boolean;
}

/** Numbers as short ranges: 3, 7-9, 12. */
function ranges(numbers: number[], most = 10): string {
  const parts: string[] = [];
  for (let i = 0; i < numbers.length && parts.length < most; ) {
    let j = i;
    while (j + 1 < numbers.length && numbers[j + 1] === (numbers[j] as number) + 1) j += 1;
    parts.push(i === j ? String(numbers[i]) : `${numbers[i]}-${numbers[j]}`);
    i = j + 1;
  }
  return parts.join(', ') + (parts.length === most ? ', …' : '');
}

export async function runMerge(runtime: Runtime, files: string[]): Promise<void> {
  const fds = files.map((file) => openToRead(file, file));
  try {
    const lines = new Map<number, Where>();
    const duplicates: number[] = [];
    let notResults = 0;
    fds.forEach((fd, file) => {
      for (const line of fileLines(fd, files[file] as string)) {
        const result = line.complete ? parseResultLine(line.bytes) : undefined;
        if (!result) {
          if (line.bytes.length > 0) notResults += 1;
          continue;
        }
        const where = { file, offset: line.offset, length: line.bytes.length, ok: result.ok };
        const before = lines.get(result.index);
        if (before) {
          duplicates.push(result.index);
          if (!before.ok && where.ok) lines.set(result.index, where);
        } else {
          lines.set(result.index, where);
        }
      }
    });
    const indexes = [...lines.keys()].sort((a, b) => a - b);
    const last = indexes.at(-1) ?? -1;
    const gaps: number[] = [];
    for (let index = 0, at = 0; index <= last; index++) {
      if (indexes[at] === index) at += 1;
      else gaps.push(index);
    }
    let out = '';
    for (const index of indexes) {
      const where = lines.get(index) as Where;
      out += `${readAt(fds[where.file] as number, where.offset, where.length).toString('utf8')}\n`;
      if (out.length > 64 * 1024) {
        await write(runtime, out);
        out = '';
      }
    }
    if (out) await write(runtime, out);
    if (notResults > 0) runtime.warn(`${notResults} line${notResults === 1 ? ' is' : 's are'} not batch results: left out`);
    if (duplicates.length > 0) runtime.warn(`${duplicates.length} item${duplicates.length === 1 ? ' is' : 's are'} in more than one line (index ${ranges([...new Set(duplicates)].sort((a, b) => a - b))}): one kept`);
    if (gaps.length > 0) runtime.warn(`${gaps.length} item${gaps.length === 1 ? ' is' : 's are'} missing (index ${ranges(gaps)}): is a shard's output left out?`);
  } finally {
    for (const fd of fds) closeSync(fd);
  }
}

/** Writes to stdout, waiting while a slow reader's pipe is full. */
function write(runtime: Runtime, text: string): Promise<void> {
  const stdout = runtime.io.stdout as { write(text: string): boolean; once?: (event: 'drain', listener: () => void) => unknown };
  if (stdout.write(text) !== false || !stdout.once) return Promise.resolve();
  return new Promise((done) => stdout.once?.('drain', done));
}
