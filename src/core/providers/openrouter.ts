// OpenRouter's OpenAI-compatible API: the specification's OpenRouterProvider. HTTP mapping and
// defaults live here; retry, breaker, deadlines and decoding are the internal modules'.
import { OpenRouterAuthenticationError, OpenRouterConnectionError } from '../errors.js';
import { ChatStream } from '../chat-stream.js';
import { BaseProvider } from './base-provider.js';
import { assertSecureBaseUrl } from '../internal/base-url.js';
import { fetchTrusting } from '../internal/custom-ca.js';
import { chatRequestBody } from '../internal/chat-body.js';
import { runChatAttempt } from '../internal/chat-attempt.js';
import {
  type BreakerOutcome,
  type BreakerState,
  type BreakerStore,
  CircuitBreaker,
  createMemoryBreakerStore,
} from '../internal/circuit-breaker.js';
import { createHttpClient, type HttpClient } from '../internal/http-client.js';
import { requestJson } from '../internal/json-request.js';
import { redactSecrets } from '../internal/redact.js';
import { FREE_MODEL_REQUESTS_PER_MINUTE, isFreeModel, RequestPacer } from '../internal/request-pacer.js';
import { breakerOutcomeOf } from '../internal/breaker-outcome.js';
import type { ErrorContext } from '../internal/to-provider-error.js';
import {
  DEFAULT_MAX_REQUEST_BYTES,
  validateEmbeddingInput,
  validateMaxTokens,
  validateModelId,
  validateTemperature,
} from '../internal/validate-request.js';
import { retryRequest, withRetry } from '../internal/with-retry.js';
import type {
  CallOptions,
  ChatRequest,
  DebugLogger,
  EmbedRequest,
  EmbedResult,
  KeyInfo,
  ModelInfo,
  StreamEvent,
} from '../types.js';

export const OPENROUTER_DEFAULTS = {
  baseUrl: 'https://openrouter.ai/api/v1',
  /** The router over free models: works for every key. */
  model: 'openrouter/free',
  embeddingModel: 'openai/text-embedding-3-small',
  temperature: 0.7,
  maxTokens: 4096,
  timeout: 60,
  callTimeout: 10,
  firstTokenTimeout: 60,
  maxRetries: 3,
  retryInitialDelay: 1,
  failureThreshold: 3,
  recoveryTimeout: 60,
  /** The specification's attribution defaults. */
  httpReferer: 'https://devsynth.dev',
  xTitle: 'DevSynth AI Platform',
  categories: 'cli-agent',
} as const;

/** The specification's configuration, camelCased; times in seconds as in the YAML. */
export interface OpenRouterProviderOptions {
  apiKey?: string | null;
  model?: string | null;
  embeddingModel?: string | null;
  temperature?: number;
  maxTokens?: number;
  /** s, one non-streaming attempt. */
  timeout?: number;
  /** s, connect + response headers, and the longest silence inside a stream. */
  callTimeout?: number;
  /** s, from request to the first token, keep-alive comments or not. */
  firstTokenTimeout?: number;
  baseUrl?: string | null;
  maxRetries?: number;
  /** s; doubles each retry, capped at 60 s, with jitter. */
  retryInitialDelay?: number;
  failureThreshold?: number;
  /** s the breaker stays open. */
  recoveryTimeout?: number;
  httpReferer?: string | null;
  xTitle?: string | null;
  /** X-OpenRouter-Categories, e.g. "cli-agent". */
  categories?: string | null;
  /** Largest request body accepted before sending. */
  maxRequestBytes?: number;
  /** A PEM file of CAs to trust besides the system's (certificates are always verified). */
  caFile?: string | null;
  /**
   * Requests per minute per model within this process; default 20 for free models
   * (`:free`, openrouter/free) and none for paid ones. 0 turns pacing off.
   */
  requestsPerMinute?: number | null;
  /** Where breaker state is kept; by default shared by the providers of this process. */
  breakerStore?: BreakerStore;
  /** Environment read for unset options (OPENROUTER_API_KEY, …); default process.env. */
  env?: Record<string, string | undefined>;
  fetch?: typeof globalThis.fetch;
  debug?: DebugLogger;
  /** Test seams. */
  now?: () => number;
  random?: () => number;
  sleep?: (ms: number, signal?: AbortSignal) => Promise<void>;
}

const PROVIDER_ID = 'openrouter';
const sharedBreakerStore = createMemoryBreakerStore();

export class OpenRouterProvider extends BaseProvider {
  readonly id = PROVIDER_ID;
  override readonly model: string;
  override readonly embeddingModel: string;
  private readonly settings: {
    temperature: number;
    maxTokens: number;
    timeoutMs: number;
    callTimeoutMs: number;
    firstTokenTimeoutMs: number;
    maxRetries: number;
    retryInitialDelayMs: number;
    maxRequestBytes: number;
  };
  private readonly apiKey: string | undefined;
  private readonly http: HttpClient;
  private readonly breaker: CircuitBreaker;
  private readonly ctx: ErrorContext;
  private readonly options: OpenRouterProviderOptions;
  private readonly debug: DebugLogger | undefined;
  private readonly pacer: RequestPacer;

  constructor(options: OpenRouterProviderOptions = {}) {
    super();
    this.options = options;
    const env = options.env ?? process.env;
    const pick = <T>(value: T | null | undefined, fallback: T): T => (value === undefined || value === null ? fallback : value);
    this.apiKey = options.apiKey || env.OPENROUTER_API_KEY || undefined;
    this.model = pick(options.model, env.OPENROUTER_MODEL || OPENROUTER_DEFAULTS.model);
    this.embeddingModel = pick(options.embeddingModel, OPENROUTER_DEFAULTS.embeddingModel);
    const baseUrl = (pick(options.baseUrl, env.OPENROUTER_BASE_URL || OPENROUTER_DEFAULTS.baseUrl)).replace(/\/+$/, '');
    assertSecureBaseUrl(baseUrl);
    const ms = (seconds: number | undefined, fallback: number) => Math.round(pick(seconds, fallback) * 1000);
    this.settings = {
      temperature: pick(options.temperature, OPENROUTER_DEFAULTS.temperature),
      maxTokens: pick(options.maxTokens, OPENROUTER_DEFAULTS.maxTokens),
      timeoutMs: ms(options.timeout, OPENROUTER_DEFAULTS.timeout),
      callTimeoutMs: ms(options.callTimeout, OPENROUTER_DEFAULTS.callTimeout),
      firstTokenTimeoutMs: ms(options.firstTokenTimeout, OPENROUTER_DEFAULTS.firstTokenTimeout),
      maxRetries: pick(options.maxRetries, OPENROUTER_DEFAULTS.maxRetries),
      retryInitialDelayMs: ms(options.retryInitialDelay, OPENROUTER_DEFAULTS.retryInitialDelay),
      maxRequestBytes: pick(options.maxRequestBytes, DEFAULT_MAX_REQUEST_BYTES),
    };
    validateTemperature(this.settings.temperature);
    validateMaxTokens(this.settings.maxTokens);

    const secrets = [this.apiKey];
    this.debug = options.debug ? (line) => options.debug?.(redactSecrets(line, secrets)) : undefined;
    this.ctx = { secrets, providerLabel: 'OpenRouter' };
    this.http = createHttpClient({
      baseUrl,
      headers: this.headers(env),
      providerLabel: 'OpenRouter',
      secrets,
      ...(options.fetch ? { fetch: options.fetch } : options.caFile ? { fetch: fetchTrusting(options.caFile) } : {}),
      ...(this.debug ? { debug: this.debug } : {}),
    });
    const perMinute = options.requestsPerMinute;
    this.pacer = new RequestPacer({
      limitFor: (model) => (perMinute !== undefined && perMinute !== null ? perMinute : isFreeModel(model) ? FREE_MODEL_REQUESTS_PER_MINUTE : undefined),
      ...(options.now ? { now: options.now } : {}),
      ...(options.sleep ? { sleep: options.sleep } : {}),
      onWait: (model, ms) => this.debug?.(`pacing ${model}: waiting ${ms} ms for the per-minute limit`),
    });
    this.breaker = new CircuitBreaker({
      key: PROVIDER_ID,
      failureThreshold: pick(options.failureThreshold, OPENROUTER_DEFAULTS.failureThreshold),
      recoveryTimeoutMs: ms(options.recoveryTimeout, OPENROUTER_DEFAULTS.recoveryTimeout),
      store: options.breakerStore ?? sharedBreakerStore,
      ...(options.now ? { now: options.now } : {}),
      onTransition: (from, to) => this.debug?.(`circuit breaker ${PROVIDER_ID}: ${from} → ${to}`),
    });
  }

  /** The lower-level API: one chat call as a stream of typed events. */
  override chat(request: ChatRequest, options: CallOptions = {}): ChatStream {
    const provider = this;
    return new ChatStream(async function* () {
      provider.requireKey();
      const stream = request.stream ?? true;
      const body = chatRequestBody(request, {
        model: provider.model,
        temperature: provider.settings.temperature,
        maxTokens: provider.settings.maxTokens,
        maxRequestBytes: provider.settings.maxRequestBytes,
      });
      const model = String(body.model);
      yield* provider.guarded(
        withRetry(
          () => provider.paced(model, options.signal, () =>
            runChatAttempt({
              http: provider.http,
              path: '/chat/completions',
              body,
              stream,
              callTimeoutMs: provider.settings.callTimeoutMs,
              firstTokenTimeoutMs: provider.settings.firstTokenTimeoutMs,
              timeoutMs: provider.settings.timeoutMs,
              ctx: provider.ctx,
              ...(options.signal ? { signal: options.signal } : {}),
            })),
          provider.retryOptions(options.signal),
        ),
      );
    });
  }

  /** One embeddings request for a batch of texts; `data` is sorted by input index. */
  override async embed(request: EmbedRequest, options: CallOptions = {}): Promise<EmbedResult> {
    this.requireKey();
    validateEmbeddingInput(request.input);
    const model = request.model ?? this.embeddingModel;
    validateModelId(model, 'embedding model');
    const body: Record<string, unknown> = { model, input: request.input, encoding_format: 'float' };
    if (request.dimensions !== undefined) body.dimensions = request.dimensions;
    const response = await this.call('POST', '/embeddings', options, body, model);
    const data = Array.isArray(response.data) ? (response.data as EmbedResult['data']) : [];
    if (data.length !== request.input.length || data.some((item) => !Array.isArray(item?.embedding))) {
      throw new OpenRouterConnectionError(
        'protocol',
        `invalid response from OpenRouter: ${data.length} embeddings for ${request.input.length} inputs`,
      );
    }
    const result: EmbedResult = {
      model: typeof response.model === 'string' ? response.model : model,
      data: [...data].sort((a, b) => a.index - b.index).map(({ index, embedding }) => ({ index, embedding })),
    };
    if (response.usage && typeof response.usage === 'object') result.usage = response.usage as EmbedResult['usage'];
    return result;
  }

  /** The public catalogue (needs no key); `embeddings` lists the embedding models instead. */
  override async listModels(options: CallOptions & { embeddings?: boolean } = {}): Promise<ModelInfo[]> {
    const response = await this.call('GET', options.embeddings ? '/embeddings/models' : '/models', options);
    // Older responses carry only {data}; total_count and links are not required.
    return Array.isArray(response.data) ? (response.data as ModelInfo[]) : [];
  }

  /** What the key may spend and has spent (GET /key). */
  override async getKeyInfo(options: CallOptions = {}): Promise<KeyInfo> {
    this.requireKey();
    const response = await this.call('GET', '/key', options);
    return (response.data ?? {}) as KeyInfo;
  }

  /** The circuit breaker's state, for `status`. */
  override breakerState(): Promise<BreakerState> {
    return this.breaker.state();
  }

  /** A request/response call behind the breaker and the retry loop. */
  private async call(
    method: 'GET' | 'POST',
    path: string,
    options: CallOptions,
    body?: Record<string, unknown>,
    pacedModel?: string,
  ): Promise<Record<string, unknown>> {
    const ticket = await this.breaker.acquire();
    let outcome: BreakerOutcome = 'neutral';
    try {
      const result = await retryRequest(
        async () => {
          if (pacedModel) await this.pacer.acquire(pacedModel, options.signal);
          return requestJson({
            http: this.http,
            method,
            path,
            ...(body ? { body } : {}),
            timeoutMs: this.settings.timeoutMs,
            ctx: this.ctx,
            ...(options.signal ? { signal: options.signal } : {}),
          });
        },
        this.retryOptions(options.signal),
      );
      outcome = 'success';
      return result;
    } catch (error) {
      outcome = breakerOutcomeOf(error);
      throw error;
    } finally {
      await this.breaker.release(outcome, ticket);
    }
  }

  /** One attempt's batches, after the pacer lets its request go. */
  private async *paced(
    model: string,
    signal: AbortSignal | undefined,
    attempt: () => AsyncIterable<StreamEvent[]>,
  ): AsyncGenerator<StreamEvent[], void, undefined> {
    await this.pacer.acquire(model, signal);
    yield* attempt();
  }

  /** Runs a stream behind the breaker: asks before the first request, reports how it ended. */
  private async *guarded(batches: AsyncIterable<StreamEvent[]>): AsyncGenerator<StreamEvent[], void, undefined> {
    const ticket = await this.breaker.acquire();
    let outcome: BreakerOutcome = 'neutral';
    try {
      for await (const batch of batches) {
        // Any answer at all proves the service is up, even if the consumer stops reading now.
        if (batch.some((event) => event.type !== 'retry')) outcome = 'success';
        yield batch;
      }
      outcome = 'success';
    } catch (error) {
      outcome = breakerOutcomeOf(error);
      throw error;
    } finally {
      await this.breaker.release(outcome, ticket);
    }
  }

  private retryOptions(signal?: AbortSignal) {
    return {
      policy: {
        maxRetries: this.settings.maxRetries,
        initialDelayMs: this.settings.retryInitialDelayMs,
        ...(this.options.random ? { random: this.options.random } : {}),
      },
      ...(signal ? { signal } : {}),
      ...(this.options.sleep ? { sleep: this.options.sleep } : {}),
      ...(this.debug ? { debug: this.debug } : {}),
    };
  }

  private headers(env: Record<string, string | undefined>): Record<string, string> {
    const pick = (value: string | null | undefined, envName: string, fallback: string) =>
      value === null ? '' : value ?? (env[envName] || fallback);
    const headers: Record<string, string> = { accept: 'application/json, text/event-stream' };
    if (this.apiKey) headers.authorization = `Bearer ${this.apiKey}`;
    const referer = pick(this.options.httpReferer, 'OPENROUTER_HTTP_REFERER', OPENROUTER_DEFAULTS.httpReferer);
    const title = pick(this.options.xTitle, 'OPENROUTER_X_TITLE', OPENROUTER_DEFAULTS.xTitle);
    const categories = pick(this.options.categories, 'OPENROUTER_CATEGORIES', OPENROUTER_DEFAULTS.categories);
    if (referer) headers['http-referer'] = referer;
    // X-OpenRouter-Title is the current name; X-Title is still accepted, and older gateways know only it.
    if (title) headers['x-openrouter-title'] = headers['x-title'] = title;
    if (categories) headers['x-openrouter-categories'] = categories;
    return headers;
  }

  private requireKey(): string {
    if (this.apiKey) return this.apiKey;
    throw new OpenRouterAuthenticationError('no OpenRouter API key: OPENROUTER_API_KEY is not set', {
      hint: 'export OPENROUTER_API_KEY=sk-or-… or set llm.providers.openrouter.api_key: "${OPENROUTER_API_KEY}" in the config',
    });
  }
}
