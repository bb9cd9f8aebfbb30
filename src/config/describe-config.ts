// The effective configuration as rows of (key path, value, source), secrets redacted: what
// `devsynth-or config` prints. Any setting may carry a key (`x_title: "${OPENROUTER_API_KEY}"`),
// so every value is checked against every key in play, not only the api_key rows.
import { redactSecrets } from '../core/index.js';
import { KEY_VARIABLES } from './key-variables.js';
import type { LoadedConfig } from './load-config.js';

/** A setting's value as the file's types have it; a key is only ever `(set, hidden)`. */
export type ConfigValue = string | number | boolean | null | ConfigValue[] | { [key: string]: ConfigValue };

export interface ConfigRow {
  path: string;
  /** Typed, as in the file (`config --json` keeps numbers, booleans and null); an unset key is null. */
  value: ConfigValue;
  source: string;
}

function leaves(node: unknown, path: string[], out: Array<[string, unknown]>): void {
  if (node !== null && typeof node === 'object' && !Array.isArray(node)) {
    for (const [key, value] of Object.entries(node)) leaves(value, [...path, key], out);
  } else {
    out.push([path.join('.'), node]);
  }
}

const HIDDEN = '(set, hidden)';

/** Every secret this configuration holds: each provider's key variable and api_key, MCP servers' headers and env. */
export function configSecrets(loaded: LoadedConfig, env: Record<string, string | undefined>): string[] {
  const secrets = new Set<string>();
  for (const variable of Object.values(KEY_VARIABLES)) {
    const value = env[variable];
    if (value) secrets.add(value);
  }
  for (const settings of Object.values(loaded.config.llm.providers)) {
    if (settings?.api_key) secrets.add(settings.api_key);
  }
  // An MCP server's headers and environment are where its tokens go (Authorization, GITHUB_TOKEN).
  for (const server of Object.values(loaded.config.mcp_servers ?? {})) {
    for (const value of [...Object.values(server.headers ?? {}), ...Object.values(server.env ?? {})]) if (value) secrets.add(value);
  }
  return [...secrets];
}

/** A value as shown, its type kept: hidden when it is a key, with any key inside it redacted. */
function shownValue(value: unknown, secrets: readonly string[]): ConfigValue {
  if (typeof value === 'string') {
    // Short keys are not redacted inside longer text (they could be words), but equal is equal.
    return secrets.includes(value) ? HIDDEN : redactSecrets(value, secrets);
  }
  if (Array.isArray(value)) return value.map((item) => shownValue(item, secrets));
  if (value !== null && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).map(([key, item]) => [redactSecrets(key, secrets), shownValue(item, secrets)]));
  }
  if (typeof value === 'number' || typeof value === 'boolean') return value;
  return null;
}

/** A row's value as the `config` table prints it: text, `null`, `(not set)` for an unset key. */
export function rowText(row: ConfigRow): string {
  if (row.path.endsWith('.api_key') && row.value === null) return '(not set)';
  return typeof row.value === 'string' ? row.value : JSON.stringify(row.value);
}

/**
 * The rows of `devsynth-or config`. `otherSecrets`: keys from elsewhere (the OS keyring) that
 * must not be shown either.
 */
export function describeConfig(loaded: LoadedConfig, env: Record<string, string | undefined>, otherSecrets: readonly string[] = []): ConfigRow[] {
  const secrets = [...configSecrets(loaded, env), ...otherSecrets.filter(Boolean)];
  const out: Array<[string, unknown]> = [];
  leaves(loaded.config, [], out);
  // An unset ${VAR} removes the key; it still deserves a row saying it is not set.
  for (const provider of Object.keys(KEY_VARIABLES)) {
    const path = `llm.providers.${provider}.api_key`;
    if (!out.some(([row]) => row === path)) out.push([path, null]);
  }
  return out.map(([path, value]) => {
    if (path.endsWith('.api_key')) {
      const variable = KEY_VARIABLES[path.split('.')[2] ?? ''];
      // OPENROUTER_API_KEY wins over the config; the others reach it through default.yml's ${VAR}.
      const source = loaded.sourceOf(path);
      const fromEnv = Boolean(variable && env[variable]) && (path === 'llm.providers.openrouter.api_key' || source === 'default');
      return {
        path,
        value: fromEnv || value ? HIDDEN : null,
        source: fromEnv ? `env ${variable}` : source,
      };
    }
    return { path, value: shownValue(value, secrets), source: loaded.sourceOf(path) };
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
