// When to retry and how long to wait: a pure function, so that every rule is a unit test.
import {
  type DevsynthError,
  OpenRouterConnectionError,
  OpenRouterInsufficientCreditsError,
  OpenRouterRateLimitError,
} from '../errors.js';

/** Longest wait between attempts, whatever the backoff or the server says. */
export const MAX_RETRY_DELAY_MS = 60_000;

/**
 * Statuses worth another attempt. 408 Request Timeout, 429 Too Many Requests, and the 5xx
 * that mean "try later": 500, 502 Bad Gateway, 503 Unavailable, 504 Gateway Timeout, and
 * Cloudflare's 524 (origin timeout) and 529 (provider overloaded), which OpenRouter documents.
 * 501/505 and the like will not change on a retry.
 */
const RETRYABLE_STATUSES = new Set([408, 429, 500, 502, 503, 504, 524, 529]);

/** Connection failures that happen before anything was shown, and may pass on another try. */
const RETRYABLE_FAILURES = new Set<OpenRouterConnectionError['failure']>([
  'network',
  'timeout',
  'first_token_timeout',
  'stalled',
  'truncated',
  'server',
]);

export interface RetryPolicy {
  /** Further attempts after the first. */
  maxRetries: number;
  initialDelayMs: number;
  maxDelayMs?: number;
  /** In [0, 1); injected by tests. */
  random?: () => number;
}

export type RetryDecision =
  | { retry: true; delayMs: number }
  /** `error` is what to throw: the original, or one that says when to come back. */
  | { retry: false; error: DevsynthError };

/** Whether this failure may pass on another attempt, budget aside. */
export function isRetryable(error: DevsynthError): boolean {
  // OpenRouter's availability block says outright whether a retry can help; it wins when present.
  const availability = (error as { metadata?: Record<string, unknown> }).metadata?.availability as { retryable?: unknown } | undefined;
  if (availability?.retryable === false) return false;
  if (error instanceof OpenRouterRateLimitError) return !error.dailyCap;
  if (error instanceof OpenRouterConnectionError) {
    if (error.status !== undefined) return RETRYABLE_STATUSES.has(error.status);
    return RETRYABLE_FAILURES.has(error.failure);
  }
  // 402 from the in-flight budget clears by itself; OpenRouter then says when (errors §4.2).
  if (error instanceof OpenRouterInsufficientCreditsError) {
    return error.metadata?.limit_source === 'openrouter_in_flight_budget' && error.retryAfterMs !== undefined;
  }
  return false;
}

/**
 * Decides what follows failed attempt number `attempt` (1 = the first request).
 * Backoff: initialDelay × 2^(attempt−1), ±25 % jitter, capped at maxDelay. A server's
 * Retry-After wins when it is within the cap; beyond it we fail now and say when to retry,
 * rather than block a terminal or a CI job for minutes.
 */
export function computeRetryDelay(attempt: number, error: DevsynthError, policy: RetryPolicy): RetryDecision {
  const maxDelayMs = policy.maxDelayMs ?? MAX_RETRY_DELAY_MS;
  if (!isRetryable(error) || attempt > policy.maxRetries) return { retry: false, error };

  const retryAfterMs = (error as { retryAfterMs?: number }).retryAfterMs;
  if (retryAfterMs !== undefined) {
    if (retryAfterMs > maxDelayMs) {
      const when = new Date(Date.now() + retryAfterMs).toISOString();
      error.message = `${error.message} (the server asks to wait ${Math.ceil(retryAfterMs / 1000)} s: retry after ${when})`;
      return { retry: false, error };
    }
    return { retry: true, delayMs: retryAfterMs };
  }

  const random = policy.random ?? Math.random;
  const base = policy.initialDelayMs * 2 ** (attempt - 1);
  const jittered = base * (0.75 + 0.5 * random());
  return { retry: true, delayMs: Math.round(Math.min(maxDelayMs, jittered)) };
}
