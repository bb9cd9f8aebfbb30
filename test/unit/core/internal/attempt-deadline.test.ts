import { afterEach, beforeEach, describe, expect, it, jest } from '@jest/globals';
import { CancelledError, OpenRouterConnectionError } from '../../../../src/core/errors.js';
import { AttemptDeadline, sleep } from '../../../../src/core/internal/attempt-deadline.js';

beforeEach(() => {
  jest.useFakeTimers();
});
afterEach(() => {
  jest.useRealTimers();
});

const stalled = () => new OpenRouterConnectionError('stalled', 'the stream stalled');
const timeout = () => new OpenRouterConnectionError('timeout', 'no response');

describe('sleep', () => {
  it('resolves after the given time, not before', async () => {
    let done = false;
    const waiting = sleep(1000).then(() => {
      done = true;
    });
    await jest.advanceTimersByTimeAsync(999);
    expect(done).toBe(false);
    await jest.advanceTimersByTimeAsync(1);
    await waiting;
    expect(done).toBe(true);
  });

  it('rejects with CancelledError as soon as the signal aborts', async () => {
    const controller = new AbortController();
    const waiting = sleep(60_000, controller.signal);
    await jest.advanceTimersByTimeAsync(10);
    controller.abort();
    await expect(waiting).rejects.toBeInstanceOf(CancelledError);
    expect(jest.getTimerCount()).toBe(0);
  });

  it('rejects at once with an already aborted signal', async () => {
    const controller = new AbortController();
    controller.abort();
    await expect(sleep(60_000, controller.signal)).rejects.toBeInstanceOf(CancelledError);
    expect(jest.getTimerCount()).toBe(0);
  });
});

describe('AttemptDeadline', () => {
  it('arm: aborts the signal with the typed error when the time is up', () => {
    const deadline = new AttemptDeadline();
    deadline.arm('headers', 1000, timeout);
    jest.advanceTimersByTime(999);
    expect(deadline.signal.aborted).toBe(false);
    expect(deadline.reason).toBeUndefined();
    jest.advanceTimersByTime(1);
    expect(deadline.signal.aborted).toBe(true);
    expect(deadline.reason).toBeInstanceOf(OpenRouterConnectionError);
    expect((deadline.reason as OpenRouterConnectionError).failure).toBe('timeout');
  });

  it('refresh: pushes the limit back to its full length', () => {
    const deadline = new AttemptDeadline();
    deadline.arm('silence', 1000, stalled);
    for (let i = 0; i < 5; i++) {
      jest.advanceTimersByTime(800);
      deadline.refresh('silence');
    }
    expect(deadline.signal.aborted).toBe(false);
    jest.advanceTimersByTime(1000);
    expect((deadline.reason as OpenRouterConnectionError).failure).toBe('stalled');
  });

  it('disarm: the limit no longer fires', () => {
    const deadline = new AttemptDeadline();
    deadline.arm('first_token', 1000, timeout);
    deadline.disarm('first_token');
    jest.advanceTimersByTime(10_000);
    expect(deadline.signal.aborted).toBe(false);
    expect(jest.getTimerCount()).toBe(0);
  });

  it('re-arming a limit replaces it rather than adding a second timer', () => {
    const deadline = new AttemptDeadline();
    deadline.arm('attempt', 1000, timeout);
    jest.advanceTimersByTime(900);
    deadline.arm('attempt', 1000, stalled);
    expect(jest.getTimerCount()).toBe(1);
    jest.advanceTimersByTime(999);
    expect(deadline.signal.aborted).toBe(false);
    jest.advanceTimersByTime(1);
    expect((deadline.reason as OpenRouterConnectionError).failure).toBe('stalled');
  });

  it('keeps each named limit separate, and the first to fire gives the reason', () => {
    const deadline = new AttemptDeadline();
    deadline.arm('first_token', 5000, () => new OpenRouterConnectionError('first_token_timeout', 'no token'));
    deadline.arm('silence', 1000, stalled);
    deadline.disarm('silence');
    jest.advanceTimersByTime(5000);
    expect((deadline.reason as OpenRouterConnectionError).failure).toBe('first_token_timeout');
    jest.advanceTimersByTime(10_000);
    expect((deadline.reason as OpenRouterConnectionError).failure).toBe('first_token_timeout');
  });

  it('a zero or infinite limit is no limit', () => {
    const deadline = new AttemptDeadline();
    deadline.arm('attempt', 0, timeout);
    deadline.arm('silence', Number.POSITIVE_INFINITY, stalled);
    expect(jest.getTimerCount()).toBe(0);
    jest.advanceTimersByTime(1e9);
    expect(deadline.signal.aborted).toBe(false);
  });

  it("the user's abort becomes CancelledError, even when it came before", () => {
    const controller = new AbortController();
    const deadline = new AttemptDeadline(controller.signal);
    deadline.arm('headers', 1000, timeout);
    controller.abort();
    expect(deadline.reason).toBeInstanceOf(CancelledError);
    jest.advanceTimersByTime(1000);
    expect(deadline.reason).toBeInstanceOf(CancelledError);

    const already = new AbortController();
    already.abort();
    expect(new AttemptDeadline(already.signal).reason).toBeInstanceOf(CancelledError);
  });

  it('dispose: clears the limits and aborts, keeping an earlier reason', () => {
    const deadline = new AttemptDeadline();
    deadline.arm('headers', 1000, timeout);
    deadline.dispose();
    expect(jest.getTimerCount()).toBe(0);
    expect(deadline.reason).toBeInstanceOf(CancelledError);

    const fired = new AttemptDeadline();
    fired.arm('headers', 10, timeout);
    jest.advanceTimersByTime(10);
    fired.dispose();
    expect(fired.reason).toBeInstanceOf(OpenRouterConnectionError);
  });
});
