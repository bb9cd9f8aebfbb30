// readAhead: the source is read before anyone asks, in order, with its end and its error where
// they came; a reader that stops early stops the source.
import { describe, expect, it } from '@jest/globals';
import { readAhead } from '../../../src/ui/read-ahead.js';

const tick = () => new Promise((resolve) => setTimeout(resolve, 5));

async function collect<T>(iterable: AsyncIterable<T>): Promise<{ values: T[]; error?: unknown }> {
  const values: T[] = [];
  try {
    for await (const value of iterable) values.push(value);
    return { values };
  } catch (error) {
    return { values, error };
  }
}

describe('readAhead', () => {
  it('reads the source before it is iterated, and gives everything back in order', async () => {
    const pulled: number[] = [];
    async function* source() {
      for (let i = 1; i <= 3; i++) {
        pulled.push(i);
        yield i;
      }
    }
    const ahead = readAhead(source());
    await tick();
    expect(pulled).toEqual([1, 2, 3]);
    expect((await collect(ahead)).values).toEqual([1, 2, 3]);
  });

  it('hands over what arrives while the reader waits, as it arrives', async () => {
    let release: (() => void) | undefined;
    async function* source() {
      yield 'first';
      await new Promise<void>((resolve) => (release = resolve));
      yield 'second';
    }
    const iterator = readAhead(source())[Symbol.asyncIterator]();
    expect(await iterator.next()).toEqual({ value: 'first', done: false });
    const next = iterator.next();
    await tick();
    release?.();
    expect(await next).toEqual({ value: 'second', done: false });
    expect(await iterator.next()).toEqual({ value: undefined, done: true });
  });

  it("throws the source's error after what came before it", async () => {
    const failure = new Error('connection reset');
    async function* source() {
      yield 'partial';
      throw failure;
    }
    const ahead = readAhead(source());
    await tick();
    expect(await collect(ahead)).toEqual({ values: ['partial'], error: failure });
  });

  it('a reader that stops early stops the source', async () => {
    let finished = false;
    let produced = 0;
    async function* source() {
      try {
        for (;;) {
          produced += 1;
          yield produced;
          await tick();
        }
      } finally {
        finished = true;
      }
    }
    for await (const value of readAhead(source())) if (value === 2) break;
    await tick();
    await tick();
    expect(finished).toBe(true);
    const after = produced;
    await tick();
    expect(produced).toBe(after);
  });

  it('stop() ends the source without a reader', async () => {
    let finished = false;
    async function* source() {
      try {
        for (let i = 0; ; i++) {
          yield i;
          await tick();
        }
      } finally {
        finished = true;
      }
    }
    const ahead = readAhead(source());
    await tick();
    ahead.stop();
    await tick();
    await tick();
    expect(finished).toBe(true);
  });
});
