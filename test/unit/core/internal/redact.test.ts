import { inspect } from 'node:util';
import { describe, expect, it } from '@jest/globals';
import { REDACTED, redactHeaders, redactSecrets, redactValue, sanitizeCause } from '../../../../src/core/internal/redact.js';

const KEY = 'sk-or-v1-0123456789abcdef';

describe('redactSecrets', () => {
  it('replaces every occurrence of a secret it was told of', () => {
    expect(redactSecrets('key=abcdefgh12345678 and again abcdefgh12345678', ['abcdefgh12345678'])).toBe(
      `key=${REDACTED} and again ${REDACTED}`,
    );
  });

  it('ignores absent and short secrets (they would redact ordinary words)', () => {
    expect(redactSecrets('the cat sat', [undefined, 'cat', ''])).toBe('the cat sat');
  });

  it('replaces anything shaped like an OpenRouter key, known or not', () => {
    expect(redactSecrets(`an unknown ${KEY} key`)).toBe(`an unknown ${REDACTED} key`);
    expect(redactSecrets('"sk-or-v1-ffff0000","next"')).toBe(`"${REDACTED}","next"`);
    expect(redactSecrets('sk-or-abc_DEF-123.')).toBe(`${REDACTED}.`);
  });

  it('replaces bearer tokens, whatever they look like', () => {
    expect(redactSecrets('Authorization: Bearer tok_abc123')).toBe(`Authorization: Bearer ${REDACTED}`);
    expect(redactSecrets('authorization: bearer   xyz.abc-def, next')).toBe(`authorization: bearer   ${REDACTED}, next`);
    expect(redactSecrets(`{"Authorization":"Bearer ${KEY}"}`)).toBe(`{"Authorization":"Bearer ${REDACTED}"}`);
  });

  it('leaves text without secrets alone', () => {
    const text = 'Rate limit exceeded: free-models-per-day. Add 10 credits';
    expect(redactSecrets(text, [KEY])).toBe(text);
  });
});

describe('redactValue', () => {
  it('redacts string leaves at any depth, in objects and arrays', () => {
    const value = { a: { b: [`x ${KEY}`, { c: 'known-secret-123' }] }, n: 1, t: true, z: null };
    expect(redactValue(value, ['known-secret-123'])).toEqual({ a: { b: [`x ${REDACTED}`, { c: REDACTED }] }, n: 1, t: true, z: null });
  });

  it('replaces the value of any Authorization key, whatever its case or content', () => {
    expect(
      redactValue({ headers: { Authorization: 'Basic dXNlcjpwYXNz', authorization: { scheme: 'x' }, other: ['sk-or-v1-aaaa'] } }),
    ).toEqual({ headers: { Authorization: REDACTED, authorization: REDACTED, other: [REDACTED] } });
  });

  it('redacts a secret used as a property name, not only as a value', () => {
    const redacted = redactValue({ echoed: { [KEY]: 'valid', 'known-secret-123': 1 } }, ['known-secret-123']);
    expect(JSON.stringify(redacted)).not.toContain(KEY);
    expect(JSON.stringify(redacted)).not.toContain('known-secret-123');
  });

  it('does not change its input', () => {
    const input = { headers: { Authorization: 'Bearer x' }, list: [KEY] };
    const copy = JSON.parse(JSON.stringify(input)) as typeof input;
    redactValue(input);
    expect(input).toEqual(copy);
  });

  it('redactHeaders redacts header values for logs', () => {
    expect(redactHeaders({ Authorization: `Bearer ${KEY}`, 'HTTP-Referer': 'https://devsynth.dev' })).toEqual({
      Authorization: REDACTED,
      'HTTP-Referer': 'https://devsynth.dev',
    });
  });
});

describe('sanitizeCause', () => {
  it('keeps only name, code and the redacted message', () => {
    const raw = Object.assign(new Error(`boom ${KEY}`), {
      name: 'FetchError',
      code: 'ECONNRESET',
      options: { headers: { authorization: `Bearer ${KEY}` } },
      request: 'https://openrouter.ai/api/v1/chat/completions',
    });
    const safe = sanitizeCause(raw, [KEY]);
    expect(safe).not.toBe(raw);
    expect(safe.name).toBe('FetchError');
    expect((safe as Error & { code?: string }).code).toBe('ECONNRESET');
    expect(safe.message).toBe(`boom ${REDACTED}`);
    expect(Object.keys(safe).sort()).toEqual(['code', 'name']);
    expect(safe.cause).toBeUndefined();
  });

  it('drops the original stack and cause chain, which may hold the key', () => {
    const raw = new TypeError(`fetch failed ${KEY}`, { cause: Object.assign(new Error(`inner ${KEY}`), { code: 'ECONNREFUSED' }) });
    const safe = sanitizeCause(raw, [KEY]);
    expect(safe.stack).toBe(`TypeError: fetch failed ${REDACTED}`);
    expect(inspect(safe, { depth: Infinity })).not.toContain(KEY);
    expect(inspect(safe, { depth: Infinity })).not.toContain('inner');
  });

  it("takes the code from undici's nested cause when the error has none", () => {
    const raw = new TypeError('fetch failed', { cause: Object.assign(new Error('connect'), { code: 'ECONNREFUSED' }) });
    expect((sanitizeCause(raw) as Error & { code?: string }).code).toBe('ECONNREFUSED');
  });

  it('turns a thrown non-Error into a redacted Error', () => {
    const safe = sanitizeCause(`Authorization: Bearer ${KEY}`);
    expect(safe).toBeInstanceOf(Error);
    expect(safe.message).toBe(`Authorization: Bearer ${REDACTED}`);
  });

  it('redacts the bearer token of an echoed header without being told the key', () => {
    const safe = sanitizeCause(new Error('sent Authorization: Bearer abc.def.ghi'));
    expect(safe.message).toBe(`sent Authorization: Bearer ${REDACTED}`);
  });
});

describe('sanitizeCause and nested codes', () => {
  it('keeps a code nested as undici nests it (FetchError → TypeError → {code})', () => {
    const nested = new Error('[POST] "https://x/": <no response> fetch failed', {
      cause: new TypeError('fetch failed', { cause: Object.assign(new Error('connect ECONNREFUSED'), { code: 'ECONNREFUSED' }) }),
    });
    expect((sanitizeCause(nested) as { code?: string }).code).toBe('ECONNREFUSED');
  });
});
