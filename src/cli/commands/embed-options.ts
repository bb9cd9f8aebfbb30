// The embed command's flags as a schema (loaded with the command: see chat.ts).
import * as z from '../../config/zod.js';
import { usdAmount } from './usd-amount.js';

const count = (what: string, max: number) =>
  z.pipe(
    z.pipe(z.string().check(z.regex(/^\d+$/, `${what} must be a whole number`)), z.transform(Number)),
    z.number().check(z.minimum(1, `${what} must be at least 1`), z.maximum(max, `${what} is at most ${max}`)),
  );

export const embedSchema = z.object({
  texts: z.array(z.string()),
  file: z.optional(z.string()),
  model: z.optional(z.string().check(z.minLength(1))),
  batchSize: z._default(count('batch size', 2048), 100),
  concurrency: z._default(count('concurrency', 32), 4),
  cache: z._default(z.boolean(), true),
  json: z._default(z.boolean(), false),
  /** The most this run may spend, in USD (app/budget): reached, nothing more is sent (exit 11). */
  maxCost: z.optional(usdAmount),
});
