// Everything that goes wrong on the wire becomes one of the typed errors here, so that no
// ofetch FetchError, undici code or raw body ever reaches a command or the UI. Shapes handled
// are those of ../shared/docs/openrouter-api.md §4 (and §2/§3 for errors inside HTTP 200).
import {
  type ConnectionFailure,
  OpenRouterAuthenticationError,
  OpenRouterConnectionError,
  type OpenRouterError,
  OpenRouterInsufficientCreditsError,
  OpenRouterInvalidModelError,
  OpenRouterModelError,
  OpenRouterRateLimitError,
  type ProviderErrorOptions,
} from '../errors.js';
import { redactSecrets, redactValue, sanitizeCause } from './redact.js';
import { parseRetryAfterBody, parseRetryAfterHeaders } from './retry-after.js';

export interface ErrorContext {
  /** Values to redact wherever they appear (the API key). */
  secrets: readonly (string | undefined)[];
  /** Shown in messages, e.g. "OpenRouter". */
  providerLabel: string;
  generationId?: string;
  /** What to check when the key is rejected (401); OpenRouter's advice when absent. */
  keyHint?: string;
  /** What to do about a 5xx; OpenRouter's advice when absent. */
  serverHint?: string;
  /** What to check when the server cannot be reached; OpenRouter's advice when absent. */
  networkHint?: string;
}

/** The parts of an OpenRouter error object we use, whatever form it came in. */
interface ParsedError {
  status?: number;
  code?: number | string;
  message: string;
  metadata?: Record<string, unknown>;
  availability?: Record<string, unknown>;
  providerName?: string;
}

const GENERIC_PROVIDER_MESSAGE = 'Provider returned error';
const MAX_SNIPPET = 300;

function asRecord(value: unknown): Record<string, unknown> | undefined {
  return value !== null && typeof value === 'object' && !Array.isArray(value)
    ? (value as Record<string, unknown>)
    : undefined;
}

/** The message inside `metadata.raw`, which may be plain text or a JSON string of its own. */
function rawMessage(raw: unknown): string | undefined {
  if (typeof raw !== 'string') {
    const record = asRecord(raw);
    if (!record) return undefined;
    const inner = asRecord(record.error)?.message ?? record.message;
    return typeof inner === 'string' ? inner : JSON.stringify(raw);
  }
  try {
    return rawMessage(JSON.parse(raw)) ?? raw;
  } catch {
    return raw;
  }
}

/** Reads `{error:{code,message,metadata}}` with a number, numeric-string, word or missing code. */
export function parseErrorObject(value: unknown, fallbackStatus?: number): ParsedError | undefined {
  const error = asRecord(value);
  if (!error) return undefined;
  const metadata = asRecord(error.metadata);
  const availability = asRecord(error.availability);
  const code = typeof error.code === 'number' || typeof error.code === 'string' ? error.code : undefined;
  const numericCode =
    typeof code === 'number' ? code : typeof code === 'string' && /^\d{3}$/.test(code) ? Number(code) : undefined;
  const httpStatus = typeof error.http_status === 'number' ? error.http_status : undefined;
  let message = typeof error.message === 'string' && error.message !== '' ? error.message : 'unknown error';
  const providerName = typeof metadata?.provider_name === 'string' ? metadata.provider_name : undefined;
  if (message === GENERIC_PROVIDER_MESSAGE) {
    const detail = rawMessage(metadata?.raw);
    if (detail) message = detail;
  }
  const parsed: ParsedError = { message };
  const status = numericCode ?? httpStatus ?? fallbackStatus;
  if (status !== undefined) parsed.status = status;
  if (code !== undefined) parsed.code = code;
  if (metadata) parsed.metadata = metadata;
  if (availability) parsed.availability = availability;
  if (providerName) parsed.providerName = providerName;
  return parsed;
}

function optionsFrom(parsed: ParsedError, ctx: ErrorContext, extra: Partial<ProviderErrorOptions> = {}): ProviderErrorOptions {
  const metadata = parsed.metadata || parsed.availability
    ? redactValue({ ...parsed.metadata, ...(parsed.availability ? { availability: parsed.availability } : {}) }, ctx.secrets)
    : undefined;
  const options: ProviderErrorOptions = { ...extra };
  if (parsed.status !== undefined) options.status = parsed.status;
  // Every string that came from the server is redacted: a body can echo anything back.
  if (parsed.code !== undefined) options.code = typeof parsed.code === 'string' ? redactSecrets(parsed.code, ctx.secrets) : parsed.code;
  if (metadata) options.metadata = metadata;
  if (parsed.providerName) options.providerName = redactSecrets(parsed.providerName, ctx.secrets);
  if (ctx.generationId) options.generationId = ctx.generationId;
  return options;
}

function describe(parsed: ParsedError, ctx: ErrorContext): string {
  const where = parsed.providerName ? ` (via ${parsed.providerName})` : '';
  return redactSecrets(`${parsed.message}${where}`, ctx.secrets);
}

/** The time an X-RateLimit-Reset (epoch milliseconds as a string) names, from headers or body. */
function rateLimitReset(parsed: ParsedError, headers?: Headers): Date | undefined {
  const fromBody = asRecord(parsed.metadata?.headers)?.['X-RateLimit-Reset'];
  const raw = headers?.get('x-ratelimit-reset') ?? (typeof fromBody === 'string' ? fromBody : undefined);
  const ms = raw === undefined ? Number.NaN : Number(raw);
  return Number.isFinite(ms) && ms > 0 ? new Date(ms) : undefined;
}

function isDailyCap(parsed: ParsedError): boolean {
  return parsed.metadata?.limit_source === 'openrouter_free_tier_daily' || /free-models-per-day/i.test(parsed.message);
}

const INVALID_MODEL_CODES = new Set([
  'model_not_found',
  'no_endpoints',
  'model_deprecated',
  'free_variant_ended',
  'wrong_endpoint',
]);

function isInvalidModel(parsed: ParsedError): boolean {
  const availabilityCode = parsed.availability?.code;
  if (typeof availabilityCode === 'string' && INVALID_MODEL_CODES.has(availabilityCode)) return true;
  // OpenAI and the servers that copy it say so in `code`.
  if (parsed.code === 'model_not_found') return true;
  return /not a valid model id|no endpoints found|model .* (not found|does not exist)/i.test(parsed.message);
}

/** 403s about the request rather than the key: moderation, guardrails, region or privacy limits. */
function isModeration(parsed: ParsedError): boolean {
  const availability = parsed.availability?.code;
  if (availability === 'region_restricted' || availability === 'privacy_restricted') return true;
  return Array.isArray(parsed.metadata?.reasons) || /moderation|flagged|blocked|guardrail/i.test(parsed.message);
}

/** Maps an error HTTP response (status ≥ 400) to a typed error. */
export function errorFromResponse(status: number, headers: Headers, bodyText: string, ctx: ErrorContext): OpenRouterError {
  let parsed: ParsedError | undefined;
  try {
    parsed = parseErrorObject(asRecord(JSON.parse(bodyText))?.error, status);
  } catch {
    // Not JSON: a proxy's HTML page or plain text. Keep a short, redacted snippet.
  }
  // Redact before cutting: a cut could split a secret so that no pattern matches it any more.
  parsed ??= { status, message: redactSecrets(bodyText.trim(), ctx.secrets).slice(0, MAX_SNIPPET) || `HTTP ${status}` };
  // The HTTP status is the truth for transport decisions; the body code may be a word.
  parsed.status = status;
  const retryAfterMs = parseRetryAfterHeaders(headers) ?? parseRetryAfterBody(parsed.metadata, parsed.availability);
  const extra: Partial<ProviderErrorOptions> = retryAfterMs === undefined ? {} : { retryAfterMs };
  const text = describe(parsed, ctx);
  const label = ctx.providerLabel;

  if (status === 401) {
    return new OpenRouterAuthenticationError(`${label} rejected the API key (401): ${text}`, {
      ...optionsFrom(parsed, ctx, extra),
      hint: ctx.keyHint ?? 'check OPENROUTER_API_KEY (or llm.providers.openrouter.api_key); keys are at https://openrouter.ai/settings/keys',
    });
  }
  if (status === 402) {
    return new OpenRouterInsufficientCreditsError(`insufficient credits (402): ${text}`, {
      ...optionsFrom(parsed, ctx, extra),
      hint: 'add credits at https://openrouter.ai/settings/credits, or ask for fewer tokens with --max-tokens',
    });
  }
  if (status === 403 && !isModeration(parsed)) {
    return new OpenRouterAuthenticationError(`${label} refused the key (403): ${text}`, {
      ...optionsFrom(parsed, ctx, extra),
      hint: 'the key is disabled or over its limit; manage it at https://openrouter.ai/settings/keys',
    });
  }
  if (status === 429) {
    const dailyCap = isDailyCap(parsed);
    const resetAt = rateLimitReset(parsed, headers);
    const hint = dailyCap
      ? `the daily free-model cap resets${resetAt ? ` at ${resetAt.toISOString()}` : ' tomorrow'}; 10 credits raise it to 1000 requests a day`
      : 'wait a moment and retry, or choose another model';
    return new OpenRouterRateLimitError(`rate limited (429): ${text}`, {
      ...optionsFrom(parsed, ctx, extra),
      dailyCap,
      ...(resetAt ? { resetAt } : {}),
      hint,
    });
  }
  if (status === 408) {
    return new OpenRouterConnectionError('timeout', `${label} timed out (408): ${text}`, optionsFrom(parsed, ctx, extra));
  }
  if (status >= 500) {
    return new OpenRouterConnectionError('server', `${label} server error (${status}): ${text}`, {
      ...optionsFrom(parsed, ctx, extra),
      hint: ctx.serverHint ?? 'OpenRouter or the upstream provider is failing; try again later or choose another model',
    });
  }
  if (isInvalidModel(parsed)) {
    return new OpenRouterInvalidModelError(`model not available (${status}): ${text}`, {
      ...optionsFrom(parsed, ctx, extra),
      hint: 'list valid ids with `devsynth-or models`',
    });
  }
  return new OpenRouterModelError(`request rejected (${status}): ${text}`, optionsFrom(parsed, ctx, extra));
}

/**
 * An error reported inside an HTTP 200: a body holding only `error`, a chunk with a top-level
 * `error`, or `finish_reason: "error"` alone. The contract gives these exit 6 whatever their
 * code, and they are never retried: output may already have been shown.
 */
export function errorFromInBand(
  errorValue: unknown,
  ctx: ErrorContext,
  details: { nativeFinishReason?: string | null; partialContent?: string } = {},
): OpenRouterModelError {
  const parsed =
    parseErrorObject(errorValue) ??
    ({ message: `the model stopped with an error${details.nativeFinishReason ? ` (${details.nativeFinishReason})` : ''}` } as ParsedError);
  const options = optionsFrom(parsed, ctx);
  if (details.partialContent) options.partialContent = details.partialContent;
  const status = parsed.status !== undefined ? ` (${parsed.status})` : '';
  return new OpenRouterModelError(`${ctx.providerLabel} reported an error${status}: ${describe(parsed, ctx)}`, options);
}

/** TLS failures will not pass on a retry; the other codes are network weather. */
const TLS_CODE = /^(CERT_|ERR_TLS_|UNABLE_TO_(GET|VERIFY)|DEPTH_ZERO_SELF_SIGNED|SELF_SIGNED_CERT|ERR_SSL_)/;
const NETWORK_WORDS: Record<string, string> = {
  ECONNREFUSED: 'connection refused',
  ECONNRESET: 'connection reset',
  ENOTFOUND: 'host not found',
  EAI_AGAIN: 'DNS lookup failed',
  ETIMEDOUT: 'connection timed out',
  EPIPE: 'connection closed',
  UND_ERR_SOCKET: 'connection closed by the server',
  UND_ERR_CONNECT_TIMEOUT: 'connection timed out',
};

/** A typed error raised below ofetch (a capped read, a refused redirect), wherever it is wrapped. */
function findTyped(error: unknown): OpenRouterConnectionError | undefined {
  let current: unknown = error;
  for (let depth = 0; depth < 5 && current; depth++) {
    if (current instanceof OpenRouterConnectionError) return current;
    current = (current as { cause?: unknown }).cause;
  }
  return undefined;
}

/** The code node-fetch.ts gives a redirect it refuses to follow. */
export const REDIRECT_REFUSED = 'ERR_DEVSYNTH_REDIRECT';

function findCoded(error: unknown, code: string): unknown {
  let current: unknown = error;
  for (let depth = 0; depth < 5 && current; depth++) {
    if ((current as { code?: unknown }).code === code) return current;
    current = (current as { cause?: unknown }).cause;
  }
  return error;
}

/** The innermost error code in a fetch failure's cause chain (undici nests them). */
function findCode(error: unknown): string | undefined {
  let current: unknown = error;
  for (let depth = 0; depth < 5 && current; depth++) {
    const code = (current as { code?: unknown }).code;
    if (typeof code === 'string' && code !== 'ERR_INVALID_ARG_TYPE') return code;
    current = (current as { cause?: unknown }).cause;
  }
  return undefined;
}

/**
 * Maps a failure to reach the server ('connect'), or to read its answer ('read'), to a
 * connection error. A read failure is a stream that broke off.
 */
export function errorFromTransport(
  error: unknown,
  ctx: ErrorContext,
  host: string,
  phase: 'connect' | 'read' = 'connect',
): OpenRouterConnectionError {
  const typed = findTyped(error);
  if (typed) return typed;
  const code = findCode(error);
  // Failures that no retry can fix, each with its own message rather than "connection dropped".
  // node:http's parser and undici's (an injected fetch) name it differently.
  if (code === 'HPE_HEADER_OVERFLOW' || code === 'UND_ERR_HEADERS_OVERFLOW') {
    return new OpenRouterConnectionError('too_large', `the response headers from ${ctx.providerLabel} are too large`, {
      cause: sanitizeCause(error, ctx.secrets),
      hint: 'the server sent more headers than any answer needs; check the base URL',
    });
  }
  if (code === REDIRECT_REFUSED) {
    const detail = redactSecrets((findCoded(error, REDIRECT_REFUSED) as Error).message, ctx.secrets);
    return new OpenRouterConnectionError('redirect', `${ctx.providerLabel} sent a redirect that is not followed: ${detail}`, {
      hint: 'check the base URL; redirects must stay on https:// (or http:// on this machine)',
    });
  }
  let failure: ConnectionFailure = 'network';
  let what = code ? NETWORK_WORDS[code] ?? code : undefined;
  if (code && TLS_CODE.test(code)) {
    failure = 'tls';
    what = `TLS certificate rejected (${code})`;
  }
  what ??= redactSecrets((error as Error)?.message ?? String(error), ctx.secrets);
  const hint =
    failure === 'tls'
      ? 'certificates are always verified; add your CA with NODE_EXTRA_CA_CERTS or ca_file'
      : ctx.networkHint ?? 'check the network and the base URL (OPENROUTER_BASE_URL)';
  const cause = sanitizeCause(error, ctx.secrets);
  if (phase === 'read' && failure === 'network') {
    return new OpenRouterConnectionError('truncated', `the response from ${ctx.providerLabel} broke off: ${what}`, {
      cause,
      hint: 'the connection dropped mid-answer; try again',
    });
  }
  return new OpenRouterConnectionError(failure, `cannot reach ${ctx.providerLabel} at ${host}: ${what}`, { cause, hint });
}
