// The cost of one answered request, and where the figure came from: OpenRouter's own
// `usage.cost` (reported); else its record of the generation, GET /generation (looked_up);
// else catalogue prices × tokens (estimated); else none. Settled on the chat's event stream,
// before its last events are passed on, so that the usage line, --json and the recorded usage
// all carry the same figure and its `cost_source`.
import type { BaseProvider, Generation, StreamEvent, Usage } from '../../core/index.js';
import { CancelledError } from '../../core/index.js';
import type { Runtime } from '../runtime.js';
import { estimatedCost, type Prices, pricesOf } from './prices.js';

export type CostSource = 'reported' | 'looked_up' | 'estimated';
export const COST_SOURCES: readonly CostSource[] = ['reported', 'looked_up', 'estimated'];

/** What settling a cost may use. */
export interface CostSettling {
  /** The provider's generation look-up; undefined (or answering undefined): none. */
  lookUp?: ((id: string, signal: AbortSignal) => Promise<Generation | undefined>) | undefined;
  /** A model's catalogue prices; undefined (or answering undefined): no estimate. */
  prices?: ((model: string) => Promise<Prices | undefined>) | undefined;
  /** The model asked for, priced when the answer names none (or one the catalogue lacks). */
  model?: string | undefined;
  /** The run's signal: cancelling it cancels a look-up in flight. */
  signal?: AbortSignal | undefined;
  /** The longest a look-up may take in all (default LOOK_UP_TIMEOUT_MS); then the estimate. */
  lookUpTimeoutMs?: number;
  debug?: ((line: string) => void) | undefined;
}

/** A look-up waits for the stats (GENERATION_NOT_READY_DELAYS_MS) and retries failures: bounded here. */
export const LOOK_UP_TIMEOUT_MS = 15_000;

/** The cost the server reported: a finite number of zero or more, else undefined. */
export function reportedCost(usage: Usage | undefined): number | undefined {
  const cost = usage?.cost;
  return typeof cost === 'number' && Number.isFinite(cost) && cost >= 0 ? cost : undefined;
}

/** The source a usage's cost came from, as settled (an older usage with a cost: reported). */
export function costSourceOf(usage: Usage | undefined): CostSource | undefined {
  if (reportedCost(usage) === undefined) return undefined;
  const source = usage?.cost_source;
  return COST_SOURCES.includes(source as CostSource) ? (source as CostSource) : 'reported';
}

/** Which answer a usage belongs to: its generation id (when there was exactly one) and model. */
export interface AnswerIdentity {
  id?: string | undefined;
  model?: string | undefined;
}

/** The usage with its cost and `cost_source` settled; unchanged when no cost can be had. */
export async function settleCost(usage: Usage, answer: AnswerIdentity, how: CostSettling): Promise<Usage> {
  if (reportedCost(usage) !== undefined) return { ...usage, cost_source: 'reported' };
  const looked = answer.id && how.lookUp ? await lookedUp(answer.id, how) : undefined;
  if (looked !== undefined) return { ...usage, cost: looked, cost_source: 'looked_up' };
  const estimate = await estimated(usage, answer, how);
  if (estimate !== undefined) return { ...usage, cost: estimate, cost_source: 'estimated' };
  // An invalid cost (a string, a negative) is not passed on as if it were one.
  if (usage.cost !== undefined) {
    const { cost: _invalid, ...rest } = usage;
    return rest as Usage;
  }
  return usage;
}

async function lookedUp(id: string, how: CostSettling): Promise<number | undefined> {
  const timeout = AbortSignal.timeout(how.lookUpTimeoutMs ?? LOOK_UP_TIMEOUT_MS);
  const signal = how.signal ? AbortSignal.any([how.signal, timeout]) : timeout;
  try {
    const generation = await how.lookUp?.(id, signal);
    return generation?.totalCost;
  } catch (error) {
    // The user's cancel stops the run; anything else (not found, a bad body, a timeout) leaves the estimate.
    if (how.signal?.aborted) throw error instanceof CancelledError ? error : new CancelledError();
    how.debug?.(`cost of ${id} not looked up: ${(error as Error).message}`);
    return undefined;
  }
}

async function estimated(usage: Usage, answer: AnswerIdentity, how: CostSettling): Promise<number | undefined> {
  if (!how.prices) return undefined;
  const counted = (n: unknown) => typeof n === 'number' && Number.isFinite(n) && n >= 0;
  if (!counted(usage.prompt_tokens) || !counted(usage.completion_tokens)) return undefined;
  for (const model of new Set([answer.model, how.model])) {
    if (!model) continue;
    const prices = await how.prices(model);
    if (prices) {
      const cost = estimatedCost(prices, usage);
      return Number.isFinite(cost) ? cost : undefined;
    }
  }
  return undefined;
}

/**
 * The chat's event batches with the usage's cost settled. A usage with a reported cost is
 * marked and passed on at once; one without holds back the events from it on until the stream
 * ends, then goes with its cost looked up or estimated. Only OpenRouter's own answer is looked
 * up: not one a fallback provider gave, nor a run of several generations (tool steps), whose
 * summed usage no single record covers.
 */
export async function* withSettledCost(batches: AsyncIterable<StreamEvent[]>, how: CostSettling): AsyncIterable<StreamEvent[]> {
  /** From a usage without a cost on: that usage first. */
  let held: StreamEvent[] | undefined;
  const ids = new Set<string>();
  let model: string | undefined;
  let fellBack = false;
  try {
    for await (const batch of batches) {
      if (held) {
        held.push(...batch);
        continue;
      }
      let out = batch;
      for (let i = 0; i < batch.length; i++) {
        const event = batch[i] as StreamEvent;
        if (event.type === 'meta') {
          if (event.id) ids.add(event.id);
          model = event.model ?? model;
        } else if (event.type === 'fallback') {
          fellBack = true;
        } else if (event.type === 'usage') {
          if (reportedCost(event.usage) !== undefined) {
            out = out === batch ? [...batch] : out;
            out[i] = { type: 'usage', usage: { ...event.usage, cost_source: 'reported' } };
          } else {
            held = batch.slice(i);
            out = batch.slice(0, i);
            break;
          }
        }
      }
      if (out.length > 0) yield out;
    }
  } catch (error) {
    // The stream failed after its usage: what was held back is passed on as it came.
    if (held) yield held;
    throw error;
  }
  if (!held) return;
  for (const event of held) {
    if (event.type === 'done') {
      if (event.id) ids.add(event.id);
      model = event.model ?? model;
    }
  }
  const usageEvent = held[0] as Extract<StreamEvent, { type: 'usage' }>;
  const answer: AnswerIdentity = { ...(ids.size === 1 ? { id: [...ids][0] } : {}), ...(model ? { model } : {}) };
  const settling = fellBack ? { ...how, lookUp: undefined, prices: undefined } : how;
  held[0] = { type: 'usage', usage: await settleCost(usageEvent.usage, answer, settling) };
  yield held;
}

/** How a chat run settles its cost: the provider's look-up, and OpenRouter's catalogue prices. */
export function costSettling(runtime: Runtime, provider: BaseProvider, model: string | undefined, signal: AbortSignal): CostSettling {
  return {
    lookUp: (id, lookUpSignal) => provider.generation(id, { signal: lookUpSignal }),
    // The catalogue's prices are OpenRouter's: another server's models are not priced by them.
    prices: provider.id === 'openrouter' ? (name) => pricesOf(runtime, name) : undefined,
    model,
    signal,
    debug: runtime.debug,
  };
}
