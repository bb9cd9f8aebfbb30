// Where state and caches live: DEVSYNTH_HOME when set (tests, CI, portable setups), else the
// XDG directories.
import { homedir } from 'node:os';
import { join } from 'node:path';

export interface StatePaths {
  /** Breaker state, usage totals, sessions. */
  state: string;
  /** Model catalogue and embeddings caches: safe to delete. */
  cache: string;
}

export function statePaths(env: Record<string, string | undefined>): StatePaths {
  if (env.DEVSYNTH_HOME) return { state: env.DEVSYNTH_HOME, cache: join(env.DEVSYNTH_HOME, 'cache') };
  const home = env.HOME || homedir();
  return {
    state: join(env.XDG_STATE_HOME || join(home, '.local', 'state'), 'devsynth-or'),
    cache: join(env.XDG_CACHE_HOME || join(home, '.cache'), 'devsynth-or'),
  };
}

/** The catalogue cache's file name: one per provider (its prefix) and kind. */
export function catalogueFileName(prefix: string, kind: 'models' | 'embeddings'): string {
  return `${prefix}-${kind}`;
}

/** How long a cached catalogue is served without asking the provider again. */
export const CATALOGUE_TTL_MS = 24 * 60 * 60 * 1000;
