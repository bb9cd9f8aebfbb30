// The API key must never leave the core in a message, a log line or an error's fields.
// Everything that turns outside text (bodies, causes, URLs) into our text passes through here.
// A server may echo the key in another form than it was sent (only its part after `sk-or-v1-`,
// base64 as in a Basic or a decoded Bearer header, percent-encoded as in a URL), so each known
// secret is looked for in all of those forms.

/** OpenRouter keys look like `sk-or-v1-<hex>`; match any `sk-or-` token to be safe. */
const OPENROUTER_KEY_PATTERN = /sk-or-[A-Za-z0-9_-]+/g;
/** `Authorization: Bearer …` as it may appear in dumped headers or error text. */
const BEARER_PATTERN = /(Bearer\s+)[^\s"',}]+/gi;

export const REDACTED = '[REDACTED]';

/** Short values would redact ordinary words; real keys are long. */
const MIN_SECRET_LENGTH = 8;
/** A derived form (a key's body, a slice of its base64) this short could be a word of its own. */
const MIN_FORM_LENGTH = 12;
/** `sk-or-v1-`, `sk-proj-`, `sk-ant-api03-`: the vendor prefix before a key's random part. */
const KEY_PREFIX = /^sk-[A-Za-z]+-(?:[A-Za-z]*\d+-)?/;

/**
 * The base64 text that `bytes` have wherever they sit in a longer encoded value: per alignment
 * (0, 1 or 2 bytes before them), the slice without the groups that mix in neighbouring bytes,
 * and the slice to the end for when they end the value. "Bearer <key>" puts the key at offset 7,
 * for example, whose encoding is not the key's own.
 */
function base64Slices(bytes: Buffer): string[] {
  const slices: string[] = [];
  for (let shift = 0; shift < 3; shift++) {
    const encoded = Buffer.concat([Buffer.alloc(shift), bytes]).toString('base64');
    const start = shift === 0 ? 0 : 4;
    const whole = Math.floor((shift + bytes.length) / 3) * 4;
    slices.push(encoded.slice(start, whole), encoded.slice(start));
  }
  return slices;
}

const escapeRegExp = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/** A regular expression's source and the shortest text it matches. */
interface Form {
  source: string;
  length: number;
}

/** `text` with any of its characters percent-encoded, or none: a URL, a form body, a log that escaped it. */
function percentEncodedOrNot(text: string): Form {
  const chars = [...text].map((char) => `(?:${escapeRegExp(char)}|${Buffer.from(char, 'utf8').toString('hex').replace(/../g, '%$&')})`);
  return { source: chars.join(''), length: text.length };
}

/** Every form of one secret worth looking for. */
function formsOf(secret: string): Form[] {
  const texts = [secret];
  const body = secret.replace(KEY_PREFIX, '');
  if (body !== secret) texts.push(body);
  const literals = new Set<string>();
  const forms: Form[] = [];
  for (const text of texts) {
    forms.push(percentEncodedOrNot(text));
    const bytes = Buffer.from(text, 'utf8');
    for (const slice of base64Slices(bytes)) {
      literals.add(slice);
      literals.add(slice.replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, ''));
    }
    literals.add(bytes.toString('hex'));
  }
  for (const literal of literals) forms.push({ source: escapeRegExp(literal), length: literal.length });
  return forms.filter((form, index) => index === 0 || form.length >= MIN_FORM_LENGTH);
}

/** One pattern per list of secrets: the forms are derived once, not per string redacted. */
const patternCache = new Map<string, RegExp | null>();
const MAX_CACHED_PATTERNS = 32;

function secretsPattern(secrets: readonly (string | undefined)[]): RegExp | null {
  const known = secrets.filter((secret): secret is string => Boolean(secret && secret.length >= MIN_SECRET_LENGTH));
  if (known.length === 0) return null;
  const cacheKey = known.join('\u0000');
  let pattern = patternCache.get(cacheKey);
  if (pattern === undefined) {
    // The longest first: where two forms match at one place, the whole of the longer goes.
    const forms = known.flatMap(formsOf).sort((a, b) => b.length - a.length);
    // Case-insensitive: hex and percent escapes come in either case, and hiding a string that
    // equals a key but for case costs nothing.
    pattern = new RegExp(forms.map((form) => form.source).join('|'), 'gi');
    if (patternCache.size >= MAX_CACHED_PATTERNS) patternCache.clear();
    patternCache.set(cacheKey, pattern);
  }
  return pattern;
}

/** Replaces known secrets (in the forms above), anything shaped like an OpenRouter key and bearer tokens. */
export function redactSecrets(text: string, secrets: readonly (string | undefined)[] = []): string {
  const pattern = secretsPattern(secrets);
  const out = pattern ? text.replace(pattern, REDACTED) : text;
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
