import { describe, expect, it } from '@jest/globals';
import fc from 'fast-check';
import {
  CancelledError,
  OpenRouterConnectionError,
  OpenRouterModelError,
  OpenRouterRateLimitError,
} from '../../../../src/core/errors.js';
import { type RetryLoopOptions, retryRequest, withRetry } from '../../../../src/core/internal/with-retry.js';
import type { StreamEvent } from '../../../../src/core/types.js';

const policy = { maxRetries: 2, initialDelayMs: 100, random: () => 0.5 };
const network = () => new OpenRouterConnectionError('network', 'connection reset');
const http503 = () => new OpenRouterConnectionError('server', 'server error (503)', { status: 503 });

type Attempt = () => AsyncGenerator<StreamEvent[]>;
type RetryEvent = Extract<StreamEvent, { type: 'retry' }>;

/** Runs withRetry over scripted attempts; records sleeps, events and a shared log. */
async function run(attempts: Attempt[], options: Partial<RetryLoopOptions> = {}) {
  const sleeps: number[] = [];
  const events: StreamEvent[] = [];
  const batches: StreamEvent[][] = [];
  const log: string[] = [];
  let started = 0;
  const loop = withRetry(
    (attemptNumber) => {
      started++;
      log.push(`attempt ${attemptNumber}`);
      const next = attempts[attemptNumber - 1];
      if (!next) throw new Error(`no attempt ${attemptNumber} scripted`);
      return next();
    },
    {
      policy,
      sleep: async (ms) => {
        sleeps.push(ms);
        log.push(`sleep ${ms}`);
      },
      ...options,
    },
  );
  let error: unknown;
  try {
    for await (const batch of loop) {
      batches.push(batch);
      events.push(...batch);
      for (const event of batch) log.push(`event ${event.type}`);
    }
  } catch (thrown) {
    error = thrown;
  }
  return { sleeps, events, batches, log, error, started };
}

const failsWith = (error: Error, before: StreamEvent[][] = []): Attempt =>
  async function* () {
    for (const batch of before) yield batch;
    throw error;
  };
const succeeds = (batches: StreamEvent[][]): Attempt =>
  async function* () {
    for (const batch of batches) yield batch;
  };
const DONE: StreamEvent = { type: 'done', finishReason: 'stop' };

describe('withRetry', () => {
  it('retries a failed attempt, announcing a retry event before the next attempt starts', async () => {
    const { log, events, sleeps } = await run([failsWith(http503()), succeeds([[{ type: 'token', text: 'hi' }, DONE]])]);
    expect(log).toEqual(['attempt 1', 'event retry', 'sleep 100', 'attempt 2', 'event token', 'event done']);
    expect(sleeps).toEqual([100]);
    const retry = events[0] as RetryEvent;
    expect(retry).toMatchObject({ type: 'retry', attempt: 1, maxRetries: 2, delayMs: 100, status: 503, reason: '503' });
    expect(retry.error).toBeInstanceOf(OpenRouterConnectionError);
  });

  it('names the reason of a failure without status', async () => {
    const timeout = new OpenRouterConnectionError('first_token_timeout', 'no answer');
    const { events } = await run([failsWith(timeout), succeeds([[DONE]])]);
    const retry = events[0] as RetryEvent;
    expect(retry.reason).toBe('first token timeout');
    expect(retry).not.toHaveProperty('status');
  });

  it('backs off between attempts and numbers them', async () => {
    const { sleeps, events } = await run([failsWith(network()), failsWith(network()), succeeds([[DONE]])]);
    expect(sleeps).toEqual([100, 200]);
    expect(events.filter((e) => e.type === 'retry').map((e) => (e as RetryEvent).attempt)).toEqual([1, 2]);
  });

  it('waits exactly what the server asked (Retry-After)', async () => {
    const limited = new OpenRouterRateLimitError('rate limited (429)', { status: 429, retryAfterMs: 1234 });
    expect((await run([failsWith(limited), succeeds([[DONE]])])).sleeps).toEqual([1234]);
  });

  it('holds back the non-output events (meta, usage) of an attempt that fails before its first token', async () => {
    const { events } = await run([
      failsWith(network(), [[{ type: 'meta', id: 'gen-failed' }], [{ type: 'usage', usage: { prompt_tokens: 1, completion_tokens: 0, total_tokens: 1 } }]]),
      succeeds([[{ type: 'meta', id: 'gen-ok' }], [{ type: 'token', text: 'hi' }], [DONE]]),
    ]);
    expect(events.map((e) => e.type)).toEqual(['retry', 'meta', 'token', 'done']);
    expect(events[1]).toEqual({ type: 'meta', id: 'gen-ok' });
  });

  it('releases held events together with the first token, in order', async () => {
    const { batches } = await run([succeeds([[{ type: 'meta', id: 'gen-1' }], [{ type: 'token', text: 'a' }], [{ type: 'token', text: 'b' }, DONE]])]);
    expect(batches).toEqual([[{ type: 'meta', id: 'gen-1' }, { type: 'token', text: 'a' }], [{ type: 'token', text: 'b' }, DONE]]);
  });

  it('yields the held events of an attempt that ends without any output', async () => {
    const { events } = await run([succeeds([[{ type: 'meta', id: 'gen-1' }], [DONE]])]);
    expect(events).toEqual([{ type: 'meta', id: 'gen-1' }, DONE]);
  });

  it('counts reasoning as output: a failure after it is final', async () => {
    const { error, started } = await run([failsWith(network(), [[{ type: 'reasoning', text: 'hmm' }]]), succeeds([[DONE]])]);
    expect(error).toBeInstanceOf(OpenRouterConnectionError);
    expect(started).toBe(1);
  });

  it('after the first token a failure is thrown as it is, with no retry, even when retryable', async () => {
    const failure = http503();
    const { error, started, events, sleeps } = await run([failsWith(failure, [[{ type: 'token', text: 'x' }]]), succeeds([[DONE]])]);
    expect(error).toBe(failure);
    expect(started).toBe(1);
    expect(sleeps).toEqual([]);
    expect(events).toEqual([{ type: 'token', text: 'x' }]);
    expect((error as Error).message).not.toContain('gave up');
  });

  it('never retries a CancelledError', async () => {
    const cancelled = new CancelledError();
    const { error, started } = await run([failsWith(cancelled), succeeds([[DONE]])]);
    expect(error).toBe(cancelled);
    expect(started).toBe(1);
  });

  it('a cancellation after a retry is thrown as it is, not as "gave up"', async () => {
    const cancelled = new CancelledError('cancelled by the user');
    const { error, started } = await run([failsWith(network()), failsWith(cancelled), succeeds([[DONE]])]);
    expect(error).toBe(cancelled);
    expect(cancelled.message).toBe('cancelled by the user');
    expect(started).toBe(2);
  });

  it('a bug after a retry is rethrown untouched', async () => {
    const bug = new TypeError('cannot read properties of undefined');
    const { error, started } = await run([failsWith(network()), failsWith(bug), succeeds([[DONE]])]);
    expect(error).toBe(bug);
    expect(bug.message).toBe('cannot read properties of undefined');
    expect(started).toBe(2);
  });

  it('does not retry a non-retryable error', async () => {
    const rejectedError = new OpenRouterModelError('bad request (400)', { status: 400 });
    const { error, started, events } = await run([failsWith(rejectedError), succeeds([[DONE]])]);
    expect(error).toBe(rejectedError);
    expect(started).toBe(1);
    expect(events).toEqual([]);
    expect(rejectedError.message).toBe('bad request (400)');
  });

  it('a failure no retry can help, after retries, says when it came rather than "gave up"', async () => {
    const rejectedError = new OpenRouterModelError('bad request (400)', { status: 400 });
    const { error, started } = await run([failsWith(network()), failsWith(rejectedError), succeeds([[DONE]])]);
    expect(error).toBe(rejectedError);
    expect(started).toBe(2);
    expect(rejectedError.message).toBe('bad request (400) (on attempt 2)');
  });

  it('gives up after maxRetries, saying "(gave up after N attempts)"', async () => {
    const last = network();
    const { error, started, sleeps } = await run([failsWith(network()), failsWith(network()), failsWith(last), succeeds([[DONE]])]);
    expect(started).toBe(3);
    expect(sleeps).toEqual([100, 200]);
    expect(error).toBe(last);
    expect(last.message).toBe('connection reset (gave up after 3 attempts)');
  });

  it('with maxRetries 0 makes one attempt', async () => {
    const { started, error } = await run([failsWith(network()), succeeds([[DONE]])], { policy: { ...policy, maxRetries: 0 } });
    expect(started).toBe(1);
    expect((error as Error).message).toBe('connection reset');
  });

  it('rethrows a non-Devsynth error (a bug) untouched, without retry', async () => {
    const bug = new TypeError('undefined is not a function');
    const { error, started, sleeps } = await run([failsWith(bug), succeeds([[DONE]])]);
    expect(error).toBe(bug);
    expect(bug.message).toBe('undefined is not a function');
    expect(started).toBe(1);
    expect(sleeps).toEqual([]);
  });

  it('stops with CancelledError when the signal aborts during the backoff', async () => {
    const controller = new AbortController();
    const { error, started } = await run([failsWith(network()), succeeds([[DONE]])], {
      signal: controller.signal,
      // The user presses Ctrl+C while the loop waits; the loop must hand its signal to sleep.
      sleep: async (_ms, signal) => {
        controller.abort();
        if (signal?.aborted) throw new CancelledError('cancelled by the user');
      },
    });
    expect(error).toBeInstanceOf(CancelledError);
    expect(started).toBe(1);
  });

  it('logs each retry to the debug logger', async () => {
    const lines: string[] = [];
    await run([failsWith(network()), succeeds([[DONE]])], { debug: (line) => lines.push(line) });
    expect(lines).toHaveLength(1);
    expect(lines[0]).toContain('retry 1/2 in 100 ms');
  });
});

describe('retryRequest', () => {
  it('retries a request and reports each retry before waiting', async () => {
    const log: string[] = [];
    let calls = 0;
    const result = await retryRequest(
      async (attemptNumber) => {
        calls++;
        log.push(`attempt ${attemptNumber}`);
        if (attemptNumber < 3) throw http503();
        return 'ok';
      },
      {
        policy,
        sleep: async (ms) => void log.push(`sleep ${ms}`),
        onRetry: (event) => log.push(`retry ${event.attempt} ${event.status} ${event.delayMs}`),
      },
    );
    expect(result).toBe('ok');
    expect(calls).toBe(3);
    expect(log).toEqual(['attempt 1', 'retry 1 503 100', 'sleep 100', 'attempt 2', 'retry 2 503 200', 'sleep 200', 'attempt 3']);
  });

  it('gives up after maxRetries, saying so', async () => {
    let calls = 0;
    const error = await retryRequest(
      async () => {
        calls++;
        throw network();
      },
      { policy, sleep: async () => undefined },
    ).catch((e: unknown) => e);
    expect(calls).toBe(3);
    expect((error as Error).message).toContain('(gave up after 3 attempts)');
  });

  it('never retries a cancellation or a bug, and rethrows them untouched', async () => {
    for (const thrown of [new CancelledError(), new RangeError('bug')]) {
      let calls = 0;
      const error = await retryRequest(
        async () => {
          calls++;
          throw thrown;
        },
        { policy, sleep: async () => undefined },
      ).catch((e: unknown) => e);
      expect(error).toBe(thrown);
      expect(calls).toBe(1);
    }
  });
});

describe('withRetry: property over scripted attempts', () => {
  type Outcome = 'ok' | 'retryable' | 'final' | 'after-token';
  const script = fc.record({
    maxRetries: fc.integer({ min: 0, max: 4 }),
    attempts: fc.array(fc.record({ held: fc.integer({ min: 0, max: 2 }), outcome: fc.constantFrom<Outcome>('ok', 'retryable', 'final', 'after-token') }), {
      minLength: 6,
      maxLength: 6,
    }),
  });

  it('retries only failures before output, within the budget, announcing each; a failed attempt leaves no events', async () => {
    await fc.assert(
      fc.asyncProperty(script, async ({ maxRetries, attempts }) => {
        const make = (index: number, held: number, outcome: Outcome): Attempt =>
          async function* () {
            for (let i = 0; i < held; i++) yield [{ type: 'meta', id: `gen-${index}-${i}` }];
            if (outcome === 'retryable') throw network();
            if (outcome === 'final') throw new OpenRouterModelError('bad request (400)', { status: 400 });
            yield [{ type: 'token', text: `t${index}` }];
            if (outcome === 'after-token') throw http503();
            yield [DONE];
          };
        const { events, sleeps, started, error } = await run(
          attempts.map((a, index) => make(index + 1, a.held, a.outcome)),
          { policy: { maxRetries, initialDelayMs: 100, random: () => 0.5 } },
        );

        // The model: walk the script as the loop should.
        const expected: StreamEvent[] = [];
        const expectedSleeps: number[] = [];
        let expectedStarted = 0;
        let expectedError: string | undefined;
        for (const [index, a] of attempts.entries()) {
          const number = index + 1;
          expectedStarted = number;
          if (a.outcome === 'retryable') {
            if (number > maxRetries) {
              expectedError = number > 1 ? `connection reset (gave up after ${number} attempts)` : 'connection reset';
              break;
            }
            const delay = 100 * 2 ** (number - 1);
            expected.push({ type: 'retry', attempt: number, maxRetries, delayMs: delay, reason: 'network', error: expect.any(OpenRouterConnectionError) as never });
            expectedSleeps.push(delay);
            continue;
          }
          if (a.outcome === 'final') {
            expectedError = number > 1 ? `bad request (400) (on attempt ${number})` : 'bad request (400)';
            break;
          }
          for (let i = 0; i < a.held; i++) expected.push({ type: 'meta', id: `gen-${number}-${i}` });
          expected.push({ type: 'token', text: `t${number}` });
          if (a.outcome === 'after-token') expectedError = 'server error (503)';
          else expected.push(DONE);
          break;
        }
        expect(events).toEqual(expected);
        expect(sleeps).toEqual(expectedSleeps);
        expect(started).toBe(expectedStarted);
        expect((error as Error | undefined)?.message).toBe(expectedError);
      }),
      { numRuns: 300 },
    );
  });
});
