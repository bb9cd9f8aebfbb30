// The circuit breaker's state on disk, shared by every devsynth-or process of the user, so
// that consecutive runs in a CI job fail fast during an outage (exit 8, no request sent).
import * as z from '../config/zod.js';
import type { BreakerState, BreakerStore } from '../core/index.js';
import { JsonStore, type Warn } from './json-store.js';

const failureCount = z.int().check(z.minimum(0));
const breakerStateSchema = z.discriminatedUnion('state', [
  z.object({ state: z.literal('closed'), failures: failureCount }),
  z.object({ state: z.literal('open'), failures: failureCount, openedAt: z.number(), retryAt: z.number() }),
  z.object({ state: z.literal('half-open'), failures: failureCount, probeStartedAt: z.number() }),
]);

const fileSchema = z.object({ breakers: z.record(z.string(), breakerStateSchema) });
type BreakerFile = z.infer<typeof fileSchema>;

const CLOSED: BreakerState = { state: 'closed', failures: 0 };

export interface FileBreakerStore extends BreakerStore {
  /** Every provider's state, for `status`. */
  all(): Record<string, BreakerState>;
  readonly path: string;
}

/** Equal field by field: states read from the file are never the same objects. */
function sameState(a: BreakerState, b: BreakerState): boolean {
  const fields = new Set([...Object.keys(a), ...Object.keys(b)]);
  return [...fields].every((field) => a[field as keyof BreakerState] === b[field as keyof BreakerState]);
}

export function createFileBreakerStore(dir: string, warn?: Warn): FileBreakerStore {
  const store = new JsonStore<BreakerFile>({ dir, name: 'breakers', schema: fileSchema, empty: () => ({ breakers: {} }), cacheReads: true, ...(warn ? { warn } : {}) });
  return {
    path: store.path,
    async get(key) {
      return store.read().breakers[key];
    },
    async update(key, change) {
      // Most calls change nothing (asking a closed breaker, a success on it): those are settled
      // by a plain read, without taking the lock or writing. A change is made under the lock,
      // against the state as it is then.
      const seen = store.read().breakers[key] ?? CLOSED;
      const guess = change(seen);
      if (sameState(guess, seen)) return guess;
      let next: BreakerState = CLOSED;
      await store.update((file) => {
        const current = file.breakers[key] ?? CLOSED;
        next = change(current);
        return sameState(next, current) ? file : { breakers: { ...file.breakers, [key]: next } };
      });
      return next;
    },
    all: () => store.read().breakers,
  };
}
