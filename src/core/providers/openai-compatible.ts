// One provider for every server that speaks OpenAI's chat-completions API, behind three
// presets: `local` (a gateway on this machine: Ollama, llama.cpp, vLLM…), `lmstudio` and
// `openai`. A preset is only defaults: base URL, the variables read, whether a key is needed.
// Local servers name their models as they like, so with no model configured the first one the
// server lists is used.
import { ConfigError } from '../errors.js';
import { checkedCatalogue } from '../internal/check-response.js';
import type { CallOptions, ChatRequest, KeyInfo,
  ListModelsOptions, ModelInfo } from '../types.js';
import { checkAnyModelId, HttpProvider, type HttpProfile, type HttpProviderOptions } from './http-provider.js';

/**
 * A server on this machine may load the model before it answers at all (LM Studio and Ollama
 * load on first use, tens of seconds for a large one) and reads a long prompt slowly on a CPU:
 * OpenRouter's 10 s for the response headers, 60 s to the first token and 60 s for a whole
 * non-streaming answer would give up on it. It also writes slowly: 4096 tokens at 3 a second
 * take more than OpenRouter's 600 s for a whole streamed answer.
 */
const LOCAL_TIMEOUTS = { callTimeout: 120, firstTokenTimeout: 300, timeout: 300, streamTimeout: 3600 };

export const COMPATIBLE_PRESETS = {
  local: {
    label: 'the local server',
    baseUrl: 'http://localhost:11434/v1',
    model: null,
    embeddingModel: null,
    env: { apiKey: 'DEVSYNTH_LOCAL_API_KEY', model: 'DEVSYNTH_LOCAL_MODEL', baseUrl: 'DEVSYNTH_LOCAL_BASE_URL' },
    keyRequired: false,
    timeouts: LOCAL_TIMEOUTS,
  },
  lmstudio: {
    label: 'LM Studio',
    baseUrl: 'http://localhost:1234/v1',
    model: null,
    embeddingModel: null,
    env: { apiKey: 'LMSTUDIO_API_KEY', model: 'LMSTUDIO_MODEL', baseUrl: 'LMSTUDIO_BASE_URL' },
    keyRequired: false,
    timeouts: LOCAL_TIMEOUTS,
  },
  openai: {
    label: 'OpenAI',
    baseUrl: 'https://api.openai.com/v1',
    model: 'gpt-4o-mini',
    embeddingModel: 'text-embedding-3-small',
    env: { apiKey: 'OPENAI_API_KEY', model: 'OPENAI_MODEL', baseUrl: 'OPENAI_BASE_URL' },
    keyRequired: true,
  },
} as const satisfies Record<string, Omit<HttpProfile, 'id' | 'keyHint' | 'checkModelId' | 'defaultRequestsPerMinute'>>;

export type CompatiblePreset = keyof typeof COMPATIBLE_PRESETS;

export interface OpenAICompatibleProviderOptions extends HttpProviderOptions {
  /** Which defaults: `local` (default), `lmstudio` or `openai`. */
  preset?: CompatiblePreset;
  /** Shown in messages instead of the preset's name. */
  label?: string;
}

const looksLikeEmbeddingModel = (id: string) => /embed/i.test(id);

export class OpenAICompatibleProvider extends HttpProvider {
  private discovered?: Promise<{ models: ModelInfo[]; skipped: number }>;

  constructor(options: OpenAICompatibleProviderOptions = {}) {
    const name = options.preset ?? 'local';
    const preset = COMPATIBLE_PRESETS[name];
    if (!preset) throw new ConfigError(`unknown OpenAI-compatible preset "${String(name)}" (known: ${Object.keys(COMPATIBLE_PRESETS).join(', ')})`);
    const keyVariable = preset.env.apiKey;
    super(options, {
      ...preset,
      id: name,
      label: options.label ?? preset.label,
      keyHint: `export ${keyVariable}=… or set llm.providers.${name}.api_key: "\${${keyVariable}}" in the config`,
      rejectedKeyHint: `check ${keyVariable} (or llm.providers.${name}.api_key)`,
      serverHint: `${options.label ?? preset.label} is failing; try again later, or add a provider to llm.fallback`,
      networkHint: (baseUrl) =>
        `is ${options.label ?? preset.label} running and serving ${baseUrl}? (set ${preset.env.baseUrl} or llm.providers.${name}.base_url)`,
      checkModelId: checkAnyModelId,
      defaultRequestsPerMinute: () => undefined,
    });
  }

  /** Only what OpenAI's API defines: OpenRouter's `models` and `provider` would be refused. */
  protected override adjustBody(body: Record<string, unknown>, request: ChatRequest): Record<string, unknown> {
    delete body.models;
    delete body.provider;
    delete body.reasoning;
    delete body.plugins;
    // Without it OpenAI-style servers send no usage in a stream.
    if (body.stream === true && !request.extra?.stream_options) body.stream_options = { include_usage: true };
    return body;
  }

  override async resolveModel(options: CallOptions = {}): Promise<string> {
    if (this.model) return this.model;
    const model = (await this.served(options.signal)).models.find((m) => !looksLikeEmbeddingModel(m.id));
    if (!model) throw this.noModel('model', 'load a model in the server');
    this.debug?.(`${this.id}: no model configured, using ${model.id}, the first the server lists`);
    return model.id;
  }

  override async resolveEmbeddingModel(options: CallOptions = {}): Promise<string> {
    if (this.embeddingModel) return this.embeddingModel;
    const model = (await this.served(options.signal)).models.find((m) => looksLikeEmbeddingModel(m.id));
    if (!model) throw this.noModel('embedding_model', 'load an embedding model in the server');
    return model.id;
  }

  /** GET /models, normalised: these servers list ids only, without prices or context sizes. */
  override async listModels(options: ListModelsOptions = {}): Promise<ModelInfo[]> {
    const { models, skipped } = await this.served(options.signal);
    if (skipped > 0) options.onSkipped?.(skipped);
    return models.filter((m) => looksLikeEmbeddingModel(m.id) === Boolean(options.embeddings));
  }

  /** These servers have no key endpoint; status shows what is known. */
  override async getKeyInfo(): Promise<KeyInfo> {
    return { label: `${this.profile.label}: no key details (this server has no /key endpoint)`, limit: null };
  }

  private served(signal?: AbortSignal): Promise<{ models: ModelInfo[]; skipped: number }> {
    this.discovered ??= this.call('GET', '/models', signal ? { signal } : {})
      .then((response) => {
        const { models, skipped } = checkedCatalogue(response.data);
        return { models: models.map(toModelInfo(this.id)), skipped };
      })
      .catch((error: unknown) => {
        this.discovered = undefined;
        throw error;
      });
    return this.discovered;
  }

  private noModel(setting: string, advice: string): ConfigError {
    return new ConfigError(`no ${setting.replace('_', ' ')} set for ${this.profile.label}, and the server lists none (GET /models)`, {
      hint: `${advice}, or set llm.providers.${this.id}.${setting} (or -m)`,
    });
  }
}

function toModelInfo(provider: string) {
  // A model on one's own machine costs nothing per token; OpenAI's prices are not in its list.
  const price = provider === 'openai' ? '-1' : '0';
  return (entry: ModelInfo): ModelInfo => ({
    ...entry,
    id: entry.id,
    name: entry.id,
    context_length: typeof entry.context_length === 'number' ? entry.context_length : null,
    pricing: { prompt: price, completion: price },
  });
}
