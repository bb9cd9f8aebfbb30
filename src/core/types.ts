// The vocabulary shared by the provider core, the CLI and the UI.
import type { DevsynthError } from './errors.js';

export type Role = 'system' | 'developer' | 'user' | 'assistant' | 'tool';

/** One part of a message's content, as OpenRouter defines it (ChatContentItems in its OpenAPI spec). */
export type ContentPart =
  /** `cache_control`: a prompt-cache breakpoint (ChatContentCacheControl), for providers that need them. */
  | { type: 'text'; text: string; cache_control?: CacheControl }
  /** `url` is an https URL or a `data:image/png;base64,…` URL. */
  | { type: 'image_url'; image_url: { url: string; detail?: 'auto' | 'low' | 'high' | 'original' } }
  /** PDFs and other documents: `file_data` is a `data:application/pdf;base64,…` URL or an https URL. */
  | { type: 'file'; file: { filename?: string; file_data?: string; file_id?: string } }
  /** `data` is base64 without a data: prefix; `format` e.g. wav, mp3. */
  | { type: 'input_audio'; input_audio: { data: string; format: string } };

/**
 * A prompt-cache breakpoint on a text part: the prompt up to and including that part may be
 * cached (OpenRouter's ChatContentCacheControl; Anthropic's `cache_control`). ttl: 5 minutes
 * by default, or an hour.
 */
export interface CacheControl {
  type: 'ephemeral';
  ttl?: '5m' | '1h';
}

/** A message's content: plain text, or a list of parts (text, images, files, audio). */
export type MessageContent = string | ContentPart[];

export interface ChatMessage {
  role: Role;
  /** An assistant message that only asks for tools has '' here (sent as null). */
  content: MessageContent;
  name?: string;
  /** On a `tool` message: the id of the call it answers. */
  tool_call_id?: string;
  /** On an assistant message: the tools it asked for, as the API sends them back. */
  tool_calls?: AssistantToolCall[];
}

/** A function the model may call, as OpenRouter (and OpenAI) define it. */
export interface ToolDefinition {
  type: 'function';
  function: {
    /** Letters, digits, `_` and `-`, at most 64. */
    name: string;
    description?: string;
    /** A JSON Schema whose `type` is "object"; the call's arguments are validated against it. */
    parameters?: Record<string, unknown>;
    strict?: boolean | null;
  };
}

/** Whether and which tool the model must call. */
export type ToolChoice = 'none' | 'auto' | 'required' | { type: 'function'; function: { name: string } };

/** A tool call inside an assistant message, in the wire format (arguments as a JSON string). */
export interface AssistantToolCall {
  id: string;
  type: 'function';
  function: { name: string; arguments: string };
}

/** A complete tool call the model made, its arguments parsed and checked against the tool's schema. */
export interface ToolCall {
  id: string;
  name: string;
  /** The parsed JSON arguments ({} when the model sent none). */
  arguments: unknown;
  /** The arguments exactly as the model sent them. */
  rawArguments: string;
}

/**
 * Token usage and cost as OpenRouter sends it (snake_case, passed through unchanged so that
 * `--json` shows every field the service reported).
 */
export interface Usage {
  prompt_tokens: number;
  completion_tokens: number;
  total_tokens: number;
  /** Credits (≈ USD); 0 for `:free` models. */
  cost?: number;
  is_byok?: boolean;
  prompt_tokens_details?: Record<string, unknown>;
  completion_tokens_details?: Record<string, unknown>;
  cost_details?: Record<string, unknown>;
  [field: string]: unknown;
}

/** OpenRouter provider routing preferences (`provider` in the request). */
export interface ProviderPreferences {
  order?: string[];
  allow_fallbacks?: boolean;
  only?: string[];
  ignore?: string[];
  sort?: string | Record<string, unknown>;
  data_collection?: 'allow' | 'deny';
  require_parameters?: boolean;
  /** Only endpoints that retain no prompts (zero data retention). */
  zdr?: boolean;
  /** Only endpoints serving the model at these quantisations (int4, int8, fp8, …). */
  quantizations?: string[];
  /** USD per million tokens; numbers are sent as the decimal strings the API defines. */
  max_price?: { prompt?: number | string; completion?: number | string; [k: string]: unknown };
  [field: string]: unknown;
}

/** An OpenRouter plugin (`plugins` in the request), e.g. the web search `{ id: 'web', max_results: 3 }`. */
export interface ChatPlugin {
  id: string;
  [setting: string]: unknown;
}

/** A source the answer cites (a `url_citation` annotation, e.g. from the web plugin). */
export interface Citation {
  url: string;
  title?: string;
}

/** One chat completion request, provider-neutral. */
export interface ChatRequest {
  messages: ChatMessage[];
  /** `org/slug[:variant]`; the provider's default when absent. */
  model?: string;
  /** Fallback models, sent as OpenRouter's `models` list. */
  models?: string[];
  temperature?: number;
  maxTokens?: number;
  /** Default true: SSE streaming. False: one JSON response, same events. */
  stream?: boolean;
  reasoning?: { effort?: string; max_tokens?: number; exclude?: boolean; enabled?: boolean };
  provider?: ProviderPreferences;
  /** OpenRouter plugins (`plugins`): web search and others; other providers leave them out. */
  plugins?: ChatPlugin[];
  /** Functions the model may call (`tools`). */
  tools?: ToolDefinition[];
  /** Sent as `tool_choice`. */
  toolChoice?: ToolChoice;
  /** Sent as `parallel_tool_calls`: whether the model may ask for several tools at once. */
  parallelToolCalls?: boolean;
  /** Further OpenRouter request fields (top_p, seed, stop, …), sent as they are. */
  extra?: Record<string, unknown>;
}

/** Per-call options. */
export interface CallOptions {
  /** Aborting it cancels the request; the stream then throws CancelledError. */
  signal?: AbortSignal;
}

/** Options of a catalogue request. */
export interface ListModelsOptions extends CallOptions {
  /** The embedding models instead of the chat models. */
  embeddings?: boolean;
  /** Told how many entries of the server's list were invalid and left out (none: not called). */
  onSkipped?: (count: number) => void;
}

export interface ModelEndpointsOptions extends CallOptions {
  /** Told how many entries of the server's list were invalid and left out (none: not called). */
  onSkipped?: (count: number) => void;
}

/** Events of a chat call, in order: (retry|fallback)*, meta?, (reasoning|token|usage|retry|tool_call)*, done. */
export type StreamEvent =
  /** The response started: who is answering. Emitted once, before the first token. */
  | { type: 'meta'; id?: string; model?: string; provider?: string }
  | { type: 'token'; text: string }
  | { type: 'reasoning'; text: string }
  | { type: 'usage'; usage: Usage }
  /**
   * A complete tool call, emitted once the choice has finished (all of its deltas arrived), in
   * `index` order. Its arguments passed their JSON Schema; a call that does not pass ends the
   * stream with AnswerContractError instead.
   */
  | ({ type: 'tool_call'; index: number } & ToolCall)
  /**
   * A tool's result, as it was fed back to the model (runTools only; a single chat call has
   * none). `isError`: the call could not be run or was refused; the content says why.
   */
  | { type: 'tool_result'; id: string; name: string; content: string; isError: boolean }
  /** A failed attempt will be retried after delayMs. */
  | {
      type: 'retry';
      attempt: number;
      maxRetries: number;
      delayMs: number;
      reason: string;
      status?: number;
      error: DevsynthError;
    }
  /**
   * The provider named in `from` was unavailable before it had answered anything; the call
   * goes on with `to` (llm.fallback).
   */
  | { type: 'fallback'; from: string; to: string; reason: string; error: DevsynthError }
  | {
      type: 'done';
      finishReason: string | null;
      nativeFinishReason?: string | null;
      id?: string;
      model?: string;
      provider?: string;
      /** The sources the answer cited (url_citation annotations), in the order first seen. */
      citations?: Citation[];
    };

/** A finished chat call, gathered from its events. */
export interface ChatResult {
  id?: string;
  model?: string;
  provider?: string;
  content: string;
  reasoning?: string;
  finishReason: string | null;
  usage?: Usage;
  /** The tools the model asked for, in order; absent when it asked for none. */
  toolCalls?: ToolCall[];
  /** The sources the answer cited (web search); absent when it cited none. */
  citations?: Citation[];
  /** The provider that answered, when another one was tried first (llm.fallback). */
  answeredBy?: string;
  /** The providers tried before it, and why each was passed over. */
  fallbacks?: Array<{ provider: string; reason: string; kind: string }>;
}

export interface EmbedRequest {
  input: string[];
  model?: string;
  dimensions?: number;
}

export interface EmbedResult {
  model: string;
  data: Array<{ index: number; embedding: number[] }>;
  usage?: { prompt_tokens: number; total_tokens: number; cost?: number; [k: string]: unknown };
}

/** One catalogue entry (GET /models), with the nullable fields the real service sends. */
export interface ModelInfo {
  id: string;
  name?: string;
  description?: string;
  created?: number;
  context_length: number | null;
  /** USD per token as decimal strings; "-1" means variable (routers). */
  pricing: { prompt: string; completion: string; [k: string]: unknown };
  architecture?: {
    modality?: string;
    input_modalities?: string[];
    output_modalities?: string[];
    tokenizer?: string;
    [k: string]: unknown;
  };
  top_provider?: {
    context_length?: number | null;
    max_completion_tokens?: number | null;
    is_moderated?: boolean;
  };
  supported_parameters?: string[];
  [field: string]: unknown;
}

/**
 * One provider serving a model (an entry of GET /models/{author}/{slug}/endpoints): prices as
 * USD-per-token strings like the catalogue's; uptimes in percent; latency (time to first token,
 * ms) and throughput (tokens/s) as percentiles over the last 30 minutes, null when unreported
 * (OpenRouter reports them only to requests with a key).
 */
export interface ModelEndpoint {
  name?: string;
  provider_name: string;
  tag?: string;
  context_length: number | null;
  max_completion_tokens?: number | null;
  max_prompt_tokens?: number | null;
  pricing: { prompt: string; completion: string; [k: string]: unknown };
  quantization?: string | null;
  /** 0: up; negative: degraded or down (OpenRouter's EndpointStatus). */
  status?: number;
  uptime_last_30m?: number | null;
  uptime_last_1d?: number | null;
  uptime_last_5m?: number | null;
  latency_last_30m?: Percentiles | null;
  throughput_last_30m?: Percentiles | null;
  supported_parameters?: string[];
  supports_implicit_caching?: boolean;
  [field: string]: unknown;
}

export interface Percentiles {
  p50?: number;
  p75?: number;
  p90?: number;
  p99?: number;
}

/** GET /models/{author}/{slug}/endpoints: the model and the providers serving it. */
export interface ModelEndpoints {
  id: string;
  name?: string;
  architecture?: ModelInfo['architecture'];
  endpoints: ModelEndpoint[];
}

/** GET /key: what the key may spend and has spent. */
export interface KeyInfo {
  label?: string;
  limit: number | null;
  limit_remaining?: number | null;
  limit_reset?: string | null;
  usage?: number;
  usage_daily?: number;
  usage_weekly?: number;
  usage_monthly?: number;
  is_free_tier?: boolean;
  expires_at?: string | null;
  [field: string]: unknown;
}

/** One line of the redacted debug log (requests, retries, breaker changes). */
export type DebugLogger = (line: string) => void;
