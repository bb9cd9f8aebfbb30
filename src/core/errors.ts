// The one error table. Every failure kind has exactly one exit code, read from EXIT_CODES;
// classes never hard-code numbers. The CLI maps errors to text and exit codes in one place
// (cli/main.ts); the library hands the same objects to its callers.

/** Exit codes of the contract (../shared/docs/cli-contract.md, "Exit codes"). */
export const EXIT_CODES = {
  success: 0,
  internal: 1,
  usage: 2,
  config: 3,
  auth: 4,
  rate_limit: 5,
  rejected: 6,
  connection: 7,
  circuit_open: 8,
  credits: 9,
  /** The answer failed its contract: not valid JSON, or not matching its schema. */
  contract: 10,
  /** A spend limit (--max-cost, or a budget in the config) was reached: nothing more was sent. */
  spend_limit: 11,
  /** `batch`: some items failed, the others succeeded. */
  batch_partial: 12,
  /** SIGHUP (the terminal went away): 128 + 1, as a shell reports it. */
  hangup: 129,
  interrupted: 130,
  /** SIGTERM (kill, a supervisor, CI cancelling the job): 128 + 15. */
  terminated: 143,
} as const;

/** The failure kinds: every key of EXIT_CODES but success. */
export type ErrorKind = Exclude<keyof typeof EXIT_CODES, 'success'>;

export interface DevsynthErrorOptions {
  /** One line telling the user what to do about it. */
  hint?: string;
  /** The underlying error. Must already be free of secrets (see sanitizeCause). */
  cause?: unknown;
  /** Text the model had produced before the failure. */
  partialContent?: string;
}

/** Base of every error devsynth-or raises on purpose. */
export class DevsynthError extends Error {
  readonly kind: ErrorKind;
  // `declare`: optional fields stay absent, rather than own properties holding undefined.
  declare readonly hint?: string;
  declare partialContent?: string;

  constructor(kind: ErrorKind, message: string, options: DevsynthErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = new.target.name;
    this.kind = kind;
    if (options.hint !== undefined) this.hint = options.hint;
    if (options.partialContent !== undefined) this.partialContent = options.partialContent;
  }

  get exitCode(): number {
    return EXIT_CODES[this.kind];
  }

  /** The `error` member of the CLI's `--json` failure object. */
  toJSON(): Record<string, unknown> {
    return { kind: this.kind, message: this.message, exit_code: this.exitCode };
  }
}

/** Bad flag, argument or parameter (exit 2). */
export class UsageError extends DevsynthError {
  constructor(message: string, options?: DevsynthErrorOptions) {
    super('usage', message, options);
  }
}

/** Invalid or insecure configuration (exit 3). */
export class ConfigError extends DevsynthError {
  constructor(message: string, options?: DevsynthErrorOptions) {
    super('config', message, options);
  }
}

/** The signals that end a run the way Ctrl+C does, and the failure kind each one is. */
export const STOP_SIGNALS = { SIGINT: 'interrupted', SIGHUP: 'hangup', SIGTERM: 'terminated' } as const;
export type StopSignal = keyof typeof STOP_SIGNALS;

/**
 * The user interrupted (Ctrl+C or an aborted signal); exit 130. With `signal`, the signal that
 * ended the run decides the kind: SIGHUP 129, SIGTERM 143.
 */
export class CancelledError extends DevsynthError {
  declare readonly signal?: StopSignal;
  constructor(message = 'interrupted', options?: DevsynthErrorOptions & { signal?: StopSignal }) {
    super(options?.signal ? STOP_SIGNALS[options.signal] : 'interrupted', message, options);
    if (options?.signal !== undefined) this.signal = options.signal;
  }
}

export interface ProviderErrorOptions extends DevsynthErrorOptions {
  /** HTTP status, or the HTTP-equivalent code of an in-band error. */
  status?: number;
  /** OpenRouter's `error.code` as sent: a number, a numeric string or a word. */
  code?: number | string;
  /** `error.metadata`, redacted. */
  metadata?: Record<string, unknown>;
  /** Upstream provider that failed (`metadata.provider_name`). */
  providerName?: string;
  /** Generation id (`gen-…`) from the body or the X-Generation-Id header. */
  generationId?: string;
  /** How long the server asked us to wait, when it said. */
  retryAfterMs?: number;
}

/** Base of errors raised by a language-model provider (the specification's LLMProviderError). */
export class LLMProviderError extends DevsynthError {
  declare readonly status?: number;
  declare readonly code?: number | string;
  declare readonly metadata?: Record<string, unknown>;
  declare readonly providerName?: string;
  declare readonly generationId?: string;
  declare readonly retryAfterMs?: number;

  constructor(kind: ErrorKind, message: string, options: ProviderErrorOptions = {}) {
    super(kind, message, options);
    if (options.status !== undefined) this.status = options.status;
    if (options.code !== undefined) this.code = options.code;
    if (options.metadata !== undefined) this.metadata = options.metadata;
    if (options.providerName !== undefined) this.providerName = options.providerName;
    if (options.generationId !== undefined) this.generationId = options.generationId;
    if (options.retryAfterMs !== undefined) this.retryAfterMs = options.retryAfterMs;
  }

  override toJSON(): Record<string, unknown> {
    const json = super.toJSON();
    if (this.status !== undefined) json.status = this.status;
    return json;
  }
}

/** Base of every OpenRouter failure. */
export class OpenRouterError extends LLMProviderError {}

/** Why a connection error happened; decides retries and the message. */
export type ConnectionFailure =
  | 'network'
  | 'tls'
  | 'timeout'
  | 'first_token_timeout'
  | 'stalled'
  | 'truncated'
  | 'protocol'
  | 'server'
  /** A body, a line of a stream or the headers went past their cap: no retry makes it smaller. */
  | 'too_large'
  /** A redirect we refuse to follow (scheme, insecure target, loop, too many). */
  | 'redirect';

/** Network, TLS, timeout, stalled or truncated stream, 5xx after the retry budget (exit 7). */
export class OpenRouterConnectionError extends OpenRouterError {
  readonly failure: ConnectionFailure;
  constructor(failure: ConnectionFailure, message: string, options?: ProviderErrorOptions) {
    super('connection', message, options);
    this.failure = failure;
  }
}

/** Missing or rejected key, or a key limit (exit 4). */
export class OpenRouterAuthenticationError extends OpenRouterError {
  constructor(message: string, options?: ProviderErrorOptions) {
    super('auth', message, options);
  }
}

/** The request or the model was rejected: 400, 404, 413, 422, moderation, in-band errors (exit 6). */
export class OpenRouterModelError extends OpenRouterError {
  constructor(message: string, options?: ProviderErrorOptions) {
    super('rejected', message, options);
  }
}

/** The model id does not exist or cannot be served (exit 6). */
export class OpenRouterInvalidModelError extends OpenRouterModelError {}

/** 429 after the retry budget, or a daily free-tier cap (exit 5). */
export class OpenRouterRateLimitError extends OpenRouterError {
  /** True for the daily free-tier cap, which no retry can lift before the reset. */
  readonly dailyCap: boolean;
  /** When the limit resets, if the server said (X-RateLimit-Reset). */
  declare readonly resetAt?: Date;
  constructor(message: string, options: ProviderErrorOptions & { dailyCap?: boolean; resetAt?: Date } = {}) {
    super('rate_limit', message, options);
    this.dailyCap = options.dailyCap ?? false;
    if (options.resetAt !== undefined) this.resetAt = options.resetAt;
  }
}

/** 402: not enough credits on the account or key (exit 9). */
export class OpenRouterInsufficientCreditsError extends OpenRouterError {
  constructor(message: string, options?: ProviderErrorOptions) {
    super('credits', message, options);
  }
}

/** The circuit breaker refused the call without sending a request (exit 8). */
export class OpenRouterCircuitOpenError extends OpenRouterError {
  /** When the breaker will let a probe through. */
  readonly retryAt: Date;
  constructor(message: string, options: ProviderErrorOptions & { retryAt: Date }) {
    super('circuit_open', message, options);
    this.retryAt = options.retryAt;
  }
}

/** A request parameter failed validation before anything was sent (exit 2). */
export class OpenRouterValidationError extends OpenRouterError {
  constructor(message: string, options?: ProviderErrorOptions) {
    super('usage', message, options);
  }
}

/**
 * An MCP tool server could not start, stopped answering or exited (exit 7, a connection
 * failure like any other peer's). `server` is the name it has in the config or from --mcp.
 */
export class ToolServerError extends DevsynthError {
  readonly server: string;
  constructor(server: string, message: string, options?: DevsynthErrorOptions) {
    super('connection', message, options);
    this.server = server;
  }
}

/**
 * The answer failed its contract (exit 10): tool-call arguments (or an answer meant to be JSON)
 * that are not valid JSON or do not match their JSON Schema. `issues` lists what was wrong, one
 * line each; `partialContent` keeps the raw text.
 */
export class AnswerContractError extends DevsynthError {
  readonly issues: readonly string[];
  constructor(message: string, options: DevsynthErrorOptions & { issues?: readonly string[] } = {}) {
    super('contract', message, options);
    this.issues = options.issues ?? [];
  }

  override toJSON(): Record<string, unknown> {
    const json = super.toJSON();
    if (this.issues.length > 0) json.issues = [...this.issues];
    return json;
  }
}

/** Which limit a SpendLimitError names: --max-cost, or one of the config's budgets. */
export type SpendLimitName = 'max_cost' | 'per_run' | 'daily' | 'monthly';

/**
 * A spend limit was reached (exit 11): the next request could cost more than what is left, or
 * what was spent already reached it. Nothing more is sent. `resetsAt`: when a daily or
 * monthly budget starts again (ISO time, UTC); absent for a run's own limits.
 */
export class SpendLimitError extends DevsynthError {
  readonly limit: SpendLimitName;
  readonly limitUsd: number;
  readonly spentUsd: number;
  readonly resetsAt?: string;
  constructor(message: string, details: { limit: SpendLimitName; limitUsd: number; spentUsd: number; resetsAt?: string }, options: DevsynthErrorOptions = {}) {
    super('spend_limit', message, options);
    this.limit = details.limit;
    this.limitUsd = details.limitUsd;
    this.spentUsd = details.spentUsd;
    if (details.resetsAt !== undefined) this.resetsAt = details.resetsAt;
  }

  override toJSON(): Record<string, unknown> {
    return { ...super.toJSON(), limit: this.limit, limit_usd: this.limitUsd, spent_usd: this.spentUsd, ...(this.resetsAt ? { resets_at: this.resetsAt } : {}) };
  }
}

/**
 * `batch` finished with some items failed (exit 12); each failed item's own error is in the
 * output. `failed` counts them by kind.
 */
export class BatchIncompleteError extends DevsynthError {
  readonly succeeded: number;
  readonly failed: Readonly<Record<string, number>>;
  constructor(message: string, details: { succeeded: number; failed: Record<string, number> }, options: DevsynthErrorOptions = {}) {
    super('batch_partial', message, options);
    this.succeeded = details.succeeded;
    this.failed = { ...details.failed };
  }

  override toJSON(): Record<string, unknown> {
    return { ...super.toJSON(), succeeded: this.succeeded, failed: { ...this.failed } };
  }
}

/** The exit code for anything thrown: DevsynthError's own, 1 for the unexpected. */
export function exitCodeOf(error: unknown): number {
  return error instanceof DevsynthError ? error.exitCode : EXIT_CODES.internal;
}
