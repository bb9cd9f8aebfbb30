// readStdin: piped input read whole, but never past its cap.
import { describe, expect, it } from '@jest/globals';
import { MAX_STDIN_BYTES, readStdin, readStdinBytes, markStdinSpent, utf8TextOf } from '../../../src/app/read-stdin.js';

describe('readStdin', () => {
  it('past the cap: one usage error, and reading stops there', async () => {
    let served = 0;
    const large = (async function* () {
      for (let i = 0; i < 16; i++) {
        served += 1;
        yield Buffer.alloc(256 * 1024, 'a');
      }
    })();
    await expect(readStdin(large, 1024 * 1024)).rejects.toMatchObject({ kind: 'usage', message: 'standard input is larger than 1 MB' });
    expect(served).toBe(5);
  });

  it('the default cap is 64 MB, and what is under it is read whole', async () => {
    expect(MAX_STDIN_BYTES).toBe(64 * 1024 * 1024);
    const two = (async function* () {
      yield Buffer.from('hello ');
      yield 'world';
    })();
    await expect(readStdin(two)).resolves.toBe('hello world');
  });

  it('is read once: a second reader (the prompt after the attachments) gets the same bytes', async () => {
    const once = (async function* () {
      yield Buffer.from([0x89, 0x50]);
    })();
    expect(await readStdinBytes(once)).toEqual(Buffer.from([0x89, 0x50]));
    expect(await readStdinBytes(once)).toEqual(Buffer.from([0x89, 0x50]));
  });

  it('taken as an attachment, it is no longer text for the prompt', async () => {
    const image = (async function* () {
      yield Buffer.from([0x89, 0x50, 0x4e, 0x47]);
    })();
    markStdinSpent(image);
    await expect(readStdin(image)).resolves.toBeUndefined();
  });

  it('utf8TextOf: text, or undefined for invalid UTF-8 and for NUL bytes (text has none)', () => {
    expect(utf8TextOf(Buffer.from('héllo'))).toBe('héllo');
    expect(utf8TextOf(Buffer.from([0xc3, 0x28]))).toBeUndefined();
    expect(utf8TextOf(Buffer.from('RIFF\0\0\0\0WAVE'))).toBeUndefined();
  });
});
