import { describe, expect, it } from '@jest/globals';
import { CancelledError, OpenRouterConnectionError } from '../../../../src/core/errors.js';
import { retryRequest, withRetry } from '../../../../src/core/internal/with-retry.js';
import type { StreamEvent } from '../../../../src/core/types.js';

const policy = { maxRetries: 2, initialDelayMs: 100, random: () => 0.5 };
const network = () => new OpenRouterConnectionError('network', 'reset');

async function collect(attempts: Array<() => AsyncGenerator<StreamEvent[]>>) {
  const sleeps: number[] = [];
  const seen: StreamEvent[] = [];
  let i = 0;
  const run = withRetry(() => attempts[i++]!(), { policy, sleep: async (ms) => void sleeps.push(ms) });
  try {
    for await (const batch of run) seen.push(...batch);
  } catch (error) {
    return { seen, sleeps, error, attempts: i };
  }
  return { seen, sleeps, error: undefined, attempts: i };
}

describe('withRetry', () => {
  it('holds back the events of an attempt that fails before its first token', async () => {
    const { seen, sleeps } = await collect([
      async function* () {
        yield [{ type: 'meta', id: 'gen-failed' }];
        throw network();
      },
      async function* () {
        yield [{ type: 'meta', id: 'gen-ok' }];
        yield [{ type: 'token', text: 'hi' }, { type: 'done', finishReason: 'stop' }];
      },
    ]);
    expect(seen.map((e) => e.type)).toEqual(['retry', 'meta', 'token', 'done']);
    expect(seen[1]).toEqual({ type: 'meta', id: 'gen-ok' });
    expect(sleeps).toEqual([100]);
  });

  it('never retries after a token, nor a cancellation, nor a bug', async () => {
    const afterToken = await collect([
      async function* () {
        yield [{ type: 'token', text: 'x' }];
        throw network();
      },
    ]);
    expect(afterToken.error).toBeInstanceOf(OpenRouterConnectionError);
    expect(afterToken.attempts).toBe(1);
    const cancelled = await collect([
      async function* () {
        throw new CancelledError();
      },
    ]);
    expect(cancelled.error).toBeInstanceOf(CancelledError);
    const bug = await collect([
      async function* () {
        throw new TypeError('undefined is not a function');
      },
    ]);
    expect(bug.error).toBeInstanceOf(TypeError);
    expect(bug.attempts).toBe(1);
  });

  it('gives up after the budget and says so', async () => {
    const failing = async function* (): AsyncGenerator<StreamEvent[]> {
      throw network();
    };
    const { error, sleeps, attempts } = await collect([failing, failing, failing]);
    expect(attempts).toBe(3);
    expect(sleeps).toEqual([100, 200]);
    expect((error as Error).message).toContain('gave up after 3 attempts');
  });
});

describe('retryRequest', () => {
  it('retries a request and reports each retry', async () => {
    let calls = 0;
    const retries: number[] = [];
    const result = await retryRequest(
      async () => {
        if (++calls < 3) throw network();
        return 'ok';
      },
      { policy, sleep: async () => undefined, onRetry: (event) => retries.push(event.attempt) },
    );
    expect(result).toBe('ok');
    expect(retries).toEqual([1, 2]);
  });
});
