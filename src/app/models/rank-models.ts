// The one ranking engine behind `models recommend` and `chat -m auto`: the catalogue's chat
// models that meet the needs (capabilities, context) and the constraints (--max-price,
// --min-context, --free), in the order of a policy, each with the reasons it is there.
//
// The catalogue has prices, context lengths, modalities, supported parameters and a creation
// date; it has no speed or quality figures, and none are invented here. The policies are
// proxies from what it has, said as they are:
//
// - cheapest: the prompt price, then the completion price (free models first), then the
//   larger context.
// - fastest: `:nitro` variants first (OpenRouter sends them to its highest-throughput
//   providers); then models the id or name says are small (mini, nano, flash, haiku, lite,
//   small, tiny, instant, turbo, or at most 15B parameters); then the rest. Within each, paid
//   before `:free` variants (free capacity is shared and rate-limited), then the cheaper output
//   (a cheaper token is, on the whole, a smaller model's).
// - best: a score of price tier (what providers charge tracks model size: 0 free, 1 under
//   $0.50/M, 2 under $3/M, 3 above; weight 3), recency (`created` within 6 months of the
//   newest model: 2, within 18 months: 1; weight 2), capabilities (one point each of tools,
//   vision, pdf, audio, structured, reasoning) and context (1 for 100k, 2 for 200k, 3 for 1M
//   tokens); a code task adds 2 to models named for code. Ties: newer, then cheaper.
//
// Every order ends with the id (code-point order), so the same catalogue in any order gives
// the same list. Routers (openrouter/*, the "Router" tokenizer, variable "-1" prices) and
// models that do not answer in text (embeddings, image generators) are never candidates.
import type { ModelInfo } from '../../core/index.js';
import { isFree, perMillion } from '../list-models.js';
import { CAPABILITIES, type Capability, capabilitiesOf, supports } from './capabilities.js';

export const POLICIES = ['cheapest', 'fastest', 'best'] as const;
export type Policy = (typeof POLICIES)[number];

export interface Needs {
  capabilities: readonly Capability[];
  /** Tokens the model's context must hold (the prompt and the answer, or a long document). */
  contextTokens?: number;
  /** What the context need is, for a message: "~12000 prompt tokens + 4096 for the answer". */
  contextLabel?: string;
  /** A code task: models named for code are preferred. */
  code?: boolean;
}

export interface Constraints {
  /** USD per million prompt tokens. */
  maxPrice?: number | undefined;
  minContext?: number | undefined;
  free?: boolean | undefined;
}

export interface RankedModel {
  id: string;
  name: string;
  /** USD per million tokens. */
  promptPrice: number;
  completionPrice: number;
  context: number | undefined;
  capabilities: Capability[];
  free: boolean;
  /** The `:free` variant of this model in the catalogue, if there is one. */
  freeVariant?: string;
  reasons: string[];
}

export interface Ranking {
  policy: Policy;
  candidates: RankedModel[];
  /** The chat models looked at (routers and non-text models are not). */
  considered: number;
  /** Each need or constraint that ruled models out, with how many; the most first. */
  excluded: Array<{ constraint: string; count: number }>;
}

const SMALL_WORDS = /(?:^|[^a-z])(mini|nano|micro|tiny|small|lite|flash|haiku|instant|turbo)(?![a-z])/i;
const PARAMETERS = /(?:^|[^a-z0-9.])(\d+(?:\.\d+)?)b(?![a-z0-9])/i;
const CODE_WORDS = /(?:^|[^a-z])(code|coder|codex|codestral|devstral|codegemma)(?![a-z])/i;
const SMALL_BILLIONS = 15;
const DAY_S = 86_400;

const byId = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);

/** Never a candidate: a router, a variable or unreadable price, or no text out. */
export function isRankable(model: ModelInfo): boolean {
  if (model.id.startsWith('openrouter/') || model.architecture?.tokenizer === 'Router') return false;
  if (perMillion(model.pricing?.prompt) === undefined || perMillion(model.pricing?.completion) === undefined) return false;
  const out = model.architecture?.output_modalities;
  return !Array.isArray(out) || out.includes('text');
}

export function contextOf(model: ModelInfo): number | undefined {
  const value = model.context_length ?? model.top_provider?.context_length;
  return typeof value === 'number' && value > 0 ? value : undefined;
}

/** 131072 → "131k", 1048576 → "1.05M". */
export function formatTokens(tokens: number): string {
  if (tokens >= 1_000_000) return `${Number((tokens / 1_000_000).toFixed(2))}M`;
  if (tokens >= 1_000) return `${Math.round(tokens / 1_000)}k`;
  return String(tokens);
}

export function formatUsd(perM: number): string {
  return perM >= 1 ? perM.toFixed(2) : String(Number(perM.toPrecision(3)));
}

/** What the id or name says about speed: "nitro variant", "small model (mini)", or undefined. */
function speedHint(model: ModelInfo): { tier: number; text?: string } {
  if (model.id.endsWith(':nitro')) return { tier: 0, text: 'nitro variant (highest-throughput providers)' };
  const label = `${model.id} ${model.name ?? ''}`;
  const word = SMALL_WORDS.exec(label)?.[1];
  if (word) return { tier: 1, text: `small model (${word.toLowerCase()})` };
  const billions = Number(PARAMETERS.exec(model.id)?.[1]);
  if (Number.isFinite(billions) && billions <= SMALL_BILLIONS) return { tier: 1, text: `small model (${billions}B)` };
  return { tier: 2 };
}

const priceTier = (promptPrice: number): number => (promptPrice === 0 ? 0 : promptPrice < 0.5 ? 1 : promptPrice < 3 ? 2 : 3);
const contextTier = (context: number | undefined): number => (!context ? 0 : context >= 1_000_000 ? 3 : context >= 200_000 ? 2 : context >= 100_000 ? 1 : 0);
const createdOf = (model: ModelInfo): number => (typeof model.created === 'number' && Number.isFinite(model.created) ? model.created : 0);

/** The reasons a need or constraint rules `model` out (empty: it fits). */
function misfits(model: ModelInfo, needs: Needs, constraints: Constraints): string[] {
  const out: string[] = [];
  for (const capability of needs.capabilities) if (!supports(model, capability)) out.push(`needs ${capability}`);
  const context = contextOf(model);
  if (needs.contextTokens !== undefined && (context === undefined || context < needs.contextTokens)) {
    out.push(needs.contextLabel ?? `needs ${needs.contextTokens} tokens of context`);
  }
  if (constraints.minContext !== undefined && (context === undefined || context < constraints.minContext)) out.push(`--min-context ${constraints.minContext}`);
  if (constraints.maxPrice !== undefined && (perMillion(model.pricing.prompt) ?? Number.POSITIVE_INFINITY) > constraints.maxPrice) out.push(`--max-price ${constraints.maxPrice}`);
  if (constraints.free && !isFree(model)) out.push('--free');
  return out;
}

interface Scored extends RankedModel {
  model: ModelInfo;
  keys: Array<number | string>;
}

export function rankModels(catalogue: readonly ModelInfo[], needs: Needs, constraints: Constraints, policy: Policy): Ranking {
  const chat = catalogue.filter(isRankable);
  const ids = new Set(chat.map((model) => model.id));
  const newest = chat.reduce((max, model) => Math.max(max, createdOf(model)), 0);
  const counts = new Map<string, number>();
  const scored: Scored[] = [];
  for (const model of chat) {
    const reasons = misfits(model, needs, constraints);
    for (const reason of new Set(reasons)) counts.set(reason, (counts.get(reason) ?? 0) + 1);
    if (reasons.length === 0) scored.push(score(model, needs, policy, ids, newest));
  }
  scored.sort((a, b) => compareKeys(a.keys, b.keys));
  // The need or constraint that ruled out the most first; the order they are checked in breaks ties.
  const order = [...counts.keys()];
  const excluded = [...counts.entries()].map(([constraint, count]) => ({ constraint, count })).sort((a, b) => b.count - a.count || order.indexOf(a.constraint) - order.indexOf(b.constraint));
  return { policy, considered: chat.length, excluded, candidates: scored.map(({ model: _model, keys: _keys, ...ranked }) => ranked) };
}

function compareKeys(a: ReadonlyArray<number | string>, b: ReadonlyArray<number | string>): number {
  for (let i = 0; i < Math.max(a.length, b.length); i++) {
    const x = a[i] ?? 0;
    const y = b[i] ?? 0;
    if (x === y) continue;
    if (typeof x === 'string' || typeof y === 'string') return byId(String(x), String(y));
    return x - y;
  }
  return 0;
}

function score(model: ModelInfo, needs: Needs, policy: Policy, ids: ReadonlySet<string>, newest: number): Scored {
  const promptPrice = perMillion(model.pricing.prompt) ?? 0;
  const completionPrice = perMillion(model.pricing.completion) ?? 0;
  const context = contextOf(model);
  const capabilities = capabilitiesOf(model);
  const free = isFree(model);
  const variant = model.id.includes(':') ? undefined : `${model.id}:free`;
  const freeVariant = variant && ids.has(variant) ? variant : undefined;
  const codeNamed = Boolean(needs.code) && CODE_WORDS.test(`${model.id} ${model.name ?? ''}`);

  const reasons = [free ? 'free' : `$${formatUsd(promptPrice)}/M in, $${formatUsd(completionPrice)}/M out`];
  if (freeVariant) reasons.push(`also free as ${freeVariant}`);
  if (context) reasons.push(`${formatTokens(context)} context`);
  const needed = needs.capabilities.filter((capability) => capabilities.includes(capability));
  if (needed.length) reasons.push(`has ${needed.join(', ')}`);
  if (codeNamed) reasons.push('named for code');

  let keys: Array<number | string>;
  if (policy === 'cheapest') {
    keys = [promptPrice, completionPrice, codeNamed ? 0 : 1, -(context ?? 0)];
  } else if (policy === 'fastest') {
    const speed = speedHint(model);
    if (speed.text) reasons.push(speed.text);
    if (model.id.endsWith(':free')) reasons.push('free capacity is shared (slower)');
    keys = [speed.tier, model.id.endsWith(':free') ? 1 : 0, codeNamed ? 0 : 1, completionPrice, promptPrice];
  } else {
    const created = createdOf(model);
    const age = newest - created;
    const recency = created === 0 ? 0 : age <= 183 * DAY_S ? 2 : age <= 548 * DAY_S ? 1 : 0;
    if (recency === 2) reasons.push(`recent (${new Date(created * 1000).toISOString().slice(0, 7)})`);
    const points = 3 * priceTier(promptPrice) + 2 * recency + capabilities.length + contextTier(context) + (codeNamed ? 2 : 0);
    reasons.push(`score ${points} (price tier, recency, ${capabilities.length}/${CAPABILITIES.length} capabilities, context)`);
    keys = [-points, -created, promptPrice];
  }
  keys.push(model.id);
  return { model, keys, id: model.id, name: model.name ?? model.id, promptPrice, completionPrice, context, capabilities, free, ...(freeVariant ? { freeVariant } : {}), reasons };
}
