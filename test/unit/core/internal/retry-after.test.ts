import { describe, expect, it } from '@jest/globals';
import { parseRetryAfterBody, parseRetryAfterHeaders } from '../../../../src/core/internal/retry-after.js';

const NOW = Date.UTC(2026, 0, 1, 0, 0, 0);
const parse = (values: Record<string, string>, now = NOW) => parseRetryAfterHeaders(new Headers(values), now);

describe('parseRetryAfterHeaders', () => {
  it('reads Retry-After in seconds', () => {
    expect(parse({ 'retry-after': '17' })).toBe(17_000);
    expect(parse({ 'Retry-After': '0' })).toBe(0);
    expect(parse({ 'retry-after': ' 3 ' })).toBe(3000);
    expect(parse({ 'retry-after': '1.5' })).toBe(1500);
  });

  it('reads Retry-After as an HTTP date, against the injected clock', () => {
    expect(parse({ 'retry-after': 'Thu, 01 Jan 2026 00:00:30 GMT' })).toBe(30_000);
    expect(parse({ 'retry-after': 'Thu, 01 Jan 2026 00:02:00 GMT' }, NOW + 60_000)).toBe(60_000);
  });

  it('reads a date already past as "now"', () => {
    expect(parse({ 'retry-after': 'Wed, 31 Dec 2025 23:59:00 GMT' })).toBe(0);
  });

  it('prefers retry-after-ms over Retry-After', () => {
    expect(parse({ 'retry-after': '17', 'retry-after-ms': '250' })).toBe(250);
    expect(parse({ 'retry-after': '17', 'retry-after-ms': '250.5' })).toBe(251);
    expect(parse({ 'retry-after-ms': '1200' })).toBe(1200);
  });

  it('falls back to Retry-After when retry-after-ms is unusable', () => {
    expect(parse({ 'retry-after': '17', 'retry-after-ms': 'soon' })).toBe(17_000);
    expect(parse({ 'retry-after': '17', 'retry-after-ms': '-5' })).toBe(17_000);
  });

  it('returns undefined when there is no hint', () => {
    expect(parse({})).toBeUndefined();
    expect(parse({ 'content-type': 'application/json' })).toBeUndefined();
  });

  it.each(['soon', '', 'NaN', 'Infinity', '5s', '1e3', '0x10', 'later, maybe'])(
    'returns undefined for the garbage Retry-After %j',
    (value) => {
      expect(parse({ 'retry-after': value })).toBeUndefined();
    },
  );

  // Neither delay-seconds (1*DIGIT) nor an HTTP-date (RFC 9110 §10.2.3), but V8's lenient
  // Date.parse reads each as some day in 2001–2003, which would make it "retry now".
  it.each(['-5', '+5', '1.2.3', '1, 2'])('returns undefined for the garbage Retry-After %j (not a date)', (value) => {
    expect(parse({ 'retry-after': value })).toBeUndefined();
  });

  // Start with three letters, so they pass the day-name check, but are no HTTP-date either;
  // V8's legacy Date.parse reads "Soon 5" as 1 May 2001, which would mean "retry right now".
  it.each(['Soon 5', 'abc 1', 'Now 10', 'Mar 5', 'Later 2026'])(
    'returns undefined for the garbage Retry-After %j (three letters, then not a date)',
    (value) => {
      expect(parse({ 'retry-after': value })).toBeUndefined();
    },
  );

  it.each(['5s', '12abc', '1.5 seconds'])('does not read the garbage retry-after-ms %j as a number of milliseconds', (value) => {
    expect(parse({ 'retry-after-ms': value })).toBeUndefined();
    expect(parse({ 'retry-after-ms': value, 'retry-after': '17' })).toBe(17_000);
  });

  it('reads the asctime and RFC 850 forms of an HTTP date too', () => {
    expect(parse({ 'retry-after': 'Thu Jan  1 00:00:30 2026' })).toBe(30_000);
    expect(parse({ 'retry-after': 'Thursday, 01-Jan-26 00:00:30 GMT' })).toBe(30_000);
  });
});

describe('parseRetryAfterBody', () => {
  it('reads metadata.retry_after_seconds', () => {
    expect(parseRetryAfterBody({ retry_after_seconds: 17 }, undefined)).toBe(17_000);
    expect(parseRetryAfterBody({ retry_after_seconds: 0.25 }, undefined)).toBe(250);
    expect(parseRetryAfterBody({ retry_after_seconds: '3' }, undefined)).toBe(3000);
  });

  it('reads availability.retry_after', () => {
    expect(parseRetryAfterBody(undefined, { retry_after: 4 })).toBe(4000);
    expect(parseRetryAfterBody(undefined, { retry_after: '2.5' })).toBe(2500);
  });

  it('prefers metadata.retry_after_seconds to availability.retry_after', () => {
    expect(parseRetryAfterBody({ retry_after_seconds: 1 }, { retry_after: 9 })).toBe(1000);
  });

  it('skips an unusable hint and uses the next', () => {
    expect(parseRetryAfterBody({ retry_after_seconds: 'soon' }, { retry_after: 2 })).toBe(2000);
    expect(parseRetryAfterBody({ retry_after_seconds: -1 }, { retry_after: 2 })).toBe(2000);
  });

  it('returns undefined without a usable hint', () => {
    expect(parseRetryAfterBody(undefined, undefined)).toBeUndefined();
    expect(parseRetryAfterBody({}, {})).toBeUndefined();
    expect(parseRetryAfterBody({ retry_after_seconds: null }, { retry_after: 'never' })).toBeUndefined();
    expect(parseRetryAfterBody({ retry_after_seconds: Number.NaN }, { retry_after: Number.POSITIVE_INFINITY })).toBeUndefined();
  });

  it('does not read a garbage string hint ("3abc", "5 s") as seconds', () => {
    expect(parseRetryAfterBody({ retry_after_seconds: '3abc' }, undefined)).toBeUndefined();
    expect(parseRetryAfterBody(undefined, { retry_after: '5 s' })).toBeUndefined();
    expect(parseRetryAfterBody({ retry_after_seconds: '3abc' }, { retry_after: 2 })).toBe(2000);
  });
});
