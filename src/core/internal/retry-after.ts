// How long the server asked us to wait. OpenRouter sends `Retry-After` (seconds, or an HTTP
// date per RFC 9110 §10.2.3) on 429/503; the official SDK also honours `retry-after-ms`; and
// the upstream hint is echoed in the body (`metadata.retry_after_seconds`,
// `availability.retry_after`). See ../shared/docs/openrouter-api.md §4.5.

/** Milliseconds to wait according to the headers, or undefined when they say nothing usable. */
export function parseRetryAfterHeaders(headers: Headers, now: number = Date.now()): number | undefined {
  const ms = headers.get('retry-after-ms');
  if (ms !== null) {
    const value = Number.parseFloat(ms);
    if (Number.isFinite(value) && value >= 0) return Math.round(value);
  }
  const after = headers.get('retry-after');
  if (after === null) return undefined;
  const trimmed = after.trim();
  if (/^\d+(\.\d+)?$/.test(trimmed)) return Math.round(Number.parseFloat(trimmed) * 1000);
  // All three HTTP-date forms start with a day name; Date.parse alone would accept "-5" or "1.2.3".
  if (!/^[A-Za-z]{3}/.test(trimmed)) return undefined;
  const date = Date.parse(trimmed);
  if (Number.isNaN(date)) return undefined;
  return Math.max(0, date - now);
}

/** The same hint from an error body's metadata or availability block, in milliseconds. */
export function parseRetryAfterBody(
  metadata: Record<string, unknown> | undefined,
  availability: Record<string, unknown> | undefined,
): number | undefined {
  const candidates = [metadata?.retry_after_seconds, availability?.retry_after];
  for (const candidate of candidates) {
    const seconds = typeof candidate === 'string' ? Number.parseFloat(candidate) : candidate;
    if (typeof seconds === 'number' && Number.isFinite(seconds) && seconds >= 0) {
      return Math.round(seconds * 1000);
    }
  }
  return undefined;
}
