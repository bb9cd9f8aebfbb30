// Reads a secret: from piped stdin, or at a terminal from a prompt that does not echo.
import { UsageError } from '../core/index.js';
import { readStdin } from './read-stdin.js';
import type { CliIO } from './runtime.js';

type RawStdin = NodeJS.ReadStream & { setRawMode?: (on: boolean) => void };

export async function readSecret(io: CliIO, prompt: string): Promise<string> {
  if (!io.stdin.isTTY) return ((await readStdin(io.stdin)) ?? '').trim();
  const stdin = io.stdin as unknown as RawStdin;
  io.stderr.write(prompt);
  stdin.setRawMode?.(true);
  stdin.resume();
  try {
    return await new Promise<string>((resolve, reject) => {
      let value = '';
      const onData = (chunk: Buffer) => {
        for (const char of chunk.toString('utf8')) {
          if (char === '\r' || char === '\n') {
            stdin.off('data', onData);
            resolve(value.trim());
            return;
          }
          if (char === '\u0003') {
            stdin.off('data', onData);
            reject(new UsageError('cancelled'));
            return;
          }
          if (char === '\u007f' || char === '\b') value = value.slice(0, -1);
          else value += char;
        }
      };
      stdin.on('data', onData);
    });
  } finally {
    stdin.setRawMode?.(false);
    stdin.pause();
    io.stderr.write('\n');
  }
}
