// Piped stdin, read whole up to a cap, once: the attachments (-a -, or a binary file piped in)
// and the prompt both look at it. Text that is not valid UTF-8 is refused rather than silently
// turned into U+FFFD: the user would otherwise pay for a prompt full of replacement characters.
import { isUtf8 } from 'node:buffer';
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

// A stream can be read once; a second reader gets what the first one read.
const read = new WeakMap<StdinLike, Promise<Buffer | undefined>>();
// Stdin already used (an attachment's bytes, a template's {{input}}) is no longer text for the prompt.
const spent = new WeakSet<StdinLike>();

/** The whole of stdin as bytes, or undefined when stdin is a terminal. */
export function readStdinBytes(stdin: StdinLike, maxBytes = MAX_STDIN_BYTES): Promise<Buffer | undefined> {
  let bytes = read.get(stdin);
  if (!bytes) {
    bytes = readAll(stdin, maxBytes);
    read.set(stdin, bytes);
  }
  return bytes;
}

async function readAll(stdin: StdinLike, maxBytes: number): Promise<Buffer | undefined> {
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
  return Buffer.concat(chunks);
}

/** Marks stdin as used (an attachment's bytes, a template's input): readStdin then gives no text. */
export function markStdinSpent(stdin: StdinLike): void {
  spent.add(stdin);
}

/** Bytes that are not text: invalid UTF-8, or a NUL byte (checked without decoding them). */
export function isBinary(bytes: Uint8Array): boolean {
  return bytes.includes(0) || !isUtf8(bytes);
}

/** Text of bytes as UTF-8, or undefined when they are not (a NUL byte counts as not: text has none). */
export function utf8TextOf(bytes: Uint8Array): string | undefined {
  if (bytes.includes(0)) return undefined;
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    return undefined;
  }
}

/** The whole of stdin as text, or undefined when stdin is a terminal (or was an attachment). */
export async function readStdin(stdin: StdinLike, maxBytes = MAX_STDIN_BYTES): Promise<string | undefined> {
  const bytes = await readStdinBytes(stdin, maxBytes);
  if (bytes === undefined || spent.has(stdin)) return undefined;
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    throw new UsageError('standard input is not valid UTF-8 text', {
      hint: 'convert it first, e.g. iconv -f latin1 -t utf-8; an image, PDF or audio file is sent as an attachment',
    });
  }
}
