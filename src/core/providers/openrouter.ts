// OpenRouter's OpenAI-compatible API: the specification's OpenRouterProvider. What is
// OpenRouter's own lives here (defaults, attribution headers, routing preferences, free-model
// pacing, GET /models and GET /key); the wire machinery is HttpProvider's.
import { LLMProviderError, OpenRouterConnectionError, OpenRouterInvalidModelError } from '../errors.js';
import { checkedGeneration, type Generation, isGenerationId, MAX_GENERATION_BODY_BYTES } from '../generation.js';
import { sleep } from '../internal/attempt-deadline.js';
import { checkedCatalogue, checkedEndpoints } from '../internal/check-response.js';
import { FREE_MODEL_REQUESTS_PER_MINUTE, isFreeModel } from '../internal/request-pacer.js';
import { validateModelId } from '../internal/validate-request.js';
import type { CallOptions, ChatRequest, KeyInfo,
  ListModelsOptions, ModelEndpoints, ModelEndpointsOptions, ModelInfo, ProviderPreferences } from '../types.js';
import { HTTP_DEFAULTS, HttpProvider, type HttpProviderOptions } from './http-provider.js';

export const OPENROUTER_DEFAULTS = {
  ...HTTP_DEFAULTS,
  baseUrl: 'https://openrouter.ai/api/v1',
  /** The router over free models: works for every key. */
  model: 'openrouter/free',
  embeddingModel: 'openai/text-embedding-3-small',
  /** The specification's attribution defaults. */
  httpReferer: 'https://devsynth.dev',
  xTitle: 'DevSynth AI Platform',
  categories: 'cli-agent',
} as const;

/** The specification's configuration, camelCased; times in seconds as in the YAML. */
export interface OpenRouterProviderOptions extends HttpProviderOptions {
  httpReferer?: string | null;
  xTitle?: string | null;
  /** X-OpenRouter-Categories, e.g. "cli-agent". */
  categories?: string | null;
  /**
   * Provider routing preferences sent with every chat request that has none of its own
   * (`order`, `allow_fallbacks`, `sort`, `max_price`, …).
   */
  routing?: ProviderPreferences | null;
}

export class OpenRouterProvider extends HttpProvider {
  private readonly routing: ProviderPreferences | undefined;

  constructor(options: OpenRouterProviderOptions = {}) {
    super(
      options,
      {
        id: 'openrouter',
        label: 'OpenRouter',
        baseUrl: OPENROUTER_DEFAULTS.baseUrl,
        model: OPENROUTER_DEFAULTS.model,
        embeddingModel: OPENROUTER_DEFAULTS.embeddingModel,
        env: { apiKey: 'OPENROUTER_API_KEY', model: 'OPENROUTER_MODEL', baseUrl: 'OPENROUTER_BASE_URL' },
        keyRequired: true,
        keyHint: 'export OPENROUTER_API_KEY=sk-or-… or set llm.providers.openrouter.api_key: "${OPENROUTER_API_KEY}" in the config',
        checkModelId: validateModelId,
        defaultRequestsPerMinute: (model) => (isFreeModel(model) ? FREE_MODEL_REQUESTS_PER_MINUTE : undefined),
      },
      (env) => attributionHeaders(options, env),
    );
    this.routing = options.routing ?? undefined;
  }

  protected override adjustBody(body: Record<string, unknown>, request: ChatRequest): Record<string, unknown> {
    const routing = request.provider ?? this.routing;
    if (routing) body.provider = wireRouting(routing);
    return body;
  }

  /** The public catalogue (needs no key); `embeddings` lists the embedding models instead. */
  override async listModels(options: ListModelsOptions = {}): Promise<ModelInfo[]> {
    const response = await this.call('GET', options.embeddings ? '/embeddings/models' : '/models', options);
    // Older responses carry only {data}; total_count and links are not required.
    const { models, skipped } = checkedCatalogue(response.data);
    if (skipped > 0) options.onSkipped?.(skipped);
    return models;
  }

  /**
   * The providers serving `model` (GET /models/{author}/{slug}/endpoints; no key needed, but
   * latency and throughput are reported only to a request with one). A model OpenRouter does
   * not know is an invalid-model error.
   */
  override async getModelEndpoints(model: string, options: ModelEndpointsOptions = {}): Promise<ModelEndpoints> {
    const path = endpointsPath(model);
    let response: Record<string, unknown>;
    try {
      response = await this.call('GET', path, options, undefined, undefined, { maxBodyBytes: MAX_ENDPOINTS_BODY_BYTES });
    } catch (error) {
      if (error instanceof LLMProviderError && error.status === 404) {
        throw new OpenRouterInvalidModelError(`unknown model "${model}": OpenRouter lists no endpoints for it`, {
          status: 404,
          hint: 'list valid ids with `devsynth-or models`',
        });
      }
      throw error;
    }
    const { model: endpoints, skipped } = checkedEndpoints(response.data, this.profile.label);
    if (skipped > 0) options.onSkipped?.(skipped);
    return endpoints;
  }

  /** The ids of the models any of `hosts` serves (GET /models?providers=a,b; no key needed). */
  override async modelsServedBy(hosts: readonly string[], options: CallOptions = {}): Promise<string[]> {
    const response = await this.call('GET', '/models', options, undefined, undefined, { query: { providers: hosts.join(',') } });
    return checkedCatalogue(response.data).models.map((entry) => entry.id);
  }

  /**
   * What one answered request cost and who served it (GET /generation?id=…). Its stats can be
   * missing (404) for a moment after the answer ends: asked again a few times, a few seconds at
   * most in all (GENERATION_NOT_READY_DELAYS_MS), then the 404 is thrown.
   */
  override async generation(id: string, options: CallOptions = {}): Promise<Generation> {
    this.requireKey();
    if (!isGenerationId(id)) throw new OpenRouterConnectionError('protocol', `invalid response from ${this.profile.label}: no usable generation id`);
    for (let attempt = 0; ; attempt++) {
      try {
        const body = await this.call('GET', '/generation', options, undefined, undefined, { query: { id }, maxBodyBytes: MAX_GENERATION_BODY_BYTES });
        return checkedGeneration(body, id, this.profile.label);
      } catch (error) {
        const delay = GENERATION_NOT_READY_DELAYS_MS[attempt];
        if (!(error instanceof LLMProviderError && error.status === 404) || delay === undefined) throw error;
        this.debug?.(`generation ${id}: no stats yet (404), asking again in ${delay} ms`);
        await (this.options.sleep ?? sleep)(delay, options.signal);
      }
    }
  }

  /** What the key may spend and has spent (GET /key). */
  override async getKeyInfo(options: CallOptions = {}): Promise<KeyInfo> {
    this.requireKey();
    const response = await this.call('GET', '/key', options);
    return (response.data ?? {}) as KeyInfo;
  }
}

/** The pauses before asking again for a generation's stats that are not ready yet (404): 4.25 s in all. */
export const GENERATION_NOT_READY_DELAYS_MS: readonly number[] = [500, 750, 1000, 1000, 1000];

/** A model's endpoints list is a few kilobytes (a few dozen providers at most). */
export const MAX_ENDPOINTS_BODY_BYTES = 4 * 1024 * 1024;

/**
 * /models/{author}/{slug}/endpoints for an id checked as OpenRouter ids are (org/slug, an
 * optional :variant; no "." or ".." segment can pass) and each part path-encoded besides: the
 * id cannot reach another path of the API.
 */
export function endpointsPath(model: string): string {
  validateModelId(model);
  const slash = model.indexOf('/');
  const encode = (part: string) => encodeURIComponent(part).replace(/%3A/g, ':');
  return `/models/${encode(model.slice(0, slash))}/${encode(model.slice(slash + 1))}/endpoints`;
}

/**
 * Routing preferences as OpenRouter's API defines them: `max_price` values are decimal
 * strings there (USD per million tokens), while a config file naturally says `prompt: 1`.
 */
function wireRouting(routing: ProviderPreferences): ProviderPreferences {
  if (!routing.max_price) return routing;
  const maxPrice = Object.fromEntries(Object.entries(routing.max_price).map(([key, value]) => [key, typeof value === 'number' ? String(value) : value]));
  return { ...routing, max_price: maxPrice };
}

/** HTTP-Referer, the title and categories: OpenRouter's app attribution. */
function attributionHeaders(options: OpenRouterProviderOptions, env: Record<string, string | undefined>): Record<string, string> {
  const pick = (value: string | null | undefined, envName: string, fallback: string) =>
    value === null ? '' : value ?? (env[envName] || fallback);
  const headers: Record<string, string> = {};
  const referer = pick(options.httpReferer, 'OPENROUTER_HTTP_REFERER', OPENROUTER_DEFAULTS.httpReferer);
  const title = pick(options.xTitle, 'OPENROUTER_X_TITLE', OPENROUTER_DEFAULTS.xTitle);
  const categories = pick(options.categories, 'OPENROUTER_CATEGORIES', OPENROUTER_DEFAULTS.categories);
  if (referer) headers['http-referer'] = referer;
  // X-OpenRouter-Title is the current name; X-Title is still accepted, and older gateways know only it.
  if (title) headers['x-openrouter-title'] = headers['x-title'] = title;
  if (categories) headers['x-openrouter-categories'] = categories;
  return headers;
}
