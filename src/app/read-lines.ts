// Lines from a byte stream (a file, piped stdin), one at a time and never the whole input at
// once: split on "\r\n", "\n" and a lone "\r" (a "\r\n" cut in two by a read is still one
// break), decoded as strict UTF-8, each line capped. The bytes are split before they are
// decoded (no byte of a multi-byte UTF-8 character is a "\r" or "\n"), so a line that cannot be
// one (not UTF-8, over the cap) is known by its number and the rest can still be read:
// readLines stops there (embed), readLineEntries gives it as a BadLine and goes on (batch). A
// line over the cap is never held whole: past the cap its bytes are only hashed.
import { createHash, type Hash } from 'node:crypto';
import { UsageError } from '../core/index.js';

/**
 * The longest line, in characters (so over 1 MB of UTF-8): far over any embedding model's
 * input limit (8,192 tokens, about 32 KB, for most), and a bound on what one line can hold.
 */
export const MAX_LINE_CHARS = 1024 * 1024;

/** A line that is not one: its bytes are not UTF-8, or it is over the cap. */
export interface BadLine {
  /** 1-based, counting every line (blank ones too). */
  lineNumber: number;
  problem: 'not_utf8' | 'too_long';
  /** sha256 of the line's bytes (without its break), hex: for a valid line, what its text hashes to. */
  sha256: string;
}

/** What is wrong with a bad line, in words. */
export function badLineMessage(bad: Pick<BadLine, 'lineNumber' | 'problem'>, what: string, maxChars = MAX_LINE_CHARS): string {
  return bad.problem === 'not_utf8' ? `line ${bad.lineNumber} of ${what} is not valid UTF-8 text` : `line ${bad.lineNumber} of ${what} is over ${maxChars / 1024 / 1024} MB`;
}

const LF = 10;
const CR = 13;

/**
 * The lines of `source` and, in their place, the lines that cannot be lines. With `strict`, the
 * first problem is thrown as a UsageError instead (invalid UTF-8 before any line of the read that
 * holds it, a line over the cap as soon as it is known to be).
 */
async function* lineEntries(source: AsyncIterable<Buffer | string>, what: string, maxChars: number, strict: boolean): AsyncGenerator<string | BadLine> {
  // strict: each read is checked whole first, as it always was (nothing of a read with a bad byte is used).
  const check = strict ? new TextDecoder('utf-8', { fatal: true }) : undefined;
  const notUtf8 = () => new UsageError(`${what} is not valid UTF-8 text`, { hint: 'convert it first, e.g. iconv -f latin1 -t utf-8' });
  const decoder = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });
  // A UTF-16 character is at least one byte: a line over this many bytes is over the cap for sure.
  const maxBytes = 3 * maxChars;
  let pieces: Buffer[] = [];
  let size = 0;
  // Set once the line is known to be over the cap: its bytes are hashed, not kept.
  let overflow: Hash | undefined;
  let lineNumber = 0;
  // The last read ended in "\r": a "\n" first in the next one is the same break.
  let afterCr = false;

  const add = (bytes: Buffer) => {
    if (bytes.length === 0) return;
    if (overflow) {
      overflow.update(bytes);
      return;
    }
    pieces.push(bytes);
    size += bytes.length;
    if (size > maxBytes) {
      if (strict) throw new UsageError(badLineMessage({ lineNumber: lineNumber + 1, problem: 'too_long' }, what, maxChars));
      overflow = createHash('sha256');
      for (const piece of pieces) overflow.update(piece);
      pieces = [];
      size = 0;
    }
  };
  const endLine = (): string | BadLine => {
    lineNumber += 1;
    let entry: string | BadLine;
    if (overflow) {
      entry = { lineNumber, problem: 'too_long', sha256: overflow.digest('hex') };
    } else {
      const bytes = pieces.length === 1 ? (pieces[0] as Buffer) : Buffer.concat(pieces, size);
      let text: string | undefined;
      try {
        text = decoder.decode(bytes);
      } catch {
        text = undefined;
      }
      const sha256 = () => createHash('sha256').update(bytes).digest('hex');
      if (text === undefined) entry = { lineNumber, problem: 'not_utf8', sha256: sha256() };
      else if (text.length > maxChars) entry = { lineNumber, problem: 'too_long', sha256: sha256() };
      // A byte order mark starts the input, not its first line.
      else entry = lineNumber === 1 && text.startsWith('\uFEFF') ? text.slice(1) : text;
    }
    pieces = [];
    size = 0;
    overflow = undefined;
    if (strict && typeof entry !== 'string') throw entry.problem === 'not_utf8' ? notUtf8() : new UsageError(badLineMessage(entry, what, maxChars));
    return entry;
  };

  for await (const read of source) {
    const chunk = typeof read === 'string' ? Buffer.from(read, 'utf8') : read;
    if (check) {
      try {
        check.decode(chunk, { stream: true });
      } catch {
        throw notUtf8();
      }
    }
    let start = afterCr && chunk[0] === LF ? 1 : 0;
    afterCr = false;
    let lf = chunk.indexOf(LF, start);
    let cr = chunk.indexOf(CR, start);
    for (;;) {
      if (lf !== -1 && lf < start) lf = chunk.indexOf(LF, start);
      if (cr !== -1 && cr < start) cr = chunk.indexOf(CR, start);
      const at = lf === -1 ? cr : cr === -1 ? lf : Math.min(lf, cr);
      if (at === -1) break;
      add(chunk.subarray(start, at));
      yield endLine();
      if (chunk[at] === CR && at + 1 === chunk.length) afterCr = true;
      start = chunk[at] === CR && chunk[at + 1] === LF ? at + 2 : at + 1;
    }
    add(chunk.subarray(start));
  }
  if (check) {
    try {
      check.decode();
    } catch {
      throw notUtf8();
    }
  }
  if (size > 0 || overflow) yield endLine();
}

/** `what` names the source in errors: "standard input", or the file's path. A bad line stops the reading (a UsageError). */
export async function* readLines(source: AsyncIterable<Buffer | string>, what: string, maxChars = MAX_LINE_CHARS): AsyncGenerator<string> {
  for await (const entry of lineEntries(source, what, maxChars, true)) yield entry as string;
}

/** As readLines, but a line that is not UTF-8 or is over the cap is given as a BadLine, and the reading goes on. */
export function readLineEntries(source: AsyncIterable<Buffer | string>, what: string, maxChars = MAX_LINE_CHARS): AsyncGenerator<string | BadLine> {
  return lineEntries(source, what, maxChars, false);
}

/** Why a file could not be read, in words. */
export function fileProblem(error: unknown): string {
  const code = (error as NodeJS.ErrnoException).code;
  if (code === 'ENOENT') return 'no such file';
  if (code === 'EACCES' || code === 'EPERM') return 'permission denied';
  if (code === 'EISDIR') return 'it is a directory';
  return code ?? (error as Error).message;
}
