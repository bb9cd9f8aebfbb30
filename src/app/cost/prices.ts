// What a model costs, from the catalogue's prices (USD per token, as decimal strings): the
// worst case of a request before it is sent (the budget's check) and an estimate of one that
// was answered without a reported cost. Routers and variable prices ("-1") have no price here.
import type { ModelInfo, Usage } from '../../core/index.js';
import { loadCatalogue } from '../catalogue.js';
import type { Runtime } from '../runtime.js';

/** USD per token. */
export interface Prices {
  prompt: number;
  completion: number;
  /** USD per request, where the catalogue lists one. */
  request: number;
}

/** A price the catalogue gives as a decimal string: a finite number of 0 or more, else none. */
function perToken(value: unknown): number | undefined {
  const number = typeof value === 'string' && value.trim() !== '' ? Number(value) : typeof value === 'number' ? value : Number.NaN;
  return Number.isFinite(number) && number >= 0 ? number : undefined;
}

/** The prices of one catalogue entry; undefined when they are unknown or variable. */
export function pricesOfEntry(entry: ModelInfo | undefined): Prices | undefined {
  if (!entry) return undefined;
  const prompt = perToken(entry.pricing?.prompt);
  const completion = perToken(entry.pricing?.completion);
  if (prompt === undefined || completion === undefined) return undefined;
  return { prompt, completion, request: perToken(entry.pricing?.request) ?? 0 };
}

/**
 * The prices of `model` from the catalogue (the cached copy while fresh, else fetched);
 * undefined when the model is not in it or its price is variable, or no catalogue can be had.
 * The model's `:variant` suffix is tried as is, then without it (`:free` is priced 0 by its own entry).
 */
export async function pricesOf(runtime: Runtime, model: string): Promise<Prices | undefined> {
  try {
    const { models } = await loadCatalogue(runtime, 'models');
    const entry = models.find((m) => m.id === model) ?? models.find((m) => m.id === model.replace(/:[\w-]+$/, ''));
    return pricesOfEntry(entry);
  } catch (error) {
    runtime.debug?.(`no catalogue for prices: ${(error as Error).message}`);
    return undefined;
  }
}

/** The most a request can cost: every prompt token, and the answer at its longest. */
export function worstCaseCost(prices: Prices, promptTokens: number, maxTokens: number): number {
  return prices.request + prices.prompt * promptTokens + prices.completion * maxTokens;
}

/** What an answered request cost at catalogue prices, from its token counts. */
export function estimatedCost(prices: Prices, usage: Pick<Usage, 'prompt_tokens' | 'completion_tokens'>): number {
  return prices.request + prices.prompt * usage.prompt_tokens + prices.completion * usage.completion_tokens;
}
