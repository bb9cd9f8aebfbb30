// --max-cost's value, shared by chat, batch and embed: its own module, so that embed's flags
// do not build chat's whole schema (3.7 ms of its start) for it.
import * as z from '../../config/zod.js';

/** A sum of money in USD (--max-cost): a number of 0 or more. */
export const usdAmount = z.pipe(
  z.string().check(z.trim(), z.refine((value) => /^\d+(\.\d+)?$/.test(value), { error: (issue) => `"${String(issue.input)}" is not an amount in USD (a number of 0 or more)` })),
  z.transform(Number),
);
