// A small catalogue in the shape of real GET /models entries: a free variant, the free router
// and a router with "-1" (variable) prices, a model with a null context length, and a
// small-context model for pruning tests.
type Json = Record<string, unknown>;

interface ModelSpec {
  id: string;
  name: string;
  context: number | null;
  prompt: string;
  completion: string;
  tokenizer?: string;
  output?: string[];
  /** architecture.input_modalities (default text only). */
  input?: string[];
  maxCompletion?: number | null;
  /** More supported_parameters than the common five (structured_outputs, response_format). */
  parameters?: string[];
  /** Unix seconds (default 1750000000). */
  created?: number;
}

export function catalogueEntry(spec: ModelSpec): Json {
  const [author, slug] = spec.id.split('/');
  const output = spec.output ?? ['text'];
  return {
    id: spec.id,
    canonical_slug: spec.id.replace(/:.*$/, ''),
    hugging_face_id: null,
    name: spec.name,
    created: spec.created ?? 1750000000,
    description: `${spec.name} (fake catalogue entry)`,
    context_length: spec.context,
    architecture: {
      modality: `${(spec.input ?? ['text']).join('+')}->${output[0]}`,
      input_modalities: spec.input ?? ['text'],
      output_modalities: output,
      tokenizer: spec.tokenizer ?? 'Other',
      instruct_type: null,
    },
    pricing: { prompt: spec.prompt, completion: spec.completion },
    top_provider: { context_length: spec.context, max_completion_tokens: spec.maxCompletion ?? null, is_moderated: false },
    per_request_limits: null,
    supported_parameters: ['temperature', 'max_tokens', 'top_p', 'stop', 'seed', ...(spec.parameters ?? [])],
    default_parameters: null,
    supported_voices: null,
    links: { details: `/api/v1/models/${author}/${slug}/endpoints` },
  };
}

export function defaultModels(): Json[] {
  return [
    catalogueEntry({ id: 'openrouter/free', name: 'Free Models Router', context: 200000, prompt: '0', completion: '0', tokenizer: 'Router' }),
    catalogueEntry({ id: 'openrouter/auto', name: 'Auto Router', context: 2000000, prompt: '-1', completion: '-1', tokenizer: 'Router' }),
    catalogueEntry({ id: 'openai/gpt-4o-mini', name: 'OpenAI: GPT-4o-mini', context: 128000, prompt: '0.00000015', completion: '0.0000006', tokenizer: 'GPT', maxCompletion: 16384, input: ['text', 'image', 'file'] }),
    catalogueEntry({ id: 'openai/gpt-4', name: 'OpenAI: GPT-4', context: 8191, prompt: '0.00003', completion: '0.00006', tokenizer: 'GPT', maxCompletion: 4096 }),
    catalogueEntry({ id: 'meta-llama/llama-3.3-70b-instruct:free', name: 'Meta: Llama 3.3 70B Instruct (free)', context: 131072, prompt: '0', completion: '0', tokenizer: 'Llama3' }),
    catalogueEntry({ id: 'anthropic/claude-haiku-4.5', name: 'Anthropic: Claude Haiku 4.5', context: 200000, prompt: '0.000001', completion: '0.000005', tokenizer: 'Claude', maxCompletion: 64000, input: ['text', 'image', 'file'] }),
    catalogueEntry({ id: 'tiny/context-model', name: 'Tiny: 4k context', context: 4096, prompt: '0.0000001', completion: '0.0000002' }),
    catalogueEntry({ id: 'mystery/no-context', name: 'Mystery: unknown context', context: null, prompt: '0.000001', completion: '0.000002' }),
  ];
}

/**
 * Two models for --schema (not in the default list, whose counts other tests rely on): one with
 * structured outputs (json_schema), one with JSON mode only (json_object + the schema in the
 * system prompt).
 */
export function structuredOutputModels(): Json[] {
  return [
    catalogueEntry({ id: 'openai/gpt-4.1-nano', name: 'OpenAI: GPT-4.1 Nano', context: 1047576, prompt: '0.0000001', completion: '0.0000004', tokenizer: 'GPT', parameters: ['response_format', 'structured_outputs'] }),
    catalogueEntry({ id: 'mistralai/json-mode-only', name: 'Mistral: JSON mode only', context: 32768, prompt: '0.0000002', completion: '0.0000006', parameters: ['response_format'] }),
  ];
}

/**
 * A catalogue with known answers for `models recommend` and `-m auto` (rank-models.ts), kept
 * apart from the default list. With no needs, the orders are:
 * - cheapest: llama-70b:free, legacy-4k, qwen3-coder-8b, mini-3, mini-3:nitro, llama-70b, mid-2, giant-pro
 * - fastest: mini-3:nitro, qwen3-coder-8b, mini-3, legacy-4k, llama-70b, mid-2, giant-pro, llama-70b:free
 * - best: giant-pro, mid-2, mini-3, mini-3:nitro, qwen3-coder-8b, llama-70b, llama-70b:free, legacy-4k
 * The two routers and the embedding model are never candidates.
 */
export function rankingModels(): Json[] {
  const all = ['tools', 'structured_outputs', 'reasoning'];
  return [
    catalogueEntry({ id: 'openrouter/auto', name: 'Auto Router', context: 2000000, prompt: '-1', completion: '-1', tokenizer: 'Router', created: 1770000000 }),
    catalogueEntry({ id: 'openrouter/free', name: 'Free Models Router', context: 200000, prompt: '0', completion: '0', tokenizer: 'Router', created: 1770000000 }),
    catalogueEntry({ id: 'acme/embed-1', name: 'Acme: Embed 1', context: 8192, prompt: '0.00000001', completion: '0', output: ['embeddings'], created: 1770000000 }),
    catalogueEntry({ id: 'acme/giant-pro', name: 'Acme: Giant Pro', context: 200000, prompt: '0.000015', completion: '0.00006', input: ['text', 'image', 'file'], parameters: all, created: 1760000000 }),
    catalogueEntry({ id: 'acme/mid-2', name: 'Acme: Mid 2', context: 1048576, prompt: '0.0000025', completion: '0.00001', input: ['text', 'image'], parameters: ['tools', 'structured_outputs'], created: 1758000000 }),
    catalogueEntry({ id: 'acme/mini-3', name: 'Acme: Mini 3', context: 128000, prompt: '0.0000001', completion: '0.0000004', input: ['text', 'image'], parameters: ['tools'], created: 1757000000 }),
    catalogueEntry({ id: 'acme/mini-3:nitro', name: 'Acme: Mini 3 (nitro)', context: 128000, prompt: '0.0000002', completion: '0.0000008', input: ['text', 'image'], parameters: ['tools'], created: 1757000000 }),
    catalogueEntry({ id: 'meta/llama-70b-instruct', name: 'Meta: Llama 70B Instruct', context: 131072, prompt: '0.0000003', completion: '0.0000004', parameters: ['tools'], created: 1720000000 }),
    catalogueEntry({ id: 'meta/llama-70b-instruct:free', name: 'Meta: Llama 70B Instruct (free)', context: 131072, prompt: '0', completion: '0', created: 1720000000 }),
    catalogueEntry({ id: 'qwen/qwen3-coder-8b', name: 'Qwen: Qwen3 Coder 8B', context: 32768, prompt: '0.00000005', completion: '0.0000002', parameters: ['tools'], created: 1758000000 }),
    catalogueEntry({ id: 'old/legacy-4k', name: 'Old: Legacy 4k', context: 4096, prompt: '0.00000002', completion: '0.00000002', created: 1600000000 }),
  ];
}

export function defaultEmbeddingModels(): Json[] {
  return [
    catalogueEntry({ id: 'openai/text-embedding-3-small', name: 'OpenAI: Text Embedding 3 Small', context: 8192, prompt: '0.00000002', completion: '0', tokenizer: 'GPT', output: ['embeddings'] }),
    catalogueEntry({ id: 'openai/text-embedding-3-large', name: 'OpenAI: Text Embedding 3 Large', context: 8192, prompt: '0.00000013', completion: '0', tokenizer: 'GPT', output: ['embeddings'] }),
    catalogueEntry({ id: 'qwen/qwen3-embedding-0.6b', name: 'Qwen: Qwen3 Embedding 0.6B', context: 32768, prompt: '0.00000001', completion: '0', tokenizer: 'Qwen3', output: ['embeddings'] }),
  ];
}

export function defaultKeyInfo(): Json {
  return {
    label: 'sk-or-v1-tes...0000',
    limit: 10,
    limit_remaining: 7.5,
    limit_reset: 'monthly',
    include_byok_in_limit: false,
    usage: 2.5,
    usage_daily: 0.1,
    usage_weekly: 0.7,
    usage_monthly: 2.5,
    byok_usage: 0,
    byok_usage_daily: 0,
    byok_usage_weekly: 0,
    byok_usage_monthly: 0,
    is_free_tier: false,
    is_management_key: false,
    is_provisioning_key: false,
    creator_user_id: null,
    expires_at: null,
    rate_limit: { requests: -1, interval: '10s', note: 'This field is deprecated and safe to ignore.' },
  };
}

interface EndpointSpec {
  provider: string;
  tag?: string;
  context: number;
  prompt: string;
  completion: string;
  quantization?: string | null;
  uptime?: number | null;
  /** Throughput (tokens/s) and latency (ms) p50s; null: not reported (as without a key). */
  throughput?: number | null;
  latency?: number | null;
  status?: number;
}

/** One entry of GET /models/{author}/{slug}/endpoints, in the spec's PublicEndpoint shape. */
export function endpointEntry(model: Json, spec: EndpointSpec): Json {
  const stats = (p50: number | null | undefined, slower: number) =>
    p50 === null || p50 === undefined ? null : { p50, p75: p50 * slower, p90: p50 * slower * slower, p99: p50 * slower * slower * slower };
  return {
    name: `${spec.provider} | ${String(model.id)}`,
    model_id: model.id,
    model_name: model.name,
    context_length: spec.context,
    pricing: { prompt: spec.prompt, completion: spec.completion, request: '0', image: '0' },
    provider_name: spec.provider,
    tag: spec.tag ?? spec.provider.toLowerCase().replace(/\s+/g, '-'),
    quantization: spec.quantization === undefined ? 'unknown' : spec.quantization,
    max_completion_tokens: (model.top_provider as Json | undefined)?.max_completion_tokens ?? null,
    max_prompt_tokens: null,
    supported_parameters: model.supported_parameters,
    status: spec.status ?? 0,
    uptime_last_30m: spec.uptime === undefined ? 100 : spec.uptime,
    uptime_last_5m: spec.uptime === undefined ? 100 : spec.uptime,
    uptime_last_1d: spec.uptime === undefined ? 99.9 : spec.uptime,
    supports_implicit_caching: false,
    latency_last_30m: stats(spec.latency, 1.4),
    throughput_last_30m: stats(spec.throughput, 0.8),
  };
}

/**
 * Who serves each model of defaultModels(): known answers for `models --served-by` (Groq serves
 * exactly the free Llama and tiny/context-model) and for `models show`'s providers table. The
 * routers are served by no one in particular (an empty list, as OpenRouter answers for them).
 */
export function defaultEndpoints(models: Json[] = defaultModels()): Record<string, Json[]> {
  const byId = new Map(models.map((model) => [String(model.id), model]));
  const at = (id: string, specs: EndpointSpec[]): [string, Json[]] => {
    const model = byId.get(id);
    return [id, model ? specs.map((spec) => endpointEntry(model, spec)) : []];
  };
  return Object.fromEntries([
    at('openrouter/free', []),
    at('openrouter/auto', []),
    at('openai/gpt-4o-mini', [
      { provider: 'OpenAI', context: 128000, prompt: '0.00000015', completion: '0.0000006', throughput: 61.5, latency: 420, uptime: 99.7 },
      { provider: 'Azure', context: 128000, prompt: '0.00000015', completion: '0.0000006', throughput: 88.2, latency: 1650, uptime: 98.25, status: -1 },
    ]),
    at('openai/gpt-4', [{ provider: 'OpenAI', context: 8191, prompt: '0.00003', completion: '0.00006', throughput: null, latency: null }]),
    at('meta-llama/llama-3.3-70b-instruct:free', [
      { provider: 'Groq', context: 131072, prompt: '0', completion: '0', quantization: 'fp16', throughput: 310, latency: 180 },
    ]),
    at('anthropic/claude-haiku-4.5', [
      { provider: 'Anthropic', context: 200000, prompt: '0.000001', completion: '0.000005', throughput: 95, latency: 700 },
      { provider: 'Amazon Bedrock', tag: 'amazon-bedrock', context: 200000, prompt: '0.000001', completion: '0.000005', throughput: 70, latency: 900 },
      { provider: 'Google', tag: 'google-vertex', context: 200000, prompt: '0.0000011', completion: '0.0000055', throughput: 80, latency: 850 },
    ]),
    at('tiny/context-model', [
      { provider: 'DeepInfra', context: 4096, prompt: '0.0000001', completion: '0.0000002', quantization: 'fp8' },
      { provider: 'Groq', context: 4096, prompt: '0.00000012', completion: '0.00000024', quantization: 'fp16' },
    ]),
    at('mystery/no-context', [{ provider: 'DeepInfra', context: 32768, prompt: '0.000001', completion: '0.000002', quantization: null, uptime: null }]),
  ]);
}

/** GET /models/{author}/{slug}/endpoints's body for `model`, with `endpoints` as the list. */
export function endpointsBody(model: Json, endpoints: Json[]): Json {
  return {
    data: {
      id: model.id,
      name: model.name,
      created: model.created,
      description: model.description,
      architecture: model.architecture,
      endpoints,
    },
  };
}
