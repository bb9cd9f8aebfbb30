// llm.fallback: providers tried in order when the chosen one is unavailable. "Unavailable" is
// narrow on purpose: a connection failure (network, TLS, timeout, a stalled or truncated
// stream, a 5xx after the retry budget) or an open circuit breaker, and only before anything
// of the answer was shown. A rejected key, a bad request, a rate limit or a cancel is the
// user's to see, not to paper over with another model.
import { ChatStream } from '../chat-stream.js';
import { OpenRouterCircuitOpenError, OpenRouterConnectionError } from '../errors.js';
import type { BreakerState } from '../internal/circuit-breaker.js';
import type { Generation } from '../generation.js';
import type { CallOptions, ChatRequest, EmbedRequest, EmbedResult, KeyInfo, ModelEndpoints, ModelEndpointsOptions,
  ListModelsOptions, ModelInfo, StreamEvent } from '../types.js';
import { BaseProvider } from './base-provider.js';

/** Whether another provider may answer instead after this error. */
export function isUnavailable(error: unknown): boolean {
  return error instanceof OpenRouterConnectionError || error instanceof OpenRouterCircuitOpenError;
}

/**
 * What a fallback provider is asked: the conversation and the sampling settings, but not the
 * model, fallback models or routing chosen for the first provider: those name its models.
 */
function portable(request: ChatRequest): ChatRequest {
  const { model: _model, models: _models, provider: _routing, ...rest } = request;
  return rest;
}

export class FallbackProvider extends BaseProvider {
  readonly id: string;
  readonly model: string;
  readonly embeddingModel: string;

  /** `chain[0]` is the chosen provider, the rest are tried in order. */
  constructor(readonly chain: readonly BaseProvider[]) {
    super();
    const primary = chain[0];
    if (!primary) throw new TypeError('FallbackProvider needs at least one provider');
    this.id = primary.id;
    this.model = primary.model;
    this.embeddingModel = primary.embeddingModel;
  }

  /** Embeddings come from the chosen provider alone (see embed). */
  override endpoint(): string {
    return this.chain[0]?.endpoint() ?? this.id;
  }

  override chat(request: ChatRequest, options: CallOptions = {}): ChatStream {
    const chain = this.chain;
    return new ChatStream(async function* () {
      for (const [index, provider] of chain.entries()) {
        let answered = false;
        try {
          for await (const batch of provider.chat(index === 0 ? request : portable(request), options).batched()) {
            answered ||= batch.some((event) => event.type === 'token' || event.type === 'reasoning');
            yield batch;
          }
          return;
        } catch (error) {
          const next = chain[index + 1];
          if (answered || !next || !isUnavailable(error) || options.signal?.aborted) throw error;
          const notice: StreamEvent = {
            type: 'fallback',
            from: provider.id,
            to: next.id,
            reason: (error as Error).message,
            error: error as OpenRouterConnectionError,
          };
          yield [notice];
        }
      }
    });
  }

  /**
   * Embeddings never fall back: vectors of two models cannot be compared, so a batch answered
   * by another provider would silently spoil whatever is built on them.
   */
  override embed(request: EmbedRequest, options?: CallOptions): Promise<EmbedResult> {
    return this.primary.embed(request, options);
  }

  override resolveModel(options?: CallOptions): Promise<string> {
    return this.primary.resolveModel(options);
  }

  override resolveEmbeddingModel(options?: CallOptions): Promise<string> {
    return this.primary.resolveEmbeddingModel(options);
  }

  override listModels(options?: ListModelsOptions): Promise<ModelInfo[]> {
    return this.primary.listModels(options);
  }

  override getModelEndpoints(model: string, options?: ModelEndpointsOptions): Promise<ModelEndpoints | undefined> {
    return this.primary.getModelEndpoints(model, options);
  }

  override modelsServedBy(hosts: readonly string[], options?: CallOptions): Promise<string[] | undefined> {
    return this.primary.modelsServedBy(hosts, options);
  }

  /** The chosen provider's look-up: a fallback's answer is not asked about (see settle-cost). */
  override generation(id: string, options?: CallOptions): Promise<Generation | undefined> {
    return this.primary.generation(id, options);
  }

  override getKeyInfo(options?: CallOptions): Promise<KeyInfo> {
    return this.primary.getKeyInfo(options);
  }

  override breakerState(): Promise<BreakerState> {
    return this.primary.breakerState();
  }

  private get primary(): BaseProvider {
    return this.chain[0] as BaseProvider;
  }
}
