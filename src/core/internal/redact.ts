// The API key must never leave the core in a message, a log line or an error's fields.
// Everything that turns outside text (bodies, causes, URLs) into our text passes through here.

/** OpenRouter keys look like `sk-or-v1-<hex>`; match any `sk-or-` token to be safe. */
const OPENROUTER_KEY_PATTERN = /sk-or-[A-Za-z0-9_-]+/g;
/** `Authorization: Bearer …` as it may appear in dumped headers or error text. */
const BEARER_PATTERN = /(Bearer\s+)[^\s"',}]+/gi;

export const REDACTED = '[REDACTED]';

/** Replaces known secrets, anything shaped like an OpenRouter key and bearer tokens. */
export function redactSecrets(text: string, secrets: readonly (string | undefined)[] = []): string {
  let out = text;
  for (const secret of secrets) {
    // Short values would redact ordinary words; real keys are long.
    if (secret && secret.length >= 8) out = out.split(secret).join(REDACTED);
  }
  return out.replace(OPENROUTER_KEY_PATTERN, REDACTED).replace(BEARER_PATTERN, `$1${REDACTED}`);
}

/** Deep-redacts string leaves of JSON-like data (error metadata, debug dumps). */
export function redactValue<T>(value: T, secrets: readonly (string | undefined)[] = []): T {
  if (typeof value === 'string') return redactSecrets(value, secrets) as T;
  if (Array.isArray(value)) return value.map((item) => redactValue(item, secrets)) as T;
  if (value !== null && typeof value === 'object') {
    const out: Record<string, unknown> = {};
    for (const [key, item] of Object.entries(value)) {
      // Property names are text from outside too: a key could arrive as one.
      out[redactSecrets(key, secrets)] = /^authorization$/i.test(key) ? REDACTED : redactValue(item, secrets);
    }
    return out as T;
  }
  return value;
}

/**
 * A safe stand-in for a transport error as an error's `cause`: name, code and redacted message
 * only. ofetch's FetchError carries the request options (headers included), so it is never kept.
 */
export function sanitizeCause(error: unknown, secrets: readonly (string | undefined)[] = []): Error {
  const source = error instanceof Error ? error : new Error(String(error));
  const safe = new Error(redactSecrets(source.message, secrets));
  safe.name = source.name;
  // undici nests the system error's code a few causes deep (FetchError → TypeError → {code}).
  let code: unknown;
  for (let node: unknown = source, depth = 0; node && depth < 5 && code === undefined; depth++) {
    code = (node as { code?: unknown }).code;
    node = (node as { cause?: unknown }).cause;
  }
  if (typeof code === 'string') (safe as { code?: string }).code = code;
  safe.stack = `${safe.name}: ${safe.message}`;
  return safe;
}

/** Header values safe to log. */
export function redactHeaders(headers: Record<string, string>): Record<string, string> {
  return redactValue(headers);
}
