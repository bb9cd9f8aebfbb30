// Lines from a byte stream (a file, piped stdin), one at a time and never the whole input at
// once: split on "\r\n", "\n" and a lone "\r" (a "\r\n" cut in two by a read is still one
// break), decoded as strict UTF-8, each line capped.
import { UsageError } from '../core/index.js';

/**
 * The longest line, in characters (so over 1 MB of UTF-8): far over any embedding model's
 * input limit (8,192 tokens, about 32 KB, for most), and a bound on what one line can hold.
 */
export const MAX_LINE_CHARS = 1024 * 1024;

/** `what` names the source in errors: "standard input", or the file's path. */
export async function* readLines(source: AsyncIterable<Buffer | string>, what: string, maxChars = MAX_LINE_CHARS): AsyncGenerator<string> {
  const decoder = new TextDecoder('utf-8', { fatal: true });
  const decode = (chunk?: Buffer) => {
    try {
      return chunk ? decoder.decode(chunk, { stream: true }) : decoder.decode();
    } catch {
      throw new UsageError(`${what} is not valid UTF-8 text`, { hint: 'convert it first, e.g. iconv -f latin1 -t utf-8' });
    }
  };
  // The line read so far; it ends in "\r" only when a read ended there (maybe half a "\r\n").
  let carry = '';
  let lineNumber = 0;
  function* split(text: string, final: boolean): Generator<string> {
    const buffer = carry + text;
    const breaks = /\r\n|\r|\n/g;
    let start = 0;
    for (let match = breaks.exec(buffer); match; match = breaks.exec(buffer)) {
      if (!final && match[0] === '\r' && match.index === buffer.length - 1) break;
      lineNumber += 1;
      yield buffer.slice(start, match.index);
      start = breaks.lastIndex;
    }
    carry = buffer.slice(start);
    if (carry.length > maxChars) throw new UsageError(`line ${lineNumber + 1} of ${what} is over ${maxChars / 1024 / 1024} MB`);
  }
  for await (const chunk of source) yield* split(typeof chunk === 'string' ? chunk : decode(chunk), false);
  yield* split(decode(), true);
  if (carry !== '') yield carry;
}

/** Why a file could not be read, in words. */
export function fileProblem(error: unknown): string {
  const code = (error as NodeJS.ErrnoException).code;
  if (code === 'ENOENT') return 'no such file';
  if (code === 'EACCES' || code === 'EPERM') return 'permission denied';
  if (code === 'EISDIR') return 'it is a directory';
  return code ?? (error as Error).message;
}
