// Accumulated usage and cost per day and model, for `status`.
import * as z from '../config/zod.js';
import type { Usage } from '../core/index.js';
import { JsonStore, type Warn } from './json-store.js';

const totalsSchema = z.object({
  requests: z.number(),
  prompt_tokens: z.number(),
  completion_tokens: z.number(),
  cost: z.number(),
});
export type UsageTotals = z.infer<typeof totalsSchema>;

/** days["2026-11-24"]["openai/gpt-4o"] = totals */
const fileSchema = z.object({ days: z.record(z.string(), z.record(z.string(), totalsSchema)) });
type UsageFile = z.infer<typeof fileSchema>;

export function createUsageStore(dir: string, options: { warn?: Warn; now?: () => Date } = {}) {
  const store = new JsonStore<UsageFile>({ dir, name: 'usage', schema: fileSchema, empty: () => ({ days: {} }), ...(options.warn ? { warn: options.warn } : {}) });
  const today = () => (options.now?.() ?? new Date()).toISOString().slice(0, 10);
  return {
    path: store.path,
    async record(model: string, usage: Usage | undefined): Promise<void> {
      const day = today();
      await store.update((file) => {
        const models = { ...file.days[day] };
        const before = models[model] ?? { requests: 0, prompt_tokens: 0, completion_tokens: 0, cost: 0 };
        models[model] = {
          requests: before.requests + 1,
          prompt_tokens: before.prompt_tokens + (usage?.prompt_tokens ?? 0),
          completion_tokens: before.completion_tokens + (usage?.completion_tokens ?? 0),
          cost: before.cost + (typeof usage?.cost === 'number' ? usage.cost : 0),
        };
        return { days: { ...file.days, [day]: models } };
      });
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
  };
}
export type UsageStore = ReturnType<typeof createUsageStore>;
