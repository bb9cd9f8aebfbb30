// Where configuration files are looked for: names and the user file. Kept apart from the
// pipeline (load-config.ts) so that code which only asks "is there any?" loads nothing else.
import { existsSync } from 'node:fs';
import { homedir } from 'node:os';
import { dirname, join, resolve } from 'node:path';

/** Project files, looked for from the working directory up. */
export const SEARCH_PLACES = ['.devsynthrc', '.devsynthrc.yml', '.devsynthrc.yaml', 'devsynth.config.yml', 'devsynth.config.yaml'];

/** The user file: $XDG_CONFIG_HOME/devsynth/config.yml. */
export function userConfigPath(env: Record<string, string | undefined>): string {
  const base = env.XDG_CONFIG_HOME || join(env.HOME || homedir(), '.config');
  return join(base, 'devsynth', 'config.yml');
}

/**
 * Whether any configuration file could apply: DEVSYNTH_CONFIG, anything in the user's
 * devsynth config folder, or a project file in the working directory or any folder above it
 * (further up than the search goes, to be safe).
 */
export function anyConfigFile(cwd: string, env: Record<string, string | undefined>): boolean {
  if (env.DEVSYNTH_CONFIG) return true;
  if (existsSync(dirname(userConfigPath(env)))) return true;
  return projectFileAbove(cwd);
}

/** Whether a project file sits in `cwd` or any folder above it (further up than the search goes). */
export function projectFileAbove(cwd: string): boolean {
  for (let dir = resolve(cwd); ; dir = dirname(dir)) {
    if (SEARCH_PLACES.some((name) => existsSync(join(dir, name)))) return true;
    if (dirname(dir) === dir) return false;
  }
}
