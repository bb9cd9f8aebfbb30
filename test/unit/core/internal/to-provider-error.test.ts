import { inspect } from 'node:util';
import { describe, expect, it } from '@jest/globals';
import {
  OpenRouterAuthenticationError,
  OpenRouterConnectionError,
  type OpenRouterError,
  OpenRouterInsufficientCreditsError,
  OpenRouterInvalidModelError,
  OpenRouterModelError,
  OpenRouterRateLimitError,
} from '../../../../src/core/errors.js';
import { isRetryable } from '../../../../src/core/internal/retry-policy.js';
import { errorFromInBand, errorFromResponse, errorFromTransport, REDIRECT_REFUSED } from '../../../../src/core/internal/to-provider-error.js';

const KEY = 'sk-or-v1-0123456789abcdef';
const ctx = { secrets: [KEY], providerLabel: 'OpenRouter' };
const respond = (status: number, body: unknown, headers: Record<string, string> = {}) =>
  errorFromResponse(status, new Headers(headers), typeof body === 'string' ? body : JSON.stringify(body), ctx);
const withCode = (code: unknown, message: string, metadata?: Record<string, unknown>) => ({
  error: { code, message, ...(metadata ? { metadata } : {}) },
  user_id: 'user_123',
});

type ErrorClass = abstract new (...args: never[]) => OpenRouterError;

describe('errorFromResponse: status classes', () => {
  it.each<[string, number, unknown, ErrorClass, number]>([
    ['401 bad key', 401, withCode(401, 'User not found.'), OpenRouterAuthenticationError, 4],
    ['401 missing header', 401, withCode(401, 'No cookie auth credentials found'), OpenRouterAuthenticationError, 4],
    ['402 credits', 402, withCode(402, 'This request requires more credits, or fewer max_tokens.', { provider_name: null }), OpenRouterInsufficientCreditsError, 9],
    ['403 key limit', 403, withCode(403, 'Key limit exceeded (total limit). Manage it using https://openrouter.ai/settings/keys'), OpenRouterAuthenticationError, 4],
    [
      '403 moderation',
      403,
      withCode(403, 'openai/gpt-5 requires moderation on OpenRouter. Your input was flagged for "violence".', {
        reasons: ['violence'],
        flagged_input: 'kill...',
        provider_name: 'OpenAI',
        model_slug: 'openai/gpt-5',
      }),
      OpenRouterModelError,
      6,
    ],
    ['403 guardrail', 403, withCode(403, 'Request blocked: prompt injection patterns detected', { patterns: ['x'] }), OpenRouterModelError, 6],
    ['404 no endpoints', 404, withCode(404, 'No endpoints found for meta-llama/llama-3.2-1b-instruct:free.'), OpenRouterInvalidModelError, 6],
    ['400 not a valid model ID', 400, withCode(400, 'claude-sonnet-4-6 is not a valid model ID'), OpenRouterInvalidModelError, 6],
    ['400 other', 400, withCode(400, 'messages: Field required'), OpenRouterModelError, 6],
    ['408', 408, withCode(408, 'Operation timed out. Please try again later.'), OpenRouterConnectionError, 7],
    ['413', 413, withCode(413, 'Request payload too large'), OpenRouterModelError, 6],
    ['422', 422, withCode(422, 'Invalid argument'), OpenRouterModelError, 6],
    ['429', 429, withCode(429, 'Rate limit exceeded'), OpenRouterRateLimitError, 5],
    ['500', 500, withCode(500, 'Internal Server Error'), OpenRouterConnectionError, 7],
    ['502', 502, withCode(502, 'Network connection lost.', { error_type: 'provider_unavailable' }), OpenRouterConnectionError, 7],
    ['503', 503, withCode(503, 'Service temporarily unavailable'), OpenRouterConnectionError, 7],
    ['504', 504, withCode(504, 'Gateway timeout'), OpenRouterConnectionError, 7],
    ['524', 524, withCode(524, 'Request timed out. Please try again later.'), OpenRouterConnectionError, 7],
    ['529', 529, withCode(529, 'Provider returned error'), OpenRouterConnectionError, 7],
  ])('%s → its class and exit code', (_name, status, body, type, exitCode) => {
    const error = respond(status, body);
    expect(error.constructor).toBe(type);
    expect(error.exitCode).toBe(exitCode);
    expect(error.status).toBe(status);
    expect(error.toJSON()).toMatchObject({ exit_code: exitCode, status });
  });

  it('maps 408 to a retryable timeout and 5xx to a retryable server failure', () => {
    const timeout = respond(408, withCode(408, 'Operation timed out.')) as OpenRouterConnectionError;
    expect(timeout.failure).toBe('timeout');
    expect(isRetryable(timeout)).toBe(true);
    const server = respond(502, withCode(502, 'Bad gateway')) as OpenRouterConnectionError;
    expect(server.failure).toBe('server');
    expect(isRetryable(server)).toBe(true);
  });

  it('keeps the server message and a hint', () => {
    const error = respond(401, withCode(401, 'User not found.'));
    expect(error.message).toContain('User not found.');
    expect(error.message).toContain('401');
    expect(error.hint).toMatch(/OPENROUTER_API_KEY/);
  });

  it('carries the generation id it was given', () => {
    const error = errorFromResponse(500, new Headers(), JSON.stringify(withCode(500, 'x')), { ...ctx, generationId: 'gen-123' });
    expect(error.generationId).toBe('gen-123');
  });
});

describe('errorFromResponse: 429', () => {
  it('a per-minute limit is not a daily cap', () => {
    const body = withCode(429, 'Rate limit exceeded: limit_rpm/qwen/qwen3-coder-480b-a35b-07-25/x. Please retry shortly.', {
      headers: { 'X-RateLimit-Limit': '8', 'X-RateLimit-Remaining': '0', 'X-RateLimit-Reset': '1783519380000' },
      provider_name: null,
    });
    const error = respond(429, body) as OpenRouterRateLimitError;
    expect(error.dailyCap).toBe(false);
    expect(isRetryable(error)).toBe(true);
  });

  it('the daily free-tier cap by its message (free-models-per-day), with resetAt from metadata.headers', () => {
    const body = withCode(429, 'Rate limit exceeded: free-models-per-day. Add 10 credits to unlock 1000 free model requests per day', {
      headers: { 'X-RateLimit-Limit': '50', 'X-RateLimit-Remaining': '0', 'X-RateLimit-Reset': '1779321600000' },
      provider_name: null,
    });
    const error = respond(429, body) as OpenRouterRateLimitError;
    expect(error.exitCode).toBe(5);
    expect(error.dailyCap).toBe(true);
    expect(error.resetAt?.getTime()).toBe(1779321600000);
    expect(error.hint).toContain(new Date(1779321600000).toISOString());
  });

  it('the daily free-tier cap by limit_source, with resetAt from the X-RateLimit-Reset header', () => {
    const body = withCode(429, 'Rate limit exceeded', { limit_source: 'openrouter_free_tier_daily', remedy_hint: 'Wait for the daily reset' });
    const error = respond(429, body, { 'X-RateLimit-Reset': '1779321600001' }) as OpenRouterRateLimitError;
    expect(error.dailyCap).toBe(true);
    expect(error.resetAt?.getTime()).toBe(1779321600001);
    expect(isRetryable(error)).toBe(false);
  });

  it('has no resetAt when neither header nor body says', () => {
    const error = respond(429, withCode(429, 'Rate limit exceeded')) as OpenRouterRateLimitError;
    expect(error.resetAt).toBeUndefined();
  });

  it('reads a Retry-After header into retryAfterMs', () => {
    expect(respond(429, withCode(429, 'slow down'), { 'Retry-After': '17' }).retryAfterMs).toBe(17_000);
    expect(respond(503, withCode(503, 'busy'), { 'retry-after-ms': '750' }).retryAfterMs).toBe(750);
    expect(respond(429, withCode(429, 'slow down')).retryAfterMs).toBeUndefined();
  });

  it('the upstream pool 429 ("Provider returned error") shows raw, the provider, and the body retry hint', () => {
    const body = withCode(429, 'Provider returned error', {
      raw: 'meta-llama/llama-3.3-70b-instruct:free is temporarily rate-limited upstream. Please retry shortly.',
      provider_name: 'Venice',
      is_byok: false,
      retry_after_seconds: 17,
      retry_after_seconds_raw: 16.007,
      headers: { 'Retry-After': '17' },
    });
    const error = respond(429, body) as OpenRouterRateLimitError;
    expect(error.message).toContain('temporarily rate-limited upstream');
    expect(error.message).toContain('Venice');
    expect(error.providerName).toBe('Venice');
    expect(error.retryAfterMs).toBe(17_000);
    expect(error.dailyCap).toBe(false);
  });
});

describe('errorFromResponse: error.code forms', () => {
  it('a number', () => {
    const error = respond(429, withCode(429, 'x'));
    expect(error.code).toBe(429);
    expect(error).toBeInstanceOf(OpenRouterRateLimitError);
  });

  it('a numeric string ("429")', () => {
    const error = respond(429, withCode('429', 'x'));
    expect(error.code).toBe('429');
    expect(error.status).toBe(429);
    expect(error).toBeInstanceOf(OpenRouterRateLimitError);
  });

  it('a word ("server_error"): the HTTP status decides', () => {
    const error = respond(502, withCode('server_error', 'upstream failed'));
    expect(error.code).toBe('server_error');
    expect(error.status).toBe(502);
    expect(error).toBeInstanceOf(OpenRouterConnectionError);
    expect(error.message).toContain('upstream failed');
  });

  it('missing: falls back to the HTTP status', () => {
    const error = respond(503, { error: { message: 'no code here' } });
    expect(error.code).toBeUndefined();
    expect(error.status).toBe(503);
    expect(error).toBeInstanceOf(OpenRouterConnectionError);
  });
});

describe('errorFromResponse: availability errors (no code)', () => {
  it('reads error_type, http_status and availability, with availability.retry_after → retryAfterMs', () => {
    const body = {
      error: {
        message: 'The provider is temporarily unavailable',
        error_type: 'provider_overloaded',
        http_status: 503,
        availability: { code: 'temporarily_unavailable', retryable: true, retry_after: 4, affected_providers: ['x'] },
        metadata: { previous_errors: [{ provider: 'x', code: 'overloaded', status: 503 }] },
      },
    };
    const error = respond(503, body);
    expect(error).toBeInstanceOf(OpenRouterConnectionError);
    expect(error.status).toBe(503);
    expect(error.retryAfterMs).toBe(4000);
    expect(error.metadata?.availability).toMatchObject({ code: 'temporarily_unavailable', retryable: true });
    expect(error.metadata?.previous_errors).toEqual([{ provider: 'x', code: 'overloaded', status: 503 }]);
    expect(error.message).toContain('temporarily unavailable');
  });

  it('prefers the Retry-After header to availability.retry_after', () => {
    const body = { error: { message: 'busy', http_status: 503, availability: { code: 'temporarily_unavailable', retry_after: 4 } } };
    expect(respond(503, body, { 'retry-after': '2' }).retryAfterMs).toBe(2000);
  });

  it.each(['no_endpoints', 'free_variant_ended', 'model_deprecated'])('availability.code %s on a 404 → invalid model (6)', (code) => {
    const error = respond(404, { error: { message: 'gone', http_status: 404, availability: { code, retryable: false } } });
    expect(error).toBeInstanceOf(OpenRouterInvalidModelError);
    expect(error.exitCode).toBe(6);
  });

  it('availability.code model_not_found on a 400 → invalid model (6)', () => {
    const error = respond(400, { error: { message: 'unknown', http_status: 400, availability: { code: 'model_not_found' } } });
    expect(error).toBeInstanceOf(OpenRouterInvalidModelError);
  });

  it("OpenAI's own shape (code model_not_found, a type, a message naming no model) → invalid model (6)", () => {
    const error = respond(404, { error: { message: 'You do not have access to it.', type: 'invalid_request_error', param: null, code: 'model_not_found' } });
    expect(error).toBeInstanceOf(OpenRouterInvalidModelError);
  });

  it('a 404 routing failure is a rejection (6), not retried', () => {
    const body = withCode(404, 'No allowed providers are available for the selected model.', {
      available_providers: ['amazon-bedrock'],
      requested_providers: ['anthropic'],
      failed_routing_step: 'Filter by Allowed Providers',
    });
    const error = respond(404, body);
    expect(error).toBeInstanceOf(OpenRouterModelError);
    expect(error.exitCode).toBe(6);
    expect(isRetryable(error)).toBe(false);
  });
});

describe('errorFromResponse: "Provider returned error"', () => {
  it('shows metadata.raw as plain text and the provider name', () => {
    const error = respond(400, withCode(400, 'Provider returned error', { raw: 'context window exceeded', provider_name: 'Groq' }));
    expect(error.message).toContain('context window exceeded (via Groq)');
    expect(error.message).not.toContain('Provider returned error');
    expect(error.providerName).toBe('Groq');
  });

  it('shows the message inside metadata.raw when it is a JSON string', () => {
    const raw = JSON.stringify({ error: { message: 'max_tokens is too large', type: 'invalid_request_error' } });
    const error = respond(400, withCode(400, 'Provider returned error', { raw, provider_name: 'OpenAI' }));
    expect(error.message).toContain('max_tokens is too large (via OpenAI)');
  });

  it('shows a top-level message of a JSON-string raw', () => {
    const error = respond(502, withCode(502, 'Provider returned error', { raw: '{"message":"upstream exploded"}' }));
    expect(error.message).toContain('upstream exploded');
  });

  it('keeps the generic message when there is no raw', () => {
    const error = respond(529, withCode(529, 'Provider returned error', { provider_name: 'Anthropic' }));
    expect(error.message).toContain('Provider returned error (via Anthropic)');
  });
});

describe('errorFromResponse: bodies that are not an error object', () => {
  it('a non-JSON (HTML) body becomes a short snippet', () => {
    const html = `<html><head><title>502 Bad Gateway</title></head><body>${'<p>cloudflare</p>'.repeat(200)}END-OF-PAGE</body></html>`;
    const error = respond(502, html);
    expect(error).toBeInstanceOf(OpenRouterConnectionError);
    expect(error.message).toContain('502 Bad Gateway');
    expect(error.message).not.toContain('END-OF-PAGE');
    expect(error.message.length).toBeLessThan(400);
  });

  it('an empty body names the status', () => {
    expect(respond(503, '').message).toContain('HTTP 503');
  });

  it('JSON without an error object is shown as text', () => {
    const error = respond(400, { detail: 'weird' });
    expect(error).toBeInstanceOf(OpenRouterModelError);
    expect(error.message).toContain('weird');
  });
});

describe('errorFromInBand', () => {
  it('is an OpenRouterModelError (exit 6) with the partial text, whatever its code', () => {
    const error = errorFromInBand({ code: 502, message: 'upstream gone' }, ctx, { partialContent: 'Hello, wor' });
    expect(error.constructor).toBe(OpenRouterModelError);
    expect(error.exitCode).toBe(6);
    expect(error.partialContent).toBe('Hello, wor');
    expect(error.status).toBe(502);
    expect(error.message).toContain('upstream gone');
    expect(isRetryable(error)).toBe(false);
  });

  it('takes the status from a numeric or numeric-string code, not from a word', () => {
    expect(errorFromInBand({ code: 429, message: 'Rate limit exceeded' }, ctx).status).toBe(429);
    expect(errorFromInBand({ code: '429', message: 'Rate limit exceeded' }, ctx).status).toBe(429);
    const word = errorFromInBand({ code: 'server_error', message: 'oops' }, ctx);
    expect(word.status).toBeUndefined();
    expect(word.code).toBe('server_error');
    expect(word.exitCode).toBe(6);
  });

  it('keeps metadata.error_type and the provider', () => {
    const error = errorFromInBand({ code: 429, message: 'Rate limit exceeded', metadata: { error_type: 'rate_limit_exceeded', provider_name: 'OpenAI' } }, ctx);
    expect(error.metadata?.error_type).toBe('rate_limit_exceeded');
    expect(error.providerName).toBe('OpenAI');
  });

  it('without an error object names the native finish reason', () => {
    const error = errorFromInBand(undefined, ctx, { nativeFinishReason: 'MALFORMED_FUNCTION_CALL' });
    expect(error).toBeInstanceOf(OpenRouterModelError);
    expect(error.message).toContain('MALFORMED_FUNCTION_CALL');
  });
});

describe('errorFromTransport', () => {
  /** What undici throws: `TypeError: fetch failed` with the system error as its cause. */
  const undiciFailure = (code: string, message = `connect ${code} 127.0.0.1:443`) =>
    new TypeError('fetch failed', { cause: Object.assign(new Error(message), { code }) });

  it('names ECONNREFUSED found in a nested cause chain', () => {
    const error = errorFromTransport(undiciFailure('ECONNREFUSED'), ctx, 'openrouter.ai');
    expect(error).toBeInstanceOf(OpenRouterConnectionError);
    expect(error.failure).toBe('network');
    expect(error.exitCode).toBe(7);
    expect(error.message).toContain('openrouter.ai');
    expect(error.message).toContain('connection refused');
    expect(isRetryable(error)).toBe(true);
  });

  it('finds the code two levels down (ofetch FetchError → TypeError → system error)', () => {
    const fetchError = Object.assign(
      new Error('[POST] "https://openrouter.ai/api/v1/chat/completions": <no response> fetch failed', { cause: undiciFailure('ENOTFOUND') }),
      { name: 'FetchError' },
    );
    const error = errorFromTransport(fetchError, ctx, 'openrouter.ai');
    expect(error.failure).toBe('network');
    expect(error.message).toContain('host not found');
  });

  it.each(['UNABLE_TO_VERIFY_LEAF_SIGNATURE', 'SELF_SIGNED_CERT_IN_CHAIN', 'DEPTH_ZERO_SELF_SIGNED_CERT', 'CERT_HAS_EXPIRED', 'ERR_TLS_CERT_ALTNAME_INVALID'])(
    'a TLS code (%s) is a tls failure, not retried',
    (code) => {
      const error = errorFromTransport(undiciFailure(code, 'certificate problem'), ctx, 'openrouter.ai');
      expect(error.failure).toBe('tls');
      expect(error.message).toContain(code);
      expect(error.hint).toMatch(/NODE_EXTRA_CA_CERTS|ca_file/);
      expect(isRetryable(error)).toBe(false);
    },
  );

  it("phase 'read' makes a network failure a truncated stream", () => {
    const terminated = new TypeError('terminated', { cause: Object.assign(new Error('other side closed'), { code: 'UND_ERR_SOCKET' }) });
    const error = errorFromTransport(terminated, ctx, 'openrouter.ai', 'read');
    expect(error.failure).toBe('truncated');
    expect(error.message).toContain('broke off');
    expect(isRetryable(error)).toBe(true);
    expect(errorFromTransport(terminated, ctx, 'openrouter.ai').failure).toBe('network');
  });

  it("phase 'read' leaves a TLS failure a TLS failure", () => {
    expect(errorFromTransport(undiciFailure('CERT_HAS_EXPIRED'), ctx, 'h', 'read').failure).toBe('tls');
  });

  it('without a code uses the error message', () => {
    expect(errorFromTransport(new Error('socket hang up'), ctx, 'h').message).toContain('socket hang up');
    expect(errorFromTransport('weird thing', ctx, 'h').message).toContain('weird thing');
  });

  it('keeps a sanitised cause with the code, never the original error', () => {
    const original = undiciFailure('ECONNREFUSED');
    const error = errorFromTransport(original, ctx, 'h');
    expect(error.cause).toBeInstanceOf(Error);
    expect(error.cause).not.toBe(original);
    expect((error.cause as Error & { code?: string }).code).toBe('ECONNREFUSED');
    expect((error.cause as Error).cause).toBeUndefined();
  });
});

describe('secrets never leak from a mapped error', () => {
  const BEARER = `Authorization: Bearer ${KEY}`;

  /** Every view of an error a user, a log or a crash report could see. */
  function views(error: OpenRouterError): string[] {
    const cause = error.cause as Error | undefined;
    return [
      error.message,
      error.hint ?? '',
      error.stack ?? '',
      JSON.stringify(error),
      JSON.stringify(error.metadata ?? {}),
      inspect(error, { depth: Infinity }),
      cause ? `${cause.message} ${cause.stack ?? ''} ${inspect(cause, { depth: Infinity })}` : '',
    ];
  }

  function expectNoKey(error: OpenRouterError) {
    for (const view of views(error)) {
      expect(view).not.toContain(KEY);
      expect(view).not.toContain('0123456789abcdef');
    }
  }

  it.each<[string, number, string]>([
    ['an echoed Authorization header in the message', 401, JSON.stringify(withCode(401, `${BEARER} is not valid`))],
    [
      'the key in metadata, nested and under Authorization',
      400,
      JSON.stringify(withCode(400, 'bad', { request: { headers: { Authorization: `Bearer ${KEY}` }, list: [`key ${KEY}`] }, echo: KEY })),
    ],
    [
      'the key inside a JSON-string metadata.raw',
      400,
      JSON.stringify(withCode(400, 'Provider returned error', { raw: JSON.stringify({ error: { message: `invalid api key ${KEY}` } }), provider_name: 'OpenAI' })),
    ],
    ['the key in an availability block', 503, JSON.stringify({ error: { message: 'x', http_status: 503, availability: { code: 'temporarily_unavailable', docs_url: `https://x/?k=${KEY}` } } })],
    ['the key in an HTML page', 502, `<html><pre>${BEARER}</pre></html>`],
    ['the key in a 429 daily-cap body', 429, JSON.stringify(withCode(429, `free-models-per-day for ${KEY}`, { headers: { Authorization: KEY } }))],
  ])('errorFromResponse: %s', (_name, status, body) => {
    expectNoKey(errorFromResponse(status, new Headers(), body, ctx));
  });

  it('errorFromResponse: the key echoed in metadata.provider_name', () => {
    const body = JSON.stringify({ error: { code: 400, message: 'x', metadata: { provider_name: `echo ${KEY}` } } });
    expectNoKey(errorFromResponse(400, new Headers(), body, ctx));
  });

  it('errorFromResponse: the key echoed as a property name in metadata', () => {
    const body = JSON.stringify({ error: { code: 401, message: 'bad key', metadata: { keys_tried: { [KEY]: 'revoked' } } } });
    expectNoKey(errorFromResponse(401, new Headers(), body, ctx));
  });

  it('errorFromResponse: the key echoed in a word error.code', () => {
    const body = JSON.stringify({ error: { code: `bad_key_${KEY}`, message: 'x' } });
    expectNoKey(errorFromResponse(400, new Headers(), body, ctx));
  });

  it('errorFromResponse: a key that does not look like an OpenRouter key is redacted because it is known', () => {
    const secret = 'custom-proxy-token-9f8e7d6c';
    const error = errorFromResponse(401, new Headers(), JSON.stringify(withCode(401, `token ${secret} rejected`, { raw: secret })), {
      secrets: [secret],
      providerLabel: 'OpenRouter',
    });
    for (const view of views(error)) expect(view).not.toContain(secret);
  });

  it('errorFromInBand: the key in the message and metadata', () => {
    expectNoKey(errorFromInBand({ code: 500, message: `saw ${BEARER}`, metadata: { raw: KEY } }, ctx, { partialContent: 'text' }));
  });

  it('errorFromTransport: the key in the message, a nested cause and ofetch request options', () => {
    const inner = Object.assign(new Error(`connect failed for ${BEARER}`), { code: 'ECONNREFUSED', headers: { authorization: `Bearer ${KEY}` } });
    const fetchFailed = new TypeError(`fetch failed ${KEY}`, { cause: inner });
    const fetchError = Object.assign(new Error(`[POST] "https://openrouter.ai/api/v1/chat/completions": <no response> ${BEARER}`, { cause: fetchFailed }), {
      name: 'FetchError',
      options: { headers: { Authorization: `Bearer ${KEY}` } },
      request: { headers: { Authorization: `Bearer ${KEY}` } },
    });
    for (const error of [fetchError, fetchFailed, inner]) {
      expectNoKey(errorFromTransport(error, ctx, 'openrouter.ai'));
      expectNoKey(errorFromTransport(error, ctx, 'openrouter.ai', 'read'));
    }
  });

  it('errorFromTransport: a thrown string holding the key', () => {
    expectNoKey(errorFromTransport(`boom ${BEARER}`, ctx, 'openrouter.ai'));
  });
});

describe('review fixes', () => {
  const ctxWith = (secret: string) => ({ secrets: [secret], providerLabel: 'OpenRouter' });

  it('a 403 for a region or privacy restriction is about the request (exit 6), not the key', () => {
    for (const code of ['region_restricted', 'privacy_restricted']) {
      const error = errorFromResponse(403, new Headers(), JSON.stringify({ error: { message: 'not here', availability: { code } } }), ctxWith('unused-secret'));
      expect(error.exitCode).toBe(6);
    }
  });

  it('a non-JSON body is redacted before it is cut, so no part of a secret survives the cut', () => {
    const secret = 'plain-secret-value-0123456789';
    const body = `${'x'.repeat(290)}${secret}${'y'.repeat(50)}`;
    const error = errorFromResponse(502, new Headers(), body, ctxWith(secret));
    expect(error.message).not.toContain('plain-secret');
  });
});

describe('gaps closed: behaviours no other test pins down', () => {
  it('403 "Key limit exceeded (daily limit)" is about the key (exit 4), like the total limit', () => {
    const error = respond(403, withCode(403, 'Key limit exceeded (daily limit). Manage it using https://openrouter.ai/settings/keys'));
    expect(error.constructor).toBe(OpenRouterAuthenticationError);
    expect(error.exitCode).toBe(4);
  });

  it('a 403 with moderation reasons is a rejection (exit 6) even when its message names no moderation', () => {
    const error = respond(403, withCode(403, 'Your input violates the usage policy.', { reasons: ['violence'], flagged_input: 'x' }));
    expect(error.constructor).toBe(OpenRouterModelError);
    expect(error.exitCode).toBe(6);
  });

  it('the HTTP status wins over a different numeric error.code in the body', () => {
    const error = respond(502, withCode(500, 'Internal Server Error'));
    expect(error.status).toBe(502);
    expect(error.code).toBe(500);
    expect(error.message).toContain('(502)');
  });

  it('an in-band availability error without code takes its status from http_status', () => {
    const error = errorFromInBand(
      { message: 'The provider is temporarily unavailable', error_type: 'provider_overloaded', http_status: 503, availability: { code: 'temporarily_unavailable', retryable: true } },
      ctx,
      { partialContent: 'so far' },
    );
    expect(error.constructor).toBe(OpenRouterModelError);
    expect(error.exitCode).toBe(6);
    expect(error.status).toBe(503);
    expect(error.partialContent).toBe('so far');
    expect(error.metadata?.availability).toMatchObject({ code: 'temporarily_unavailable' });
  });

  it('a 429 body without X-RateLimit-Reset anywhere still carries retry_after_seconds as retryAfterMs', () => {
    const error = respond(429, withCode(429, 'Rate limit exceeded', { retry_after_seconds: 3 }));
    expect(error.retryAfterMs).toBe(3000);
  });

  it('finds ECONNREFUSED on a plain-object cause, as undici nests it: TypeError("fetch failed", { cause: { code } })', () => {
    const thrown = new TypeError('fetch failed', { cause: { code: 'ECONNREFUSED', errno: -111, syscall: 'connect' } });
    const error = errorFromTransport(thrown, ctx, 'openrouter.ai');
    expect(error.failure).toBe('network');
    expect(error.exitCode).toBe(7);
    expect(error.message).toContain('connection refused');
    expect(error.message).not.toContain('fetch failed');
    expect((error.cause as Error & { code?: string }).code).toBe('ECONNREFUSED');
    expect(isRetryable(error)).toBe(true);
  });

  it('a TLS code on a plain-object cause is a tls failure', () => {
    const thrown = new TypeError('fetch failed', { cause: { code: 'UNABLE_TO_GET_ISSUER_CERT_LOCALLY' } });
    const error = errorFromTransport(thrown, ctx, 'openrouter.ai', 'read');
    expect(error.failure).toBe('tls');
    expect(isRetryable(error)).toBe(false);
  });

  it('a secret in a plain-object cause or the fetch message never reaches the error', () => {
    const thrown = new TypeError(`fetch failed: Authorization: Bearer ${KEY}`, {
      cause: { code: 'ECONNRESET', message: `reset while sending ${KEY}`, headers: { authorization: `Bearer ${KEY}` } },
    });
    for (const phase of ['connect', 'read'] as const) {
      const error = errorFromTransport(thrown, ctx, 'openrouter.ai', phase);
      const cause = error.cause as Error;
      for (const view of [error.message, error.hint ?? '', JSON.stringify(error), inspect(error, { depth: Infinity }), cause.message, inspect(cause, { depth: Infinity })]) {
        expect(view).not.toContain('0123456789abcdef');
      }
      expect(inspect(error, { depth: Infinity })).toContain('ECONNRESET');
    }
  });
});

describe('errorFromTransport: failures no retry can fix', () => {
  const ctx2 = { secrets: ['sk-or-v1-secret'], providerLabel: 'OpenRouter' };
  it.each(['HPE_HEADER_OVERFLOW', 'UND_ERR_HEADERS_OVERFLOW'])('a header overflow (%s) has its own message and is not retried', (code) => {
    const error = errorFromTransport(Object.assign(new Error('Parse Error: Header overflow'), { code }), ctx2, 'h', 'connect');
    expect(error).toMatchObject({ failure: 'too_large', exitCode: 7, message: 'the response headers from OpenRouter are too large' });
    expect(isRetryable(error)).toBe(false);
  });

  it('a refused redirect, even wrapped by ofetch, names what was refused and is not retried', () => {
    const refused = Object.assign(new Error('a redirect loop (back to /a)'), { code: REDIRECT_REFUSED });
    const wrapped = new Error('[POST] "/chat": <no response> a redirect loop', { cause: refused });
    const error = errorFromTransport(wrapped, ctx2, 'h');
    expect(error).toMatchObject({ failure: 'redirect', message: 'OpenRouter sent a redirect that is not followed: a redirect loop (back to /a)' });
    expect(isRetryable(error)).toBe(false);
  });

  it('a typed connection error raised under ofetch (a capped read) passes through as it is', () => {
    const typed = new OpenRouterConnectionError('too_large', 'the response from OpenRouter exceeded 8 MB');
    expect(errorFromTransport(new Error('wrapped', { cause: typed }), ctx2, 'h', 'read')).toBe(typed);
  });
});
