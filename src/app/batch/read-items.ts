// The batch's input as a stream of items, never the whole of it in memory: lines of text or
// JSON Lines (readLineEntries: UTF-8, each line capped; a line that is not, is its item's
// error), or CSV/TSV records with a header (csv-parse, streamed). Blank lines are not items. The format: --input-format, else the file's extension
// (.csv, .tsv, .jsonl/.ndjson), else text (where a line starting with "{" is a JSON item).
import { open } from 'node:fs/promises';
import { extname, resolve } from 'node:path';
import { Readable } from 'node:stream';
import { UsageError } from '../../core/index.js';
import { badLineMessage, fileProblem, MAX_LINE_CHARS, readLineEntries } from '../read-lines.js';
import type { Runtime } from '../runtime.js';
import { itemOfLine, itemOfRecord, lineHash, type ReadItem } from './items.js';

export const INPUT_FORMATS = ['text', 'jsonl', 'csv', 'tsv'] as const;
export type InputFormat = (typeof INPUT_FORMATS)[number];

/** The format of `input`: the one given, else by extension. */
export function inputFormatOf(input: string, given: InputFormat | undefined): InputFormat {
  if (given) return given;
  const extension = input === '-' ? '' : extname(input).toLowerCase();
  if (extension === '.csv') return 'csv';
  if (extension === '.tsv' || extension === '.tab') return 'tsv';
  if (extension === '.jsonl' || extension === '.ndjson') return 'jsonl';
  return 'text';
}

export interface OpenedInput {
  items: AsyncGenerator<ReadItem>;
  /** What the input is called in messages. */
  what: string;
  /** The file's path (not for stdin): its items can be counted ahead for the progress line. */
  path?: string;
}

/** Opens the input now (a file that cannot be read fails before anything is sent); items are read as they are asked for. */
export async function openInput(runtime: Runtime, input: string, format: InputFormat): Promise<OpenedInput> {
  if (input === '-') {
    if (runtime.io.stdin.isTTY) throw new UsageError('batch - reads the items from standard input, but it is a terminal', { hint: 'devsynth-or batch prompts.txt, or pipe them in' });
    return { items: itemsOf(runtime.io.stdin, format, 'standard input'), what: 'standard input' };
  }
  const path = resolve(runtime.io.cwd, input);
  const handle = await open(path).catch((error: unknown) => {
    throw new UsageError(`cannot read ${input}: ${fileProblem(error)}`);
  });
  const stats = await handle.stat();
  if (!stats.isFile() && !stats.isFIFO()) {
    await handle.close();
    throw new UsageError(`cannot read ${input}: not a regular file`);
  }
  return { items: itemsOf(handle.createReadStream(), format, input), what: input, path };
}

async function* itemsOf(source: AsyncIterable<Buffer | string>, format: InputFormat, what: string): AsyncGenerator<ReadItem> {
  if (format === 'csv' || format === 'tsv') {
    yield* recordsOf(source, format, what);
    return;
  }
  let index = 0;
  let lineNumber = 0;
  for await (const line of readLineEntries(source, what)) {
    lineNumber += 1;
    if (typeof line !== 'string') {
      // Not UTF-8, or over the cap (never held whole): that item's error, and the batch goes on.
      // Its key is the hash of its bytes, as any line's (a valid line's text hashes to the same),
      // so a resumed run and every --shard know it as the same item wherever the lines around
      // it move; it is never answered, so a resumed run reports it failed again.
      yield { index, id: null, hash: line.sha256.slice(0, 16), error: new UsageError(badLineMessage(line, what)) };
      index += 1;
      continue;
    }
    if (line.trim() === '') continue;
    // Text: a line starting with "{" is a JSON item; JSON Lines: every line is one.
    yield format === 'jsonl' && !line.trim().startsWith('{')
      ? { index, id: null, hash: lineHash(line), error: new UsageError(`line ${lineNumber} of ${what} is not a JSON object (--input-format jsonl)`) }
      : itemOfLine(line, index, lineNumber, what);
    index += 1;
  }
}

/**
 * csv-parse goes on after a record whose field count is not the header's (skipping it): that
 * record is its item's error, in its place. After any other problem (an unclosed or stray quote,
 * a record over the cap) it cannot find where the next record starts: the batch stops there,
 * saying so (the items read before it are still sent and written).
 */
const RECOVERABLE_CSV = new Set(['CSV_RECORD_INCONSISTENT_COLUMNS', 'CSV_RECORD_INCONSISTENT_FIELDS_LENGTH']);

async function* recordsOf(source: AsyncIterable<Buffer | string>, format: 'csv' | 'tsv', what: string): AsyncGenerator<ReadItem> {
  // Loaded only for CSV/TSV input.
  const { parse } = await import('csv-parse');
  // The records skipped, each after how many good ones: put back in their place as they are read.
  const skipped: Array<{ after: number; hash: string; error: UsageError }> = [];
  const parser = Readable.from(source).pipe(
    parse({
      columns: (header: string[]) => header.map((name) => name.trim()),
      delimiter: format === 'tsv' ? '\t' : ',',
      bom: true,
      skip_empty_lines: true,
      max_record_size: MAX_LINE_CHARS,
      // TSV fields are not quoted: a quote is a character like any other.
      ...(format === 'tsv' ? { quote: false } : {}),
      info: true,
      raw: true,
      skip_records_with_error: true,
      on_skip: (error: (Error & { code?: string; lines?: number; records?: number }) | undefined, raw: string | undefined) => {
        if (!error || !RECOVERABLE_CSV.has(error.code ?? '')) throw error ?? new Error('unreadable record');
        // Known by its text's hash, as a good record by its fields' (stable for resume and --shard).
        skipped.push({
          after: error.records ?? 0,
          hash: lineHash(`record:${(raw ?? `line ${error.lines}`).replace(/\r?\n$/, '')}`),
          error: new UsageError(`line ${error.lines} of ${what} is not a valid ${format.toUpperCase()} record: ${error.message}`),
        });
      },
    }),
  );
  let index = 0;
  const put = (entry: { hash: string; error: UsageError }): ReadItem => ({ index: index++, id: null, hash: entry.hash, error: entry.error });
  try {
    for await (const { record, info } of parser as AsyncIterable<{ record: Record<string, string>; info: { records: number } }>) {
      while (skipped.length > 0 && (skipped[0]?.after ?? 0) < info.records) yield put(skipped.shift() as (typeof skipped)[number]);
      yield itemOfRecord(record, index);
      index += 1;
    }
    while (skipped.length > 0) yield put(skipped.shift() as (typeof skipped)[number]);
  } catch (error) {
    if (error instanceof UsageError) throw error;
    throw new UsageError(`${what} is not valid ${format.toUpperCase()}: ${(error as Error).message}`);
  }
}

/** How many items a file holds (its non-blank lines; for CSV/TSV, less the header): for the progress line only. */
export async function countItems(path: string, format: InputFormat): Promise<number> {
  const handle = await open(path);
  let count = 0;
  let blank = true;
  try {
    for await (const chunk of handle.createReadStream() as AsyncIterable<Buffer>) {
      for (const byte of chunk) {
        if (byte === 10) {
          if (!blank) count += 1;
          blank = true;
        } else if (byte !== 32 && byte !== 13 && byte !== 9) blank = false;
      }
    }
  } finally {
    await handle.close();
  }
  if (!blank) count += 1;
  return format === 'csv' || format === 'tsv' ? Math.max(0, count - 1) : count;
}
