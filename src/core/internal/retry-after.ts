// How long the server asked us to wait. OpenRouter sends `Retry-After` (seconds, or an HTTP
// date per RFC 9110 §10.2.3) on 429/503; the official SDK also honours `retry-after-ms`; and
// the upstream hint is echoed in the body (`metadata.retry_after_seconds`,
// `availability.retry_after`). See ../shared/docs/openrouter-api.md §4.5.

const HTTP_DATE = [
  /^[A-Z][a-z]{2}, \d{2} [A-Z][a-z]{2} \d{4} \d{2}:\d{2}:\d{2} GMT$/, // IMF-fixdate
  /^[A-Z][a-z]+, \d{2}-[A-Z][a-z]{2}-\d{2} \d{2}:\d{2}:\d{2} GMT$/, // RFC 850
  /^[A-Z][a-z]{2} [A-Z][a-z]{2} [ \d]\d \d{2}:\d{2}:\d{2} \d{4}$/, // asctime
];

/** A non-negative decimal number and nothing else ("5s" or "12abc" are not numbers). */
function strictNumber(value: unknown): number | undefined {
  if (typeof value === 'number') return Number.isFinite(value) && value >= 0 ? value : undefined;
  if (typeof value !== 'string' || !/^\s*\d+(\.\d+)?\s*$/.test(value)) return undefined;
  return Number.parseFloat(value);
}

/** Milliseconds to wait according to the headers, or undefined when they say nothing usable. */
export function parseRetryAfterHeaders(headers: Headers, now: number = Date.now()): number | undefined {
  const ms = strictNumber(headers.get('retry-after-ms'));
  if (ms !== undefined) return Math.round(ms);
  const after = headers.get('retry-after');
  if (after === null) return undefined;
  const trimmed = after.trim();
  const seconds = strictNumber(trimmed);
  if (seconds !== undefined) return Math.round(seconds * 1000);
  // Only the three HTTP-date forms of RFC 9110 §5.6.7: Date.parse alone takes "-5", "1.2.3"
  // or "Mar 5" for dates in 2001, which would mean "retry now".
  if (!HTTP_DATE.some((form) => form.test(trimmed))) return undefined;
  const date = Date.parse(trimmed);
  if (Number.isNaN(date)) return undefined;
  return Math.max(0, date - now);
}

/** The same hint from an error body's metadata or availability block, in milliseconds. */
export function parseRetryAfterBody(
  metadata: Record<string, unknown> | undefined,
  availability: Record<string, unknown> | undefined,
): number | undefined {
  const copiedHeaders = metadata?.headers as Record<string, unknown> | undefined;
  // The upstream hint is copied into the body in three places (openrouter-api.md §4.5).
  const candidates = [metadata?.retry_after_seconds, availability?.retry_after, copiedHeaders?.['Retry-After']];
  for (const candidate of candidates) {
    const seconds = strictNumber(candidate);
    if (seconds !== undefined) return Math.round(seconds * 1000);
  }
  return undefined;
}
