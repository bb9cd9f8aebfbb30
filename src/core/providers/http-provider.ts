// What every provider that speaks the OpenAI chat-completions wire has in common: key, base
// URL, headers, validation, the retry loop, the circuit breaker, pacing, SSE decoding. Each
// concrete provider (OpenRouter, the OpenAI-compatible presets) supplies a profile: its name,
// its defaults, the environment variables it reads, and what it adds to a request.
import { OpenRouterAuthenticationError } from '../errors.js';
import { ChatStream } from '../chat-stream.js';
import { BaseProvider } from './base-provider.js';
import { assertSecureBaseUrl } from '../base-url.js';
import { fetchTrusting } from '../internal/custom-ca.js';
import { chatRequestBody } from '../internal/chat-body.js';
import { cleanUsage } from '../internal/chunk-reader.js';
import { checkedEmbeddings } from '../internal/check-response.js';
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
import { RequestPacer } from '../internal/request-pacer.js';
import { breakerOutcomeOf } from '../internal/breaker-outcome.js';
import type { ErrorContext } from '../internal/to-provider-error.js';
import { compileToolArguments } from '../internal/tool-arguments.js';
import { validateTools } from '../internal/validate-tools.js';
import {
  DEFAULT_MAX_MEDIA_REQUEST_BYTES,
  DEFAULT_MAX_REQUEST_BYTES,
  validateEmbeddingInput,
  validateMaxTokens,
  validateMessages,
  validateModelId,
  validateTemperature,
} from '../internal/validate-request.js';
import { retryRequest, withRetry } from '../internal/with-retry.js';
import type { CallOptions, ChatRequest, DebugLogger, EmbedRequest, EmbedResult, StreamEvent } from '../types.js';

/** Settings every HTTP provider takes; times in seconds as in the YAML. */
export interface HttpProviderOptions {
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
  /** s, the whole streamed answer of one attempt; 0: no limit. */
  streamTimeout?: number;
  baseUrl?: string | null;
  maxRetries?: number;
  /** s; doubles each retry, capped at 60 s, with jitter. */
  retryInitialDelay?: number;
  failureThreshold?: number;
  /** s the breaker stays open. */
  recoveryTimeout?: number;
  /** Largest request body accepted before sending (text alone). */
  maxRequestBytes?: number;
  /** Largest request body when messages carry images, files or audio (default 32 MiB). */
  maxMediaRequestBytes?: number;
  /** A PEM file of CAs to trust besides the system's (certificates are always verified). */
  caFile?: string | null;
  /** Requests per minute per model within this process; 0 or null: the provider's default. */
  requestsPerMinute?: number | null;
  /** Where breaker state is kept; by default shared by the providers of this process. */
  breakerStore?: BreakerStore;
  /** Environment read for unset options (the profile's variables); default process.env. */
  env?: Record<string, string | undefined>;
  fetch?: typeof globalThis.fetch;
  debug?: DebugLogger;
  /** Test seams. */
  now?: () => number;
  random?: () => number;
  sleep?: (ms: number, signal?: AbortSignal) => Promise<void>;
}

/** The defaults shared by every HTTP provider (the specification's, for OpenRouter). */
export const HTTP_DEFAULTS = {
  temperature: 0.7,
  maxTokens: 4096,
  timeout: 60,
  callTimeout: 10,
  firstTokenTimeout: 60,
  streamTimeout: 600,
  maxRetries: 3,
  retryInitialDelay: 1,
  failureThreshold: 3,
  recoveryTimeout: 60,
} as const;

/** Who a provider is and where it looks for its settings. */
export interface HttpProfile {
  /** Breaker key and provider name: `openrouter`, `lmstudio`, … */
  id: string;
  /** Shown in messages: "OpenRouter", "LM Studio". */
  label: string;
  baseUrl: string;
  /** Null: asked of the server (GET /models) on first use. */
  model: string | null;
  embeddingModel: string | null;
  env: { apiKey?: string; model?: string; baseUrl?: string };
  /** Whether a request without a key is refused before it is sent. */
  keyRequired: boolean;
  /** Told to the user when the key is missing. */
  keyHint: string;
  /** Told when the key is rejected (401) and when the server fails (5xx); OpenRouter's advice when absent. */
  rejectedKeyHint?: string;
  serverHint?: string;
  /** Told when the server cannot be reached; OpenRouter's advice when absent. */
  networkHint?: (baseUrl: string) => string;
  /** OpenRouter ids are org/slug; other servers name models as they like. */
  checkModelId: (model: string, what?: string) => void;
  /** Requests per minute for a model when none is configured; undefined: no pacing. */
  defaultRequestsPerMinute: (model: string) => number | undefined;
  /** Defaults of this provider where they differ from HTTP_DEFAULTS (s). */
  timeouts?: { callTimeout?: number; firstTokenTimeout?: number; timeout?: number; streamTimeout?: number };
}

const sharedBreakerStore = createMemoryBreakerStore();

const asRecord = (value: unknown): Record<string, unknown> | undefined =>
  value !== null && typeof value === 'object' && !Array.isArray(value) ? (value as Record<string, unknown>) : undefined;

/** Any non-empty id without spaces: what servers other than OpenRouter accept. */
export function checkAnyModelId(model: string, what = 'model'): void {
  if (typeof model !== 'string' || !/^\S{1,256}$/.test(model)) {
    validateModelId(String(model), what);
  }
}

export abstract class HttpProvider extends BaseProvider {
  readonly id: string;
  protected readonly profile: HttpProfile;
  protected readonly settings: {
    temperature: number;
    maxTokens: number;
    timeoutMs: number;
    callTimeoutMs: number;
    firstTokenTimeoutMs: number;
    streamTimeoutMs: number;
    maxRetries: number;
    retryInitialDelayMs: number;
    maxRequestBytes: number;
    maxMediaRequestBytes: number;
  };
  protected readonly apiKey: string | undefined;
  protected readonly http: HttpClient;
  protected readonly ctx: ErrorContext;
  protected readonly options: HttpProviderOptions;
  protected readonly debug: DebugLogger | undefined;
  protected readonly configuredModel: string | null;
  protected readonly configuredEmbeddingModel: string | null;
  private readonly breaker: CircuitBreaker;
  private readonly pacer: RequestPacer;
  private readonly baseUrl: string;

  protected constructor(options: HttpProviderOptions, profile: HttpProfile, extraHeaders: (env: Record<string, string | undefined>) => Record<string, string> = () => ({})) {
    super();
    this.options = options;
    this.profile = profile;
    this.id = profile.id;
    const env = options.env ?? process.env;
    const fromEnv = (name: string | undefined) => (name ? env[name] || undefined : undefined);
    const pick = <T>(value: T | null | undefined, fallback: T): T => (value === undefined || value === null ? fallback : value);
    this.apiKey = options.apiKey || fromEnv(profile.env.apiKey);
    this.configuredModel = options.model || fromEnv(profile.env.model) || profile.model;
    this.configuredEmbeddingModel = options.embeddingModel || profile.embeddingModel;
    const baseUrl = (options.baseUrl || fromEnv(profile.env.baseUrl) || profile.baseUrl).replace(/\/+$/, '');
    assertSecureBaseUrl(baseUrl);
    this.baseUrl = baseUrl;
    const ms = (seconds: number | undefined, fallback: number) => Math.round(pick(seconds, fallback) * 1000);
    this.settings = {
      temperature: pick(options.temperature, HTTP_DEFAULTS.temperature),
      maxTokens: pick(options.maxTokens, HTTP_DEFAULTS.maxTokens),
      timeoutMs: ms(options.timeout, profile.timeouts?.timeout ?? HTTP_DEFAULTS.timeout),
      callTimeoutMs: ms(options.callTimeout, profile.timeouts?.callTimeout ?? HTTP_DEFAULTS.callTimeout),
      firstTokenTimeoutMs: ms(options.firstTokenTimeout, profile.timeouts?.firstTokenTimeout ?? HTTP_DEFAULTS.firstTokenTimeout),
      streamTimeoutMs: ms(options.streamTimeout, profile.timeouts?.streamTimeout ?? HTTP_DEFAULTS.streamTimeout),
      maxRetries: pick(options.maxRetries, HTTP_DEFAULTS.maxRetries),
      retryInitialDelayMs: ms(options.retryInitialDelay, HTTP_DEFAULTS.retryInitialDelay),
      maxRequestBytes: pick(options.maxRequestBytes, DEFAULT_MAX_REQUEST_BYTES),
      maxMediaRequestBytes: pick(options.maxMediaRequestBytes, DEFAULT_MAX_MEDIA_REQUEST_BYTES),
    };
    validateTemperature(this.settings.temperature);
    validateMaxTokens(this.settings.maxTokens);

    const secrets = [this.apiKey];
    this.debug = options.debug ? (line) => options.debug?.(redactSecrets(line, secrets)) : undefined;
    this.ctx = {
      secrets,
      providerLabel: profile.label,
      ...(profile.rejectedKeyHint ? { keyHint: profile.rejectedKeyHint } : {}),
      ...(profile.serverHint ? { serverHint: profile.serverHint } : {}),
      ...(profile.networkHint ? { networkHint: profile.networkHint(baseUrl) } : {}),
    };
    const headers: Record<string, string> = { accept: 'application/json, text/event-stream', ...extraHeaders(env) };
    if (this.apiKey) headers.authorization = `Bearer ${this.apiKey}`;
    this.http = createHttpClient({
      baseUrl,
      headers,
      providerLabel: profile.label,
      secrets,
      ...(this.ctx.networkHint ? { networkHint: this.ctx.networkHint } : {}),
      ...(options.fetch ? { fetch: options.fetch } : options.caFile ? { fetch: fetchTrusting(options.caFile) } : {}),
      ...(this.debug ? { debug: this.debug } : {}),
    });
    const perMinute = options.requestsPerMinute;
    this.pacer = new RequestPacer({
      limitFor: (model) => (perMinute !== undefined && perMinute !== null ? perMinute : profile.defaultRequestsPerMinute(model)),
      ...(options.now ? { now: options.now } : {}),
      ...(options.sleep ? { sleep: options.sleep } : {}),
      onWait: (model, waitMs) => this.debug?.(`pacing ${model}: waiting ${waitMs} ms for the per-minute limit`),
    });
    this.breaker = new CircuitBreaker({
      key: profile.id,
      failureThreshold: pick(options.failureThreshold, HTTP_DEFAULTS.failureThreshold),
      recoveryTimeoutMs: ms(options.recoveryTimeout, HTTP_DEFAULTS.recoveryTimeout),
      store: options.breakerStore ?? sharedBreakerStore,
      ...(options.now ? { now: options.now } : {}),
      onTransition: (from, to) => this.debug?.(`circuit breaker ${profile.id}: ${from} → ${to}`),
    });
  }

  /** The configured chat model; empty when the server is to be asked on first use. */
  get model(): string {
    return this.configuredModel ?? '';
  }

  get embeddingModel(): string {
    return this.configuredEmbeddingModel ?? '';
  }


  /** Fields of the request body this provider adds or drops (routing, stream options…). */
  protected adjustBody(body: Record<string, unknown>, _request: ChatRequest): Record<string, unknown> {
    return body;
  }

  /** The lower-level API: one chat call as a stream of typed events. */
  override chat(request: ChatRequest, options: CallOptions = {}): ChatStream {
    const provider = this;
    return new ChatStream(async function* () {
      provider.requireKey();
      const stream = request.stream ?? true;
      // A request that is wrong must be refused before anything is sent, even the model lookup.
      validateMessages(request.messages);
      validateTemperature(request.temperature);
      validateMaxTokens(request.maxTokens);
      validateTools(request);
      // Once per request, not per attempt: the tools' schemas are the same on every retry.
      const tools = await compileToolArguments(request.tools);
      const model = request.model ?? (await provider.resolveModel(options));
      const body = provider.adjustBody(
        chatRequestBody(
          { ...request, model },
          {
            model,
            temperature: provider.settings.temperature,
            maxTokens: provider.settings.maxTokens,
            maxRequestBytes: provider.settings.maxRequestBytes,
            maxMediaRequestBytes: provider.settings.maxMediaRequestBytes,
            checkModelId: provider.profile.checkModelId,
          },
        ),
        request,
      );
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
              streamTimeoutMs: provider.settings.streamTimeoutMs,
              timeoutMs: provider.settings.timeoutMs,
              ctx: provider.ctx,
              tools,
              ...(options.signal ? { signal: options.signal } : {}),
            })),
          provider.retryOptions(options.signal),
        ),
      );
    });
  }

  override endpoint(): string {
    return this.baseUrl;
  }

  /** One embeddings request for a batch of texts; `data` is sorted by input index. */
  override async embed(request: EmbedRequest, options: CallOptions = {}): Promise<EmbedResult> {
    this.requireKey();
    validateEmbeddingInput(request.input);
    const model = request.model ?? (await this.resolveEmbeddingModel(options));
    this.profile.checkModelId(model, 'embedding model');
    const body: Record<string, unknown> = { model, input: request.input, encoding_format: 'float' };
    if (request.dimensions !== undefined) body.dimensions = request.dimensions;
    const response = await this.call('POST', '/embeddings', options, body, model, { streamArrays: ['data'] });
    const result: EmbedResult = {
      model: typeof response.model === 'string' ? response.model : model,
      data: checkedEmbeddings(response.data, request.input.length, this.profile.label),
    };
    const usage = asRecord(response.usage);
    if (usage) result.usage = cleanUsage(usage) as EmbedResult['usage'];
    return result;
  }

  /** The circuit breaker's state, for `status`. */
  override breakerState(): Promise<BreakerState> {
    return this.breaker.state();
  }

  /** A request/response call behind the breaker and the retry loop. */
  protected async call(
    method: 'GET' | 'POST',
    path: string,
    options: CallOptions,
    body?: Record<string, unknown>,
    pacedModel?: string,
    extra: { query?: Record<string, string>; maxBodyBytes?: number; streamArrays?: readonly string[] } = {},
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
            ...extra,
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

  protected requireKey(): void {
    if (this.apiKey || !this.profile.keyRequired) return;
    const variable = this.profile.env.apiKey;
    throw new OpenRouterAuthenticationError(`no ${this.profile.label} API key${variable ? `: ${variable} is not set` : ''}`, {
      hint: this.profile.keyHint,
    });
  }
}
