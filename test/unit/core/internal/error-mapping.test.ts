import { inspect } from 'node:util';
import { describe, expect, it } from '@jest/globals';
import {
  OpenRouterAuthenticationError,
  OpenRouterConnectionError,
  OpenRouterInsufficientCreditsError,
  OpenRouterInvalidModelError,
  OpenRouterModelError,
  OpenRouterRateLimitError,
} from '../../../../src/core/errors.js';
import { REDACTED, redactSecrets, redactValue, sanitizeCause } from '../../../../src/core/internal/redact.js';
import { errorFromInBand, errorFromResponse, errorFromTransport } from '../../../../src/core/internal/to-provider-error.js';

const KEY = 'sk-or-v1-0123456789abcdef0123456789abcdef';
const ctx = { secrets: [KEY], providerLabel: 'OpenRouter' };
const respond = (status: number, body: unknown, headers: Record<string, string> = {}) =>
  errorFromResponse(status, new Headers(headers), typeof body === 'string' ? body : JSON.stringify(body), ctx);

describe('errorFromResponse', () => {
  it.each<[number, unknown, new (...args: never[]) => Error, number]>([
    [401, { error: { code: 401, message: 'User not found.' } }, OpenRouterAuthenticationError, 4],
    [402, { error: { code: 402, message: 'more credits' } }, OpenRouterInsufficientCreditsError, 9],
    [403, { error: { code: 403, message: 'Key limit exceeded (total limit).' } }, OpenRouterAuthenticationError, 4],
    [403, { error: { code: 403, message: 'Your input was flagged', metadata: { reasons: ['violence'] } } }, OpenRouterModelError, 6],
    [404, { error: { code: 404, message: 'No endpoints found for x/y:free.' } }, OpenRouterInvalidModelError, 6],
    [400, { error: { code: 400, message: 'claude-sonnet-4-6 is not a valid model ID' } }, OpenRouterInvalidModelError, 6],
    [400, { error: { code: 400, message: 'messages: required' } }, OpenRouterModelError, 6],
    [408, { error: { code: 408, message: 'Operation timed out.' } }, OpenRouterConnectionError, 7],
    [413, { error: { code: 413, message: 'Request payload too large' } }, OpenRouterModelError, 6],
    [422, { error: { code: 422, message: 'Invalid argument' } }, OpenRouterModelError, 6],
    [429, { error: { code: 429, message: 'Rate limit exceeded' } }, OpenRouterRateLimitError, 5],
    [500, { error: { code: 500, message: 'Internal Server Error' } }, OpenRouterConnectionError, 7],
    [529, { error: { code: 529, message: 'Provider returned error' } }, OpenRouterConnectionError, 7],
  ])('%i → the right class and exit code', (status, body, type, exitCode) => {
    const error = respond(status, body);
    expect(error).toBeInstanceOf(type);
    expect(error.exitCode).toBe(exitCode);
    expect(error.status).toBe(status);
  });

  it('reads error.code as a number, a numeric string, a word, or not at all', () => {
    expect(respond(429, { error: { code: '429', message: 'x' } }).code).toBe('429');
    expect(respond(502, { error: { code: 'server_error', message: 'x' } })).toBeInstanceOf(OpenRouterConnectionError);
    expect(respond(503, { error: { message: 'no code' } }).status).toBe(503);
  });

  it('reads availability errors, which have no code', () => {
    const error = respond(503, { error: { message: 'busy', error_type: 'provider_overloaded', http_status: 503, availability: { code: 'temporarily_unavailable', retryable: true, retry_after: 4 } } });
    expect(error.retryAfterMs).toBe(4000);
    expect(error.metadata?.availability).toMatchObject({ code: 'temporarily_unavailable' });
    expect(respond(404, { error: { message: 'gone', availability: { code: 'free_variant_ended' } } })).toBeInstanceOf(OpenRouterInvalidModelError);
  });

  it('tells the daily cap from a per-minute limit, with the reset time from header or body', () => {
    const perMinute = respond(429, { error: { code: 429, message: 'Rate limit exceeded: limit_rpm/x' } }) as OpenRouterRateLimitError;
    expect(perMinute.dailyCap).toBe(false);
    const byMessage = respond(429, { error: { code: 429, message: 'Rate limit exceeded: free-models-per-day.', metadata: { headers: { 'X-RateLimit-Reset': '1779321600000' } } } }) as OpenRouterRateLimitError;
    expect(byMessage.dailyCap).toBe(true);
    expect(byMessage.resetAt?.getTime()).toBe(1779321600000);
    const bySource = respond(429, { error: { code: 429, message: 'x', metadata: { limit_source: 'openrouter_free_tier_daily' } } }, { 'x-ratelimit-reset': '1779321600001' }) as OpenRouterRateLimitError;
    expect(bySource.dailyCap).toBe(true);
    expect(bySource.resetAt?.getTime()).toBe(1779321600001);
  });

  it('shows metadata.raw (text or JSON) and the provider for "Provider returned error"', () => {
    expect(respond(400, { error: { code: 400, message: 'Provider returned error', metadata: { raw: 'bad things', provider_name: 'Groq' } } }).message).toContain('bad things (via Groq)');
    expect(respond(400, { error: { code: 400, message: 'Provider returned error', metadata: { raw: '{"error":{"message":"inner"}}' } } }).message).toContain('inner');
  });

  it('keeps a short snippet of a non-JSON body, and Retry-After', () => {
    const error = respond(502, `<html>${'x'.repeat(1000)}</html>`, { 'retry-after': '3' });
    expect(error.message.length).toBeLessThan(420);
    expect(error.retryAfterMs).toBe(3000);
  });
});

describe('errorFromInBand and errorFromTransport', () => {
  it('an in-band error is exit 6 with the partial text', () => {
    const error = errorFromInBand({ code: 502, message: 'gone' }, ctx, { partialContent: 'abc' });
    expect(error.exitCode).toBe(6);
    expect(error.partialContent).toBe('abc');
    expect(error.status).toBe(502);
  });

  it('names network failures from the cause chain, TLS failures apart, and read failures as truncation', () => {
    const refused = new TypeError('fetch failed', { cause: Object.assign(new Error('connect'), { code: 'ECONNREFUSED' }) });
    expect(errorFromTransport(refused, ctx, 'host:1').message).toContain('connection refused');
    const tls = new TypeError('fetch failed', { cause: Object.assign(new Error('cert'), { code: 'UNABLE_TO_VERIFY_LEAF_SIGNATURE' }) });
    expect(errorFromTransport(tls, ctx, 'host:1').failure).toBe('tls');
    const reset = new TypeError('terminated', { cause: Object.assign(new Error('other side closed'), { code: 'UND_ERR_SOCKET' }) });
    expect(errorFromTransport(reset, ctx, 'host:1', 'read').failure).toBe('truncated');
  });
});

describe('secrets', () => {
  it('never appear in any view of a mapped error', () => {
    const errors = [
      respond(400, { error: { code: 400, message: `Authorization: Bearer ${KEY} rejected`, metadata: { echo: KEY, Authorization: 'x' } } }),
      respond(500, `<p>${KEY}</p>`),
      errorFromInBand({ message: `saw ${KEY}` }, ctx),
      errorFromTransport(Object.assign(new Error(`failed with ${KEY}`), { options: { headers: { authorization: `Bearer ${KEY}` } } }), ctx, 'h'),
    ];
    for (const error of errors) {
      for (const view of [error.message, JSON.stringify(error), JSON.stringify(error.metadata ?? {}), inspect(error, { depth: 6 })]) {
        expect(view).not.toContain(KEY);
      }
    }
  });

  it('redacts keys it was told of, any sk-or- token, and bearer tokens', () => {
    expect(redactSecrets('key=abcdefgh12345678', ['abcdefgh12345678'])).toBe(`key=${REDACTED}`);
    expect(redactSecrets('an unknown sk-or-v1-ffff0000 key')).toBe(`an unknown ${REDACTED} key`);
    expect(redactSecrets('Authorization: Bearer tok_abc123')).toBe(`Authorization: Bearer ${REDACTED}`);
    expect(redactValue({ headers: { Authorization: 'Bearer x', other: ['sk-or-v1-aaaa'] } })).toEqual({ headers: { Authorization: REDACTED, other: [REDACTED] } });
  });

  it('sanitizeCause keeps only name, code and a redacted message', () => {
    const raw = Object.assign(new Error(`boom ${KEY}`), { code: 'ECONNRESET', options: { headers: { authorization: KEY } } });
    const safe = sanitizeCause(raw, [KEY]);
    expect(Object.keys(safe).sort()).toEqual(['code', 'name']);
    expect(safe.message).toBe(`boom ${REDACTED}`);
    expect(inspect(safe)).not.toContain(KEY);
  });
});
