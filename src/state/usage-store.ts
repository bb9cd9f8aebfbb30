// Accumulated usage and cost per day and model, for `status`.
import * as z from '../config/zod.js';
import type { Usage } from '../core/index.js';
import { defaultWarn, JsonStore, type Warn } from './json-store.js';

const countsSchema = z.object({
  requests: z.number(),
  prompt_tokens: z.number(),
  completion_tokens: z.number(),
  cost: z.number(),
});
const totalsSchema = z.object({
  ...countsSchema.shape,
  /** The same figures by the upstream that served the model (OpenRouter names it); absent in older files. */
  by_provider: z.optional(z.record(z.string(), countsSchema)),
});
export type UsageCounts = z.infer<typeof countsSchema>;
export type UsageTotals = z.infer<typeof totalsSchema>;

/** The longest provider name kept as a key (a server names it). */
const MAX_PROVIDER_NAME = 200;

/** days["2026-11-24"]["openai/gpt-4o"] = totals (and totals.by_provider["OpenAI"]) */
const fileSchema = z.object({ days: z.record(z.string(), z.record(z.string(), totalsSchema)) });
type UsageFile = z.infer<typeof fileSchema>;

const COUNTED = ['prompt_tokens', 'completion_tokens', 'cost'] as const;

/** Those already told, this run, that a server's usage had fields not counted: once is enough. */
const toldInvalid = new WeakSet<Warn>();

/**
 * The usage figures that can be added up: a count or a cost from the network that is not a
 * finite number of zero or more (a string, NaN, a negative, 1e999) is left out, since one such
 * value would make the file invalid and the next run set the whole history aside. An absent
 * cost (servers that send none) is not worth a warning; an invalid one is.
 */
function countable(usage: Usage | undefined, warn: Warn): Record<(typeof COUNTED)[number], number> {
  const out = { prompt_tokens: 0, completion_tokens: 0, cost: 0 };
  const invalid: string[] = [];
  for (const field of COUNTED) {
    const value: unknown = usage?.[field];
    if (value === undefined || value === null) continue;
    if (typeof value === 'number' && Number.isFinite(value) && value >= 0) out[field] = value;
    else invalid.push(field);
  }
  if (invalid.length > 0 && !toldInvalid.has(warn)) {
    toldInvalid.add(warn);
    warn(`the server's usage had invalid ${invalid.join(', ')} (not a number of zero or more): not added to the usage totals`);
  }
  return out;
}

/** A total that would overflow to Infinity (no longer storable as JSON) stays where it was. */
const sum = (total: number, more: number) => (Number.isFinite(total + more) ? total + more : total);

/** The counts with one more request and its figures added. */
function addTo(before: UsageCounts | undefined, add: Record<(typeof COUNTED)[number], number>): UsageCounts {
  const counts = before ?? { requests: 0, prompt_tokens: 0, completion_tokens: 0, cost: 0 };
  return {
    requests: counts.requests + 1,
    prompt_tokens: sum(counts.prompt_tokens, add.prompt_tokens),
    completion_tokens: sum(counts.completion_tokens, add.completion_tokens),
    cost: sum(counts.cost, add.cost),
  };
}

export function createUsageStore(dir: string, options: { warn?: Warn; now?: () => Date; secrets?: () => readonly string[] } = {}) {
  const warn = options.warn ?? defaultWarn;
  const store = new JsonStore<UsageFile>({ dir, name: 'usage', schema: fileSchema, empty: () => ({ days: {} }), warn, ...(options.secrets ? { secrets: options.secrets } : {}) });
  const today = () => (options.now?.() ?? new Date()).toISOString().slice(0, 10);
  /** Several requests' usage in one locked update (a batch records its items a group at a time). */
  async function recordMany(records: ReadonlyArray<{ model: string; usage: Usage | undefined; provider?: string }>): Promise<void> {
    if (records.length === 0) return;
    const day = today();
    const adds = records.map((entry) => ({ model: entry.model, add: countable(entry.usage, warn), upstream: entry.provider?.slice(0, MAX_PROVIDER_NAME) }));
    await store.update((file) => {
      let days = file.days;
      for (const { model, add, upstream } of adds) {
        const before = days[day]?.[model] ?? { requests: 0, prompt_tokens: 0, completion_tokens: 0, cost: 0 };
        const totals: UsageTotals = { ...addTo(before, add) };
        if (before.by_provider) totals.by_provider = before.by_provider;
        if (upstream) {
          // fromEntries, as below: the server names the provider.
          totals.by_provider = Object.fromEntries([...Object.entries(before.by_provider ?? {}), [upstream, addTo(before.by_provider?.[upstream], add)]]);
        }
        // fromEntries: a model named "__proto__" (the server names it) is a key like any other.
        const models = Object.fromEntries([...Object.entries(days[day] ?? {}), [model, totals]]);
        days = Object.fromEntries([...Object.entries(days), [day, models]]);
      }
      return { days };
    });
  }
  return {
    path: store.path,
    /** One request's usage; `provider`: the upstream that served it, when the server named one. */
    record(model: string, usage: Usage | undefined, provider?: string): Promise<void> {
      return recordMany([{ model, usage, ...(provider !== undefined ? { provider } : {}) }]);
    },
    recordMany,
    /** Per model for one day (default today). */
    day(day = today()): Record<string, UsageTotals> {
      return store.read().days[day] ?? {};
    },
    /** Sum over every day and model. */
    total(): UsageTotals {
      const sum = { requests: 0, prompt_tokens: 0, completion_tokens: 0, cost: 0 };
      for (const models of Object.values(store.read().days)) {
        for (const t of Object.values(models)) {
          sum.requests += t.requests;
          sum.prompt_tokens += t.prompt_tokens;
          sum.completion_tokens += t.completion_tokens;
          sum.cost += t.cost;
        }
      }
      return sum;
    },
  };
}
export type UsageStore = ReturnType<typeof createUsageStore>;
