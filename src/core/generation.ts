// OpenRouter's record of one answered request (GET /generation?id=gen-…): what it cost, which
// model and upstream served it, the tokens counted. The body comes from the network and its
// cost is stored and added up, so it is checked here before anything is passed on: a cost
// that is not a finite number of zero or more, or a record of another generation, is refused.
import { OpenRouterConnectionError } from './errors.js';

/** One generation's stats (openrouter-api.md §1.5, GenerationResponse in the spec). */
export interface Generation {
  id: string;
  /** Credits (≈ USD) the request cost: OpenRouter's own figure. */
  totalCost: number;
  model?: string;
  /** The upstream that served it ("OpenAI", "DeepInfra", …). */
  providerName?: string;
  tokensPrompt?: number;
  tokensCompletion?: number;
  nativeTokensPrompt?: number;
  nativeTokensCompletion?: number;
  /** What the prompt cache saved (negative: writes that cost more). */
  cacheDiscount?: number;
  /** ms */
  latency?: number;
  /** ms */
  generationTime?: number;
  finishReason?: string;
  cancelled?: boolean;
  isByok?: boolean;
}

/** A generation record is a few kilobytes; past this the body is refused unread. */
export const MAX_GENERATION_BODY_BYTES = 256 * 1024;
/** Generation ids are short (`gen-1764926476-0N0195qHFzGljvYKVijc`). */
const MAX_ID_LENGTH = 256;
const MAX_NAME_LENGTH = 200;

const asObject = (value: unknown): Record<string, unknown> | undefined =>
  value !== null && typeof value === 'object' && !Array.isArray(value) ? (value as Record<string, unknown>) : undefined;
const count = (value: unknown): number | undefined =>
  typeof value === 'number' && Number.isSafeInteger(value) && value >= 0 ? value : undefined;
const finite = (value: unknown): number | undefined => (typeof value === 'number' && Number.isFinite(value) ? value : undefined);
const name = (value: unknown): string | undefined =>
  typeof value === 'string' && value.length > 0 && value.length <= MAX_NAME_LENGTH ? value : undefined;

/** Whether `id` can be asked about: a short id with no spaces or control characters. */
export function isGenerationId(id: unknown): id is string {
  return typeof id === 'string' && id.length > 0 && id.length <= MAX_ID_LENGTH && /^[\x21-\x7e]+$/.test(id);
}

/**
 * The generation in a /generation body, for the generation `id` asked about. The cost must be a
 * finite number of zero or more; other fields that are not what the spec says are left out.
 */
export function checkedGeneration(body: Record<string, unknown>, id: string, label: string): Generation {
  const invalid = (what: string) => new OpenRouterConnectionError('protocol', `invalid response from ${label}: ${what}`);
  const data = asObject(body.data);
  if (!data) throw invalid('no generation data');
  if (data.id !== undefined && data.id !== id) throw invalid('the stats of another generation');
  const totalCost = data.total_cost;
  if (typeof totalCost !== 'number' || !Number.isFinite(totalCost) || totalCost < 0) {
    throw invalid("the generation's total_cost is not a number of zero or more");
  }
  const generation: Generation = { id, totalCost };
  const fields: Array<[keyof Generation, unknown]> = [
    ['model', name(data.model)],
    ['providerName', name(data.provider_name)],
    ['tokensPrompt', count(data.tokens_prompt)],
    ['tokensCompletion', count(data.tokens_completion)],
    ['nativeTokensPrompt', count(data.native_tokens_prompt)],
    ['nativeTokensCompletion', count(data.native_tokens_completion)],
    ['cacheDiscount', finite(data.cache_discount)],
    ['latency', finite(data.latency)],
    ['generationTime', finite(data.generation_time)],
    ['finishReason', name(data.finish_reason)],
    ['cancelled', typeof data.cancelled === 'boolean' ? data.cancelled : undefined],
    ['isByok', typeof data.is_byok === 'boolean' ? data.is_byok : undefined],
  ];
  for (const [field, value] of fields) if (value !== undefined) (generation as unknown as Record<string, unknown>)[field] = value;
  return generation;
}
