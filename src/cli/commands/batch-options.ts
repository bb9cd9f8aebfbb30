// The batch command's flags as a schema: the chat flags that apply to every item, and batch's
// own (loaded with the command: see chat.ts).
import * as z from '../../config/zod.js';
import { MAX_CONCURRENCY } from './batch.js';
import { chatOptionsSchema } from './chat-options.js';

const shard = z.pipe(
  z.string().check(z.regex(/^\d+\/\d+$/, 'shard is i/n, e.g. 2/3')),
  z.pipe(
    z.transform((value: string) => {
      const [index, count] = value.split('/').map(Number) as [number, number];
      return { index, count };
    }),
    z.object({ index: z.number(), count: z.number() }).check(z.refine((s) => s.count >= 1 && s.index >= 1 && s.index <= s.count, 'shard i/n needs 1 ≤ i ≤ n')),
  ),
);

// The chat flags that apply to every item, as chat checks them.
const chatFlags = z.pick(chatOptionsSchema, {
  model: true,
  system: true,
  temperature: true,
  maxTokens: true,
  fallbackModel: true,
  quiet: true,
  schema: true,
  attach: true,
  template: true,
  param: true,
  providerOrder: true,
  only: true,
  ignore: true,
  sort: true,
  maxPrice: true,
  fallbacks: true,
  dataCollection: true,
  zdr: true,
  quantizations: true,
  web: true,
  webMaxResults: true,
  maxCost: true,
  cache: true,
});

export const batchSchema = z.extend(chatFlags, {
  input: z.string().check(z.minLength(1)),
  inputFormat: z.optional(z.enum(['text', 'jsonl', 'csv', 'tsv'], 'input format must be text, jsonl, csv or tsv')),
  output: z.optional(z.string().check(z.minLength(1))),
  ordered: z._default(z.boolean(), false),
  concurrency: z._default(
    z.pipe(
      z.pipe(z.string().check(z.regex(/^\d+$/, 'concurrency must be a whole number')), z.transform(Number)),
      z.number().check(z.minimum(1, 'concurrency must be at least 1'), z.maximum(MAX_CONCURRENCY, `concurrency is at most ${MAX_CONCURRENCY}`)),
    ),
    4,
  ),
  shard: z.optional(shard),
});
