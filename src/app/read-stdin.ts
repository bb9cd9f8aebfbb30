// Piped stdin, read whole. Invalid UTF-8 is refused rather than silently turned into U+FFFD:
// the user would otherwise pay for a prompt full of replacement characters.
import { UsageError } from '../core/index.js';

export interface StdinLike extends AsyncIterable<Buffer | string> {
  isTTY?: boolean;
}

/** The whole of stdin as text, or undefined when stdin is a terminal. */
export async function readStdin(stdin: StdinLike): Promise<string | undefined> {
  if (stdin.isTTY) return undefined;
  const chunks: Buffer[] = [];
  for await (const chunk of stdin) chunks.push(typeof chunk === 'string' ? Buffer.from(chunk) : chunk);
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(Buffer.concat(chunks));
  } catch {
    throw new UsageError('standard input is not valid UTF-8 text', {
      hint: 'convert it first, e.g. iconv -f latin1 -t utf-8',
    });
  }
}
