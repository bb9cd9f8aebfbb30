// The most a request can cost, for the budget's check before it is sent: catalogue prices ×
// (the prompt's estimated tokens + the answer at its longest). Where the price is not known:
// - `:free` models, and entries priced 0 (the openrouter/free router), cost 0;
// - the offline provider and another provider's server on this machine (a loopback base URL:
//   Ollama, LM Studio) cost 0; OpenRouter is priced by its catalogue wherever it is reached;
// - on OpenRouter, a router or variable price ("-1": openrouter/auto) or a model the catalogue
//   lacks is priced at the catalogue's highest prompt and completion prices, the most any model
//   it could reach would cost;
// - otherwise (another remote provider, which publishes no prices; no catalogue to be had) the
//   price is unknown: undefined, which the guard refuses under a limit (exit 11, with a hint).
import { type ChatMessage, estimateTokens, type ModelInfo, type ToolDefinition } from '../../core/index.js';
import { loadCatalogue } from '../catalogue.js';
import { type Prices, pricesOfEntry, worstCaseCost } from '../cost/prices.js';
import type { Runtime } from '../runtime.js';

const FREE: Prices = { prompt: 0, completion: 0, request: 0 };

/** A base URL on this machine: a local server (Ollama, LM Studio, llama.cpp) charges nothing. */
export function isLoopback(endpoint: string): boolean {
  try {
    const host = new URL(endpoint).hostname.replace(/^\[|\]$/g, '');
    return host === 'localhost' || host === '::1' || /^127\.\d+\.\d+\.\d+$/.test(host);
  } catch {
    return false;
  }
}

/** The highest prices in the catalogue (field by field): what a router could reach. */
function ceilingOf(models: readonly ModelInfo[]): Prices | undefined {
  let ceiling: Prices | undefined;
  for (const entry of models) {
    const prices = pricesOfEntry(entry);
    if (!prices) continue;
    ceiling = ceiling
      ? { prompt: Math.max(ceiling.prompt, prices.prompt), completion: Math.max(ceiling.completion, prices.completion), request: Math.max(ceiling.request, prices.request) }
      : prices;
  }
  return ceiling;
}

/**
 * The prices to assume for each of `models` (the request's model and its fallbacks) from the
 * provider's catalogue of `kind`; undefined when any of them cannot be priced.
 */
export async function assumedPrices(
  runtime: Runtime,
  provider: { id: string; endpoint(): string },
  models: readonly string[],
  kind: 'models' | 'embeddings' = 'models',
): Promise<Prices[] | undefined> {
  if (provider.id !== 'openrouter') return provider.id === 'offline' || isLoopback(provider.endpoint()) ? models.map(() => FREE) : undefined;
  let catalogue: readonly ModelInfo[];
  try {
    catalogue = (await loadCatalogue(runtime, kind)).models;
  } catch (error) {
    runtime.debug?.(`no catalogue for the budget's prices: ${(error as Error).message}`);
    return undefined;
  }
  const prices: Prices[] = [];
  for (const model of models) {
    const entry = catalogue.find((m) => m.id === model) ?? catalogue.find((m) => m.id === model.replace(/:[\w-]+$/, ''));
    const known = model.endsWith(':free') ? FREE : pricesOfEntry(entry);
    const assumed = known ?? ceilingOf(catalogue);
    if (!assumed) return undefined;
    prices.push(assumed);
  }
  return prices;
}

/** Text sent as prompt tokens besides the messages' content: the tools offered, and the calls an assistant turn made. */
function toolTokens(messages: readonly ChatMessage[], tools: readonly ToolDefinition[] | undefined): number {
  const asText = (value: unknown) => estimateTokens({ role: 'user', content: JSON.stringify(value) });
  let tokens = tools && tools.length > 0 ? asText(tools) : 0;
  for (const message of messages) {
    if (message.role === 'assistant' && message.tool_calls && message.tool_calls.length > 0) tokens += asText(message.tool_calls);
  }
  return tokens;
}

/** The worst case of a chat request whose answer is served by one of `models` (its tools and tool calls count as prompt). */
export async function chatWorstCase(
  runtime: Runtime,
  provider: { id: string; endpoint(): string },
  request: { models: readonly string[]; messages: readonly ChatMessage[]; maxTokens: number; tools?: readonly ToolDefinition[] | undefined },
): Promise<number | undefined> {
  const prices = await assumedPrices(runtime, provider, request.models);
  if (!prices) return undefined;
  const promptTokens = request.messages.reduce((sum, message) => sum + estimateTokens(message), 0) + toolTokens(request.messages, request.tools);
  return Math.max(0, ...prices.map((p) => worstCaseCost(p, promptTokens, request.maxTokens)));
}

/** The worst case of one embeddings request of `texts` at `prices` (an embedding has no completion). */
export function embedWorstCase(prices: Prices, texts: readonly string[]): number {
  const tokens = texts.reduce((sum, text) => sum + estimateTokens({ role: 'user', content: text }), 0);
  return worstCaseCost(prices, tokens, 0);
}
