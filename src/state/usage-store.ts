// Accumulated usage and cost per day and model, for `status`.
import * as z from '../config/zod.js';
import type { Usage } from '../core/index.js';
import { defaultWarn, JsonStore, type Warn } from './json-store.js';

/** The cost by where each figure came from (see app/cost/settle-cost.ts); absent in older files, whose cost was all reported. */
const bySourceSchema = z.object({
  reported: z.optional(z.number()),
  looked_up: z.optional(z.number()),
  estimated: z.optional(z.number()),
});
const countsSchema = z.object({
  requests: z.number(),
  prompt_tokens: z.number(),
  completion_tokens: z.number(),
  cost: z.number(),
  cost_by_source: z.optional(bySourceSchema),
});
const totalsSchema = z.object({
  ...countsSchema.shape,
  /** The same figures by the upstream that served the model (OpenRouter names it); absent in older files. */
  by_provider: z.optional(z.record(z.string(), countsSchema)),
});
export type UsageCounts = z.infer<typeof countsSchema>;
export type CostBySource = z.infer<typeof bySourceSchema>;
/** Where a recorded cost came from. */
export type CostSource = keyof CostBySource;
export type UsageTotals = z.infer<typeof totalsSchema>;

/** The longest provider name kept as a key (a server names it). */
const MAX_PROVIDER_NAME = 200;

/** days["2026-11-24"]["openai/gpt-4o"] = totals (and totals.by_provider["OpenAI"]) */
const fileSchema = z.object({ days: z.record(z.string(), z.record(z.string(), totalsSchema)) });
type UsageFile = z.infer<typeof fileSchema>;
/** Per day, per model. */
export type UsageDays = UsageFile['days'];

const SOURCES: readonly CostSource[] = ['reported', 'looked_up', 'estimated'];

/** The source of a usage's cost as settled (`cost_source`); a cost without one was reported. */
function sourceOf(usage: Usage | undefined): CostSource {
  const source = usage?.cost_source;
  return SOURCES.includes(source as CostSource) ? (source as CostSource) : 'reported';
}

/** Counts' cost by source; counts from an older file, which has none, had only reported costs. */
export function costBySource(counts: UsageCounts): Required<CostBySource> {
  const by = counts.cost_by_source ?? { reported: counts.cost };
  return { reported: by.reported ?? 0, looked_up: by.looked_up ?? 0, estimated: by.estimated ?? 0 };
}

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

/**
 * The counts with one more request and its figures added, its cost under `source`. The split
 * by source is written only once a cost was not reported (before that, all of it was).
 */
function addTo(before: UsageCounts | undefined, add: Record<(typeof COUNTED)[number], number>, source: CostSource): UsageCounts {
  const counts = before ?? { requests: 0, prompt_tokens: 0, completion_tokens: 0, cost: 0 };
  const total: UsageCounts = {
    requests: counts.requests + 1,
    prompt_tokens: sum(counts.prompt_tokens, add.prompt_tokens),
    completion_tokens: sum(counts.completion_tokens, add.completion_tokens),
    cost: sum(counts.cost, add.cost),
  };
  // A cost left out (an overflow) is left out of its part too: the parts add up to the whole.
  const added = total.cost - counts.cost > 0 ? add.cost : 0;
  if (counts.cost_by_source || (source !== 'reported' && added > 0)) {
    const parts: CostBySource = { ...(counts.cost_by_source ?? (counts.cost > 0 ? { reported: counts.cost } : {})) };
    if (added > 0) parts[source] = sum(parts[source] ?? 0, added);
    total.cost_by_source = parts;
  }
  return total;
}

export function createUsageStore(dir: string, options: { warn?: Warn; now?: () => Date; secrets?: () => readonly string[] } = {}) {
  const warn = options.warn ?? defaultWarn;
  const store = new JsonStore<UsageFile>({ dir, name: 'usage', schema: fileSchema, empty: () => ({ days: {} }), warn, ...(options.secrets ? { secrets: options.secrets } : {}) });
  const today = () => (options.now?.() ?? new Date()).toISOString().slice(0, 10);
  /**
   * Several requests' usage in one locked update (a batch records its items a group at a time).
   * The cost's source is each usage's `cost_source` (settle-cost.ts), `reported` when it has none.
   */
  async function recordMany(records: ReadonlyArray<{ model: string; usage: Usage | undefined; provider?: string }>): Promise<void> {
    if (records.length === 0) return;
    const day = today();
    const adds = records.map((entry) => ({ model: entry.model, add: countable(entry.usage, warn), source: sourceOf(entry.usage), upstream: entry.provider?.slice(0, MAX_PROVIDER_NAME) }));
    await store.update((file) => {
      let days = file.days;
      for (const { model, add, source, upstream } of adds) {
        const before = days[day]?.[model] ?? { requests: 0, prompt_tokens: 0, completion_tokens: 0, cost: 0 };
        const totals: UsageTotals = { ...addTo(before, add, source) };
        if (before.by_provider) totals.by_provider = before.by_provider;
        if (upstream) {
          // fromEntries, as below: the server names the provider.
          totals.by_provider = Object.fromEntries([...Object.entries(before.by_provider ?? {}), [upstream, addTo(before.by_provider?.[upstream], add, source)]]);
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
    /** Per day and model, the days from `fromDay` (YYYY-MM-DD) on. */
    daysFrom(fromDay: string): UsageDays {
      return Object.fromEntries(Object.entries(store.read().days).filter(([day]) => day >= fromDay));
    },
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
    /** The cost recorded from `fromDay` to `toDay` (UTC "YYYY-MM-DD", both included), every model: the budgets' spend. */
    spentBetween(fromDay: string, toDay: string): number {
      let spent = 0;
      for (const [day, models] of Object.entries(store.read().days)) {
        if (day < fromDay || day > toDay) continue;
        for (const t of Object.values(models)) spent += t.cost;
      }
      return spent;
    },
  };
}
export type UsageStore = ReturnType<typeof createUsageStore>;
