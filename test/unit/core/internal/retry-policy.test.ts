import { afterEach, describe, expect, it, jest } from '@jest/globals';
import fc from 'fast-check';
import {
  type ConnectionFailure,
  type DevsynthError,
  CancelledError,
  OpenRouterAuthenticationError,
  OpenRouterConnectionError,
  OpenRouterInsufficientCreditsError,
  OpenRouterModelError,
  OpenRouterRateLimitError,
  UsageError,
} from '../../../../src/core/errors.js';
import { computeRetryDelay, isRetryable, MAX_RETRY_DELAY_MS } from '../../../../src/core/internal/retry-policy.js';
import { errorFromResponse } from '../../../../src/core/internal/to-provider-error.js';

const ctx = { secrets: [], providerLabel: 'OpenRouter' };
/** The typed error the provider makes of an HTTP error response. */
const fromHttp = (status: number, body: unknown, headers: Record<string, string> = {}) =>
  errorFromResponse(status, new Headers(headers), JSON.stringify(body), ctx);
const httpError = (status: number, message = 'x', extra: Record<string, unknown> = {}) =>
  fromHttp(status, { error: { code: status, message, ...extra } });

const server = (status: number, extra = {}) => new OpenRouterConnectionError('server', `HTTP ${status}`, { status, ...extra });
const policy = { maxRetries: 5, initialDelayMs: 1000, random: () => 0.5 };

describe('isRetryable: what is worth another attempt', () => {
  it.each([408, 429, 500, 502, 503, 504, 524, 529])('retries HTTP %i as mapped from a response', (status) => {
    expect(isRetryable(httpError(status))).toBe(true);
  });

  it.each<ConnectionFailure>(['network', 'timeout', 'first_token_timeout', 'stalled', 'truncated'])(
    'retries the connection failure %s',
    (failure) => {
      expect(isRetryable(new OpenRouterConnectionError(failure, 'x'))).toBe(true);
    },
  );

  it('retries a per-minute 429 but never the daily free-tier cap', () => {
    expect(isRetryable(new OpenRouterRateLimitError('rpm'))).toBe(true);
    expect(isRetryable(new OpenRouterRateLimitError('day', { dailyCap: true }))).toBe(false);
    expect(isRetryable(httpError(429, 'Rate limit exceeded: limit_rpm/qwen/qwen3-coder/x'))).toBe(true);
    expect(isRetryable(httpError(429, 'Rate limit exceeded: free-models-per-day. Add 10 credits'))).toBe(false);
    expect(isRetryable(httpError(429, 'x', { metadata: { limit_source: 'openrouter_free_tier_daily' } }))).toBe(false);
  });

  it.each([400, 401, 402, 403, 404, 413, 422])('never retries HTTP %i as mapped from a response', (status) => {
    expect(isRetryable(httpError(status))).toBe(false);
  });

  it.each<[string, DevsynthError]>([
    ['a 400 model error', new OpenRouterModelError('x', { status: 400 })],
    ['a 401', new OpenRouterAuthenticationError('x', { status: 401 })],
    ['a 402', new OpenRouterInsufficientCreditsError('x', { status: 402 })],
    ['a 403 key limit', new OpenRouterAuthenticationError('x', { status: 403 })],
    ['501 Not Implemented', server(501)],
    ['a TLS failure', new OpenRouterConnectionError('tls', 'x')],
    ['a protocol failure', new OpenRouterConnectionError('protocol', 'x')],
    ['a 503 with availability.retryable false', server(503, { metadata: { availability: { retryable: false } } })],
    ['a cancellation', new CancelledError()],
    ['a usage error', new UsageError('x')],
  ])('never retries %s', (_name, error) => {
    expect(isRetryable(error)).toBe(false);
  });

  it('obeys availability.retryable false on a mapped 503', () => {
    const body = { error: { message: 'gone', http_status: 503, availability: { code: 'temporarily_unavailable', retryable: false } } };
    expect(isRetryable(fromHttp(503, body))).toBe(false);
    const retryable = { error: { message: 'busy', http_status: 503, availability: { code: 'temporarily_unavailable', retryable: true } } };
    expect(isRetryable(fromHttp(503, retryable))).toBe(true);
  });

  it('obeys availability.retryable false on a 429 too (the client switches on it when present)', () => {
    const body = { error: { message: 'no capacity', http_status: 429, availability: { code: 'capacity_exhausted', retryable: false } } };
    expect(isRetryable(fromHttp(429, body))).toBe(false);
  });

  it('retries a 402 from the in-flight budget only when the server says when', () => {
    const inFlight = { error: { code: 402, message: 'busy', metadata: { limit_source: 'openrouter_in_flight_budget' } } };
    expect(isRetryable(fromHttp(402, inFlight, { 'retry-after': '2' }))).toBe(true);
    expect(isRetryable(fromHttp(402, inFlight))).toBe(false);
    const credits = { error: { code: 402, message: 'more credits', metadata: { limit_source: 'openrouter_credits' } } };
    expect(isRetryable(fromHttp(402, credits, { 'retry-after': '2' }))).toBe(false);
  });
});

describe('computeRetryDelay: backoff', () => {
  it('doubles from initialDelayMs', () => {
    expect([1, 2, 3, 4].map((attempt) => computeRetryDelay(attempt, server(503), policy))).toEqual([
      { retry: true, delayMs: 1000 },
      { retry: true, delayMs: 2000 },
      { retry: true, delayMs: 4000 },
      { retry: true, delayMs: 8000 },
    ]);
    expect(computeRetryDelay(3, server(503), { ...policy, initialDelayMs: 300 })).toEqual({ retry: true, delayMs: 1200 });
  });

  it('jitters by ±25 % through the injected random', () => {
    expect(computeRetryDelay(1, server(503), { ...policy, random: () => 0 })).toEqual({ retry: true, delayMs: 750 });
    expect(computeRetryDelay(1, server(503), { ...policy, random: () => 0.999999 })).toEqual({ retry: true, delayMs: 1250 });
    expect(computeRetryDelay(2, server(503), { ...policy, random: () => 0.25 })).toEqual({ retry: true, delayMs: 1750 });
  });

  it('property: every delay is initialDelay × 2^(attempt−1) within ±25 %, capped at 60 s', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 20 }),
        fc.integer({ min: 1, max: 10_000 }),
        fc.double({ min: 0, max: 1, maxExcluded: true, noNaN: true }),
        (attempt, initialDelayMs, r) => {
          const decision = computeRetryDelay(attempt, server(502), { maxRetries: 20, initialDelayMs, random: () => r });
          if (!decision.retry) throw new Error('expected a retry');
          const base = initialDelayMs * 2 ** (attempt - 1);
          expect(decision.delayMs).toBeLessThanOrEqual(MAX_RETRY_DELAY_MS);
          expect(decision.delayMs).toBeGreaterThanOrEqual(Math.min(MAX_RETRY_DELAY_MS, Math.floor(base * 0.75)));
          expect(decision.delayMs).toBeLessThanOrEqual(Math.ceil(base * 1.25));
        },
      ),
    );
  });

  it('caps the delay at 60 s', () => {
    expect(MAX_RETRY_DELAY_MS).toBe(60_000);
    expect(computeRetryDelay(10, server(503), { ...policy, maxRetries: 20 })).toEqual({ retry: true, delayMs: 60_000 });
    expect(computeRetryDelay(7, server(503), { ...policy, maxRetries: 20, random: () => 0 })).toEqual({ retry: true, delayMs: 48_000 });
    expect(computeRetryDelay(7, server(503), { ...policy, maxRetries: 20, random: () => 0.99 })).toEqual({ retry: true, delayMs: 60_000 });
  });

  it('stops when the budget is spent: attempt > maxRetries is not retried', () => {
    expect(computeRetryDelay(5, server(503), policy).retry).toBe(true);
    const spent = computeRetryDelay(6, server(503), policy);
    expect(spent.retry).toBe(false);
    expect(computeRetryDelay(1, server(503), { ...policy, maxRetries: 0 }).retry).toBe(false);
  });

  it('hands back the original error when it does not retry', () => {
    const error = new OpenRouterModelError('bad request', { status: 400 });
    expect(computeRetryDelay(1, error, policy)).toEqual({ retry: false, error });
    expect((computeRetryDelay(1, error, policy) as { error: DevsynthError }).error).toBe(error);
  });
});

describe('computeRetryDelay: the server says how long', () => {
  afterEach(() => {
    jest.useRealTimers();
  });

  it('honours Retry-After exactly when within the cap, whatever the backoff would be', () => {
    expect(computeRetryDelay(1, new OpenRouterRateLimitError('rpm', { retryAfterMs: 17_000 }), policy)).toEqual({ retry: true, delayMs: 17_000 });
    expect(computeRetryDelay(4, new OpenRouterRateLimitError('rpm', { retryAfterMs: 250 }), policy)).toEqual({ retry: true, delayMs: 250 });
    expect(computeRetryDelay(1, server(503, { retryAfterMs: 60_000 }), policy)).toEqual({ retry: true, delayMs: 60_000 });
  });

  it('honours a Retry-After header read from a real 429 response', () => {
    const error = fromHttp(429, { error: { code: 429, message: 'Rate limit exceeded' } }, { 'retry-after': '7' });
    expect(computeRetryDelay(1, error, policy)).toEqual({ retry: true, delayMs: 7000 });
  });

  it('gives up at once when Retry-After is over the cap, and the message says when to retry', () => {
    jest.useFakeTimers({ now: Date.UTC(2026, 0, 1, 12, 0, 0) });
    const error = new OpenRouterRateLimitError('rate limited (429): slow down', { retryAfterMs: 3_600_000 });
    const decision = computeRetryDelay(1, error, policy);
    expect(decision.retry).toBe(false);
    if (decision.retry) return;
    expect(decision.error.message).toContain('rate limited (429): slow down');
    expect(decision.error.message).toContain('3600 s');
    expect(decision.error.message).toContain('2026-01-01T13:00:00.000Z');
  });

  it('treats one millisecond over the cap as over it', () => {
    expect(computeRetryDelay(1, server(503, { retryAfterMs: 60_001 }), policy).retry).toBe(false);
    expect(computeRetryDelay(1, server(503, { retryAfterMs: 5_000 }), { ...policy, maxDelayMs: 4_000 }).retry).toBe(false);
  });

  it('does not honour Retry-After past the budget', () => {
    expect(computeRetryDelay(6, server(503, { retryAfterMs: 1000 }), policy).retry).toBe(false);
  });

  it('retries a 402 in-flight-budget error after exactly its Retry-After', () => {
    const error = new OpenRouterInsufficientCreditsError('busy', {
      status: 402,
      metadata: { limit_source: 'openrouter_in_flight_budget' },
      retryAfterMs: 1500,
    });
    expect(computeRetryDelay(1, error, policy)).toEqual({ retry: true, delayMs: 1500 });
  });
});
