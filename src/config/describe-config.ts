// The effective configuration as rows of (key path, value, source), secrets redacted: what
// `devsynth-or config` prints.
import type { LoadedConfig } from './load-config.js';

export interface ConfigRow {
  path: string;
  value: string;
  source: string;
}

function leaves(node: unknown, path: string[], out: Array<[string, unknown]>): void {
  if (node !== null && typeof node === 'object' && !Array.isArray(node)) {
    for (const [key, value] of Object.entries(node)) leaves(value, [...path, key], out);
  } else {
    out.push([path.join('.'), node]);
  }
}

export function describeConfig(loaded: LoadedConfig, env: Record<string, string | undefined>): ConfigRow[] {
  const out: Array<[string, unknown]> = [];
  leaves(loaded.config, [], out);
  // An unset ${VAR} removes the key; it still deserves a row saying it is not set.
  if (!out.some(([path]) => path === 'llm.providers.openrouter.api_key')) out.push(['llm.providers.openrouter.api_key', null]);
  return out.map(([path, value]) => {
    if (path.endsWith('.api_key')) {
      const fromEnv = path === 'llm.providers.openrouter.api_key' && Boolean(env.OPENROUTER_API_KEY);
      return {
        path,
        value: fromEnv || value ? '(set, hidden)' : '(not set)',
        source: fromEnv ? 'env OPENROUTER_API_KEY' : loaded.sourceOf(path),
      };
    }
    return { path, value: value === null ? 'null' : typeof value === 'string' ? value : JSON.stringify(value), source: loaded.sourceOf(path) };
  });
}

/** The files in play, for `devsynth-or config path`. */
export function configPaths(loaded: LoadedConfig): Array<{ role: string; path: string; used: boolean }> {
  const { files } = loaded;
  const used = new Set(loaded.layers.map((layer) => layer.file?.path).filter(Boolean));
  return [
    { role: 'defaults', path: files.defaults, used: true },
    { role: 'user', path: files.user, used: used.has(files.user) },
    { role: 'project', path: files.project ?? `(none found from ${files.searchedFrom} up)`, used: Boolean(files.project) },
    ...(files.explicit ? [{ role: '--config', path: files.explicit, used: true }] : []),
  ];
}
