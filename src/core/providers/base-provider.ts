// The specification's provider surface, written once on top of the two things a provider
// must do: chat (an event stream) and embed. Providers extend this and add HTTP or whatever
// else they speak.
import type { ChatStream } from '../chat-stream.js';
import type { BreakerState } from '../internal/circuit-breaker.js';
import type { Generation } from '../generation.js';
import type {
  CallOptions,
  ChatMessage,
  ChatRequest,
  EmbedRequest,
  EmbedResult,
  KeyInfo,
  ListModelsOptions,
  ModelEndpoints,
  ModelEndpointsOptions,
  ModelInfo,
} from '../types.js';

/** Per-call parameters of the specification's generate* methods. */
export interface GenerateParams extends CallOptions {
  model?: string;
  temperature?: number;
  maxTokens?: number;
  /** A system prompt put before the messages. */
  system?: string;
  models?: string[];
  provider?: ChatRequest['provider'];
  reasoning?: ChatRequest['reasoning'];
  extra?: Record<string, unknown>;
}

export abstract class BaseProvider {
  abstract readonly id: string;
  abstract readonly model: string;
  abstract readonly embeddingModel: string;

  /** The lower-level API: one chat call as a stream of typed events. */
  abstract chat(request: ChatRequest, options?: CallOptions): ChatStream;
  /** One embeddings request for a batch of texts; `data` is sorted by input index. */
  abstract embed(request: EmbedRequest, options?: CallOptions): Promise<EmbedResult>;
  /** The model catalogue; `embeddings` lists the embedding models instead. */
  abstract listModels(options?: ListModelsOptions): Promise<ModelInfo[]>;
  /** What the key may spend and has spent. */
  abstract getKeyInfo(options?: CallOptions): Promise<KeyInfo>;
  /** The circuit breaker's state, for `status`. */
  abstract breakerState(): Promise<BreakerState>;

  /** Where requests go (a base URL): caches keep what each endpoint answered apart. */
  endpoint(): string {
    return this.id;
  }

  /**
   * The providers serving `model` (OpenRouter's GET /models/{author}/{slug}/endpoints);
   * undefined: this provider has no such list (a local server, the offline provider).
   */
  async getModelEndpoints(_model: string, _options: ModelEndpointsOptions = {}): Promise<ModelEndpoints | undefined> {
    return undefined;
  }

  /**
   * The ids of the models that any of `hosts` serves, as the service lists them (OpenRouter:
   * GET /models?providers=…); undefined: this provider has no such list.
   */
  async modelsServedBy(_hosts: readonly string[], _options: CallOptions = {}): Promise<string[] | undefined> {
    return undefined;
  }

  /**
   * What an answered request cost, by its generation id (OpenRouter's GET /generation);
   * undefined: this provider has no such look-up.
   */
  async generation(_id: string, _options: CallOptions = {}): Promise<Generation | undefined> {
    return undefined;
  }

  /** The model a chat request without one goes to (a local server may have to be asked). */
  async resolveModel(_options: CallOptions = {}): Promise<string> {
    return this.model;
  }

  /** The model an embedding request without one goes to. */
  async resolveEmbeddingModel(_options: CallOptions = {}): Promise<string> {
    return this.embeddingModel;
  }

  /** Text for a prompt (non-streaming). */
  async generate(prompt: string, params: GenerateParams = {}): Promise<string> {
    return this.generateWithContext(prompt, [], params);
  }

  /** Text for a prompt after earlier messages (non-streaming). */
  async generateWithContext(prompt: string, context: readonly ChatMessage[], params: GenerateParams = {}): Promise<string> {
    const result = await this.chat({ ...requestFrom(prompt, context, params), stream: false }, params).collect();
    return result.content;
  }

  /** Text for a prompt, piece by piece as it streams. */
  generateStream(prompt: string, params: GenerateParams = {}): AsyncGenerator<string, void, undefined> {
    return this.generateWithContextStream(prompt, [], params);
  }

  /** Text for a prompt after earlier messages, piece by piece as it streams. */
  async *generateWithContextStream(
    prompt: string,
    context: readonly ChatMessage[],
    params: GenerateParams = {},
  ): AsyncGenerator<string, void, undefined> {
    for await (const event of this.chat(requestFrom(prompt, context, params), params)) {
      if (event.type === 'token') yield event.text;
    }
  }

  /** The embedding vector of one text. */
  async getEmbedding(text: string, options?: CallOptions): Promise<number[]>;
  /** The embedding vectors of several texts, in input order. */
  async getEmbedding(texts: readonly string[], options?: CallOptions): Promise<number[][]>;
  async getEmbedding(input: string | readonly string[], options: CallOptions = {}): Promise<number[] | number[][]> {
    const texts = typeof input === 'string' ? [input] : [...input];
    const result = await this.embed({ input: texts }, options);
    const vectors = result.data.map((item) => item.embedding);
    return typeof input === 'string' ? (vectors[0] ?? []) : vectors;
  }
}

function requestFrom(prompt: string, context: readonly ChatMessage[], params: GenerateParams): ChatRequest {
  const messages: ChatMessage[] = [];
  if (params.system !== undefined) messages.push({ role: 'system', content: params.system });
  messages.push(...context, { role: 'user', content: prompt });
  const request: ChatRequest = { messages };
  if (params.model !== undefined) request.model = params.model;
  if (params.temperature !== undefined) request.temperature = params.temperature;
  if (params.maxTokens !== undefined) request.maxTokens = params.maxTokens;
  if (params.models !== undefined) request.models = params.models;
  if (params.provider !== undefined) request.provider = params.provider;
  if (params.reasoning !== undefined) request.reasoning = params.reasoning;
  if (params.extra !== undefined) request.extra = params.extra;
  return request;
}
