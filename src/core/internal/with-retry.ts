// The retry loops. Streams: before the first token an attempt may be thrown away and made
// again (its non-output events are held back meanwhile); once a token or reasoning text has
// been passed on, a failure is final: output was shown, and a retry would repeat it.
// Requests (embeddings, catalogue, key): the whole call is one attempt.
import { CancelledError, DevsynthError, OpenRouterConnectionError } from '../errors.js';
import type { DebugLogger, StreamEvent } from '../types.js';
import { sleep as defaultSleep } from './attempt-deadline.js';
import { computeRetryDelay, isRetryable, type RetryPolicy } from './retry-policy.js';

export interface RetryLoopOptions {
  policy: RetryPolicy;
  signal?: AbortSignal;
  sleep?: (ms: number, signal?: AbortSignal) => Promise<void>;
  debug?: DebugLogger;
}

type RetryEvent = Extract<StreamEvent, { type: 'retry' }>;

const isOutput = (event: StreamEvent) => event.type === 'token' || event.type === 'reasoning';

function reasonOf(error: DevsynthError): string {
  const status = (error as { status?: number }).status;
  if (status !== undefined) return String(status);
  if (error instanceof OpenRouterConnectionError) return error.failure.replace(/_/g, ' ');
  return error.kind;
}

/**
 * After failed attempt `attemptNumber`: the retry event to announce, or throws the final error.
 * Anything that is not a DevsynthError is a bug, not a failure, and is rethrown untouched.
 */
function planRetry(thrown: unknown, attemptNumber: number, options: RetryLoopOptions): RetryEvent {
  if (!(thrown instanceof DevsynthError) || thrown instanceof CancelledError) throw thrown;
  const decision = computeRetryDelay(attemptNumber, thrown, options.policy);
  if (!decision.retry) {
    // "Gave up" only when retrying stopped; a failure no retry could help (a 400 after a 503)
    // just says when it came.
    if (attemptNumber > 1) decision.error.message += isRetryable(thrown) ? ` (gave up after ${attemptNumber} attempts)` : ` (on attempt ${attemptNumber})`;
    throw decision.error;
  }
  options.debug?.(`retry ${attemptNumber}/${options.policy.maxRetries} in ${decision.delayMs} ms: ${thrown.message}`);
  const event: RetryEvent = {
    type: 'retry',
    attempt: attemptNumber,
    maxRetries: options.policy.maxRetries,
    delayMs: decision.delayMs,
    reason: reasonOf(thrown),
    error: thrown,
  };
  const status = (thrown as { status?: number }).status;
  if (status !== undefined) event.status = status;
  return event;
}

/** Retries a streaming call until its first output; yields event batches. */
export async function* withRetry(
  attempt: (attemptNumber: number) => AsyncIterable<StreamEvent[]>,
  options: RetryLoopOptions,
): AsyncGenerator<StreamEvent[], void, undefined> {
  const sleep = options.sleep ?? defaultSleep;
  for (let attemptNumber = 1; ; attemptNumber++) {
    let committed = false;
    let held: StreamEvent[] = [];
    try {
      for await (const batch of attempt(attemptNumber)) {
        if (!committed && batch.some(isOutput)) {
          committed = true;
          if (held.length > 0) {
            yield held.concat(batch);
            held = [];
            continue;
          }
        }
        if (committed) yield batch;
        else held.push(...batch);
      }
      if (held.length > 0) yield held;
      return;
    } catch (thrown) {
      if (committed) throw thrown;
      const retry = planRetry(thrown, attemptNumber, options);
      yield [retry];
      await sleep(retry.delayMs, options.signal);
    }
  }
}

/** Retries a request/response call; `onRetry` hears of each retry. */
export async function retryRequest<T>(
  run: (attemptNumber: number) => Promise<T>,
  options: RetryLoopOptions & { onRetry?: (event: RetryEvent) => void },
): Promise<T> {
  const sleep = options.sleep ?? defaultSleep;
  for (let attemptNumber = 1; ; attemptNumber++) {
    try {
      return await run(attemptNumber);
    } catch (thrown) {
      const retry = planRetry(thrown, attemptNumber, options);
      options.onRetry?.(retry);
      await sleep(retry.delayMs, options.signal);
    }
  }
}
