// Flags are validated at the boundary with a schema; the first problem is shown on one line
// with the usage exit code (2).
import type * as z from '../config/zod.js';
import { UsageError } from '../core/index.js';

export function parseOptions<T extends z.ZodMiniType>(schema: T, input: unknown): z.infer<T> {
  const result = schema.safeParse(input);
  if (result.success) return result.data;
  const issue = result.error.issues[0];
  const flag = issue?.path.length ? `--${String(issue.path[0]).replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`)}` : 'arguments';
  throw new UsageError(`${flag}: ${issue?.message ?? 'invalid value'}`, { hint: 'see --help' });
}
