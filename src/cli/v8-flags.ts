// The V8 flags the CLI changes while it runs, in one place. The bin holds the heap small for
// long runs (runCli, start.ts); batch lets the young generation grow (commands/batch.ts).
//
// A changed flag has a cost beside its purpose: V8 refuses a code cache made under other flags,
// and Node's own built-in modules (node:http, node:crypto, node:tls...) come with a code cache
// made under the defaults. Required while a flag is changed, each is compiled from source
// instead: node:http 3 -> 9 ms, node:crypto 3 -> 8 ms on Node 20 here, 20 ms of a one-text
// `embed`. So the bundles' require loads a built-in under the defaults (withDefaultV8Flags,
// compiled-bundle.ts), and the flags are put back at once. The bundles' own code caches are made
// and read under the changed flags (the bin sets them before loading a bundle, and batch puts
// them back before the cache is written), so those are never refused.
//
// start.cjs and cli.cjs each bundle this module: what is changed is kept on a global, so that
// both see the other's changes.
import { setFlagsFromString } from 'node:v8';

/** V8's defaults (the same on Node 20, 22 and 24). */
const DEFAULTS = { 'semi-space-growth-factor': 2, 'heap-growing-percent': 0, 'flush-bytecode': true } as const;

export type V8Flag = keyof typeof DEFAULTS;
type Value = number | boolean;

const KEY = Symbol.for('devsynth-or.v8-flags');
const changed: Map<V8Flag, Value> = ((globalThis as Record<symbol, unknown>)[KEY] as Map<V8Flag, Value> | undefined) ?? new Map();
(globalThis as Record<symbol, unknown>)[KEY] = changed;

const apply = (flag: V8Flag, value: Value) => setFlagsFromString(typeof value === 'boolean' ? `--${value ? '' : 'no-'}${flag}` : `--${flag}=${value}`);

/** Sets a V8 flag (its default value undoes the change). */
export function setV8Flag<F extends V8Flag>(flag: F, value: (typeof DEFAULTS)[F] extends boolean ? boolean : number): void {
  if (value === DEFAULTS[flag]) changed.delete(flag);
  else changed.set(flag, value);
  apply(flag, value);
}

/** Runs `load` (a built-in module's require) under V8's default flags, then puts the changed ones back. */
export function withDefaultV8Flags<T>(load: () => T): T {
  if (changed.size === 0) return load();
  const now = [...changed];
  for (const [flag] of now) apply(flag, DEFAULTS[flag]);
  try {
    return load();
  } finally {
    for (const [flag, value] of now) apply(flag, value);
  }
}
