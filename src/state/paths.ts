// Where state and caches live: DEVSYNTH_HOME when set (tests, CI, portable setups), else the
// XDG directories.
import { homedir } from 'node:os';
import { join, sep } from 'node:path';

export interface StatePaths {
  /** Breaker state, usage totals, sessions. */
  state: string;
  /** Model catalogue and embeddings caches: safe to delete. */
  cache: string;
}

/**
 * The folders the user chose (DEVSYNTH_HOME, or our folder in each XDG one). They may be links
 * (a dotfiles setup); every folder we make below them must not be (safe-files.ts).
 */
const userRoots = new Set<string>();

export function statePaths(env: Record<string, string | undefined>): StatePaths {
  if (env.DEVSYNTH_HOME) {
    userRoots.add(env.DEVSYNTH_HOME);
    return { state: env.DEVSYNTH_HOME, cache: join(env.DEVSYNTH_HOME, 'cache') };
  }
  const home = env.HOME || homedir();
  const paths = {
    state: join(env.XDG_STATE_HOME || join(home, '.local', 'state'), 'devsynth-or'),
    cache: join(env.XDG_CACHE_HOME || join(home, '.cache'), 'devsynth-or'),
  };
  userRoots.add(paths.state).add(paths.cache);
  return paths;
}

/** The user's folder that `dir` lies in (see userRoots); `dir` itself when it lies in none. */
export function rootOf(dir: string): string {
  const containing = [...userRoots].filter((root) => dir === root || dir.startsWith(root.endsWith(sep) ? root : root + sep));
  // The outermost: every folder below the user's choice is checked.
  return containing.sort((a, b) => a.length - b.length)[0] ?? dir;
}

/** The catalogue cache's file name: one per provider (its prefix) and kind. */
export function catalogueFileName(prefix: string, kind: 'models' | 'embeddings'): string {
  return `${prefix}-${kind}`;
}

/** How long a cached catalogue is served without asking the provider again. */
export const CATALOGUE_TTL_MS = 24 * 60 * 60 * 1000;
