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

describe('redactSecrets: a known key in the forms a server may echo it', () => {
  const LONG_KEY = `sk-or-v1-${'0123456789abcdef'.repeat(4)}`;
  const body = LONG_KEY.slice('sk-or-v1-'.length);
  const base64 = (text: string) => Buffer.from(text).toString('base64');
  const base64url = (text: string) => Buffer.from(text).toString('base64url');
  const percentAll = (text: string) => Buffer.from(text).toString('hex').replace(/../g, '%$&');

  it.each([
    ['its part after sk-or-v1-', body],
    ['its base64', base64(LONG_KEY)],
    ['the base64 of "Bearer <key>" (another alignment)', base64(`Bearer ${LONG_KEY}`)],
    ['the base64 of ":<key>" (a third alignment, as in Basic auth)', base64(`:${LONG_KEY}`)],
    ['its url-safe base64', base64url(LONG_KEY)],
    ['the url-safe base64 of "Bearer <key>"', base64url(`Bearer ${LONG_KEY}`)],
    ['the base64 of its part after sk-or-v1-', base64(body)],
    ['every byte percent-encoded, upper case', percentAll(LONG_KEY).toUpperCase()],
    ['every byte percent-encoded, lower case', percentAll(LONG_KEY)],
    ['some characters percent-encoded, as a URL encoder may', LONG_KEY.replace(/-/g, '%2D').replace(/a/g, '%61')],
    ['its hex', Buffer.from(LONG_KEY).toString('hex')],
  ])('%s', (_name, form) => {
    // The sk-or- pattern alone does not catch these: only knowing the key does.
    expect(redactSecrets(`echo ${form} end`)).toContain(form.slice(4, -4));
    const redacted = redactSecrets(`echo ${form} end`, [LONG_KEY]);
    expect(redacted).toContain(REDACTED);
    expect(redacted).not.toContain(form);
    // Left around the hidden part: at most a group of 4 characters each side that mixes in
    // neighbouring bytes, and the encoding of what came before the key ("Bearer " is 8 more).
    expect(redacted.length).toBeLessThanOrEqual(`echo  end`.length + REDACTED.length + 12);
  });

  it('the forms of a key that is not OpenRouter-shaped, url-encoded', () => {
    const other = 'tok/with+odd=chars&more-0123456789';
    const redacted = redactSecrets(`a=${encodeURIComponent(other)}&b=${base64(other)}`, [other]);
    expect(redacted).toBe(`a=${REDACTED}&b=${REDACTED}`);
  });

  it('hides the forms of the key only, not text that resembles them or short slices of a short secret', () => {
    const resembling = `model output 0123456789abcdef and ${base64('Bearer sk-or-v1-ffff')}`;
    expect(redactSecrets(`${resembling} ${body}`, [LONG_KEY])).toBe(`${resembling} ${REDACTED}`);
    // "Y2RlZmdo" is "cdefgh" in base64, a slice of the encoding of "abcdefgh" one byte in: too
    // short to tell from a word. The whole encoding is long enough.
    expect(redactSecrets(`x Y2RlZmdo y ${base64('abcdefgh')}`, ['abcdefgh'])).toBe(`x Y2RlZmdo y ${REDACTED}`);
  });

  it('redactValue hides those forms in metadata, values and names alike', () => {
    const redacted = redactValue({ raw: base64(`Bearer ${LONG_KEY}`), [body]: [percentAll(LONG_KEY)] }, [LONG_KEY]);
    const text = JSON.stringify(redacted);
    expect(text).not.toContain(body);
    expect(text).not.toContain(base64(`Bearer ${LONG_KEY}`));
    expect(text).not.toContain(percentAll(LONG_KEY));
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
