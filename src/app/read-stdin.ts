// Piped stdin, read whole up to a cap. Invalid UTF-8 is refused rather than silently turned
// into U+FFFD: the user would otherwise pay for a prompt full of replacement characters.
import { UsageError } from '../core/index.js';

export interface StdinLike extends AsyncIterable<Buffer | string> {
  isTTY?: boolean;
}

const MB = 1024 * 1024;

/**
 * The most piped stdin a prompt may be. Far above any model's context (2M tokens is about
 * 8 MB of text) and above the 8 MB request limit, so no real prompt meets it; low enough that
 * reading it never endangers the process (2.5 GB piped in was a V8 fatal error).
 */
export const MAX_STDIN_BYTES = 64 * MB;

/** The whole of stdin as text, or undefined when stdin is a terminal. */
export async function readStdin(stdin: StdinLike, maxBytes = MAX_STDIN_BYTES): Promise<string | undefined> {
  if (stdin.isTTY) return undefined;
  const chunks: Buffer[] = [];
  let size = 0;
  // Leaving the loop early (past the cap) destroys the stream: the writer gets EPIPE, not a hang.
  for await (const chunk of stdin) {
    const bytes = typeof chunk === 'string' ? Buffer.from(chunk) : chunk;
    size += bytes.length;
    if (size > maxBytes) throw new UsageError(`standard input is larger than ${maxBytes / MB} MB`);
    chunks.push(bytes);
  }
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(Buffer.concat(chunks));
  } catch {
    throw new UsageError('standard input is not valid UTF-8 text', {
      hint: 'convert it first, e.g. iconv -f latin1 -t utf-8',
    });
  }
}
