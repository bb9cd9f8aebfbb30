import { describe, expect, it } from '@jest/globals';
import {
  type DevsynthError,
  OpenRouterAuthenticationError,
  OpenRouterConnectionError,
  OpenRouterInsufficientCreditsError,
  OpenRouterModelError,
  OpenRouterRateLimitError,
} from '../../../../src/core/errors.js';
import { parseRetryAfterBody, parseRetryAfterHeaders } from '../../../../src/core/internal/retry-after.js';
import { computeRetryDelay, isRetryable } from '../../../../src/core/internal/retry-policy.js';

const server = (status: number, extra = {}) => new OpenRouterConnectionError('server', `HTTP ${status}`, { status, ...extra });
const policy = { maxRetries: 5, initialDelayMs: 1000, random: () => 0.5 };

describe('isRetryable', () => {
  it.each([408, 500, 502, 503, 504, 524, 529])('retries HTTP %i', (status) => {
    expect(isRetryable(status === 408 ? new OpenRouterConnectionError('timeout', 't', { status }) : server(status))).toBe(true);
  });

  it.each(['network', 'timeout', 'first_token_timeout', 'stalled', 'truncated'] as const)('retries connection failure %s', (failure) => {
    expect(isRetryable(new OpenRouterConnectionError(failure, 'x'))).toBe(true);
  });

  it('retries a per-minute 429 but not the daily cap', () => {
    expect(isRetryable(new OpenRouterRateLimitError('rpm'))).toBe(true);
    expect(isRetryable(new OpenRouterRateLimitError('day', { dailyCap: true }))).toBe(false);
  });

  it.each<[string, DevsynthError]>([
    ['400', new OpenRouterModelError('x', { status: 400 })],
    ['401', new OpenRouterAuthenticationError('x', { status: 401 })],
    ['402', new OpenRouterInsufficientCreditsError('x', { status: 402 })],
    ['403', new OpenRouterAuthenticationError('x', { status: 403 })],
    ['404', new OpenRouterModelError('x', { status: 404 })],
    ['413', new OpenRouterModelError('x', { status: 413 })],
    ['422', new OpenRouterModelError('x', { status: 422 })],
    ['501', server(501)],
    ['tls', new OpenRouterConnectionError('tls', 'x')],
    ['protocol', new OpenRouterConnectionError('protocol', 'x')],
    ['availability.retryable false', server(503, { metadata: { availability: { retryable: false } } })],
  ])('never retries %s', (_name, error) => {
    expect(isRetryable(error)).toBe(false);
  });

  it('retries a 402 from the in-flight budget when the server says when', () => {
    const error = new OpenRouterInsufficientCreditsError('busy', { metadata: { limit_source: 'openrouter_in_flight_budget' }, retryAfterMs: 500 });
    expect(isRetryable(error)).toBe(true);
  });
});

describe('computeRetryDelay', () => {
  it('doubles from the initial delay', () => {
    expect([1, 2, 3, 4].map((attempt) => computeRetryDelay(attempt, server(503), policy))).toEqual([
      { retry: true, delayMs: 1000 },
      { retry: true, delayMs: 2000 },
      { retry: true, delayMs: 4000 },
      { retry: true, delayMs: 8000 },
    ]);
  });

  it('jitters by ±25 %', () => {
    const low = computeRetryDelay(1, server(503), { ...policy, random: () => 0 });
    const high = computeRetryDelay(1, server(503), { ...policy, random: () => 0.999999 });
    expect(low).toEqual({ retry: true, delayMs: 750 });
    expect(high).toEqual({ retry: true, delayMs: 1250 });
  });

  it('caps the delay at 60 s', () => {
    expect(computeRetryDelay(10, server(503), { ...policy, maxRetries: 20 })).toEqual({ retry: true, delayMs: 60_000 });
  });

  it('honours Retry-After exactly within the cap', () => {
    expect(computeRetryDelay(1, new OpenRouterRateLimitError('rpm', { retryAfterMs: 17_000 }), policy)).toEqual({ retry: true, delayMs: 17_000 });
  });

  it('gives up at once when Retry-After is beyond the cap, and says when to come back', () => {
    const decision = computeRetryDelay(1, new OpenRouterRateLimitError('rpm', { retryAfterMs: 3_600_000 }), policy);
    expect(decision.retry).toBe(false);
    if (!decision.retry) expect(decision.error.message).toMatch(/wait 3600 s: retry after \d{4}-\d\d-\d\dT/);
  });

  it('stops when the budget is spent', () => {
    expect(computeRetryDelay(5, server(503), policy).retry).toBe(true);
    expect(computeRetryDelay(6, server(503), policy).retry).toBe(false);
  });
});

describe('Retry-After parsing', () => {
  const headers = (values: Record<string, string>) => new Headers(values);

  it('reads seconds, an HTTP date, and prefers retry-after-ms', () => {
    const now = Date.UTC(2026, 0, 1, 0, 0, 0);
    expect(parseRetryAfterHeaders(headers({ 'retry-after': '17' }), now)).toBe(17_000);
    expect(parseRetryAfterHeaders(headers({ 'retry-after': 'Thu, 01 Jan 2026 00:00:30 GMT' }), now)).toBe(30_000);
    expect(parseRetryAfterHeaders(headers({ 'retry-after': '17', 'retry-after-ms': '250.5' }), now)).toBe(251);
    expect(parseRetryAfterHeaders(headers({ 'retry-after': 'soon' }), now)).toBeUndefined();
    expect(parseRetryAfterHeaders(headers({}), now)).toBeUndefined();
  });

  it('reads the body hints', () => {
    expect(parseRetryAfterBody({ retry_after_seconds: 17 }, undefined)).toBe(17_000);
    expect(parseRetryAfterBody(undefined, { retry_after: '2.5' })).toBe(2500);
    expect(parseRetryAfterBody({}, {})).toBeUndefined();
  });
});
