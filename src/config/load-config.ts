// The one config pipeline: find files (cosmiconfig, explicit search places, the `yaml`
// package as loader) → refuse literal keys → interpolate ${VAR} → merge
// defaults < user < project < --config < env < flags, remembering where each value came from →
// validate (zod) → check base URLs. Every error names the file and line it is about.
// The YAML parser and cosmiconfig load only when there is a file for them: a run configured by
// the environment alone (most CI jobs) starts without them (docs/benchmarks.md).
import { existsSync } from 'node:fs';
import { homedir } from 'node:os';
import { resolve } from 'node:path';
import { COMPATIBLE_PRESETS, ConfigError } from '../core/index.js';
import { type AliasRouting, resolveAliasChains, resolveAliasRouting, resolveModelId, type ResolvedAliases } from './aliases.js';
import { projectFileAbove, SEARCH_PLACES, userConfigPath } from './config-files.js';
import { type ConfigSource, DEFAULTS_FILE, readDefaults } from './default-config.js';
import { baseUrlProblems, formatConfigIssues } from './format-config-issues.js';
import { interpolateEnv, type UnsetReference } from './interpolate-env.js';
import { getOwn, setOwn } from './own-keys.js';
import { providersInUse } from './providers-in-use.js';
import { readConfigFile } from './read-config-file.js';
import { type Config, configSchema, PROVIDER_NAMES } from './schema.js';
import type { KeyPath } from './yaml-file.js';

export { SEARCH_PLACES, userConfigPath } from './config-files.js';
export { DEFAULTS_FILE } from './default-config.js';

/** Settings given as flags, the last word. */
export interface ConfigFlags {
  provider?: string;
  baseUrl?: string;
  model?: string;
  temperature?: number;
  maxTokens?: number;
}

export interface LoadConfigOptions {
  configFile?: string;
  cwd?: string;
  env?: Record<string, string | undefined>;
  flags?: ConfigFlags;
}

/** One source of settings, in precedence order. */
export interface ConfigLayer {
  kind: 'default' | 'user' | 'project' | 'file' | 'env' | 'flag';
  /** What a user reads: a file path, `env OPENROUTER_MODEL`, `flag --model`. */
  label: string;
  file?: ConfigSource;
  data: Record<string, unknown>;
  /** For env and flag layers: the variable or flag behind each dotted path. */
  origins?: Record<string, string>;
}

export interface LoadedConfig {
  config: Config;
  /** Settings of providers this run does not use that would be refused if it did (a bad base_url). */
  problems: string[];
  /** ${VAR} references whose variable was unset. */
  unset: UnsetReference[];
  layers: ConfigLayer[];
  /** Where the effective value at a dotted path came from. */
  sourceOf(path: string): string;
  /** The file (with line) or origin that set a dotted path, for messages. */
  locate(path: KeyPath): string;
  files: { defaults: string; user: string; project?: string; explicit?: string; searchedFrom: string };
  /** The config's aliases, each followed to the model id it ends at. */
  aliases: ResolvedAliases;
  /** The routing preferences along each alias's chain, for the aliases that carry some. */
  aliasRouting: AliasRouting;
  /** The model id an alias stands for (any other id as it is): for every model id a user gives. */
  resolveModel(id: string): string;
  resolveModel(id: string | undefined): string | undefined;
}

/** Each provider's model and embedding_model (a file's, OPENROUTER_MODEL, --model) as a model id. */
function resolveProviderModels(config: Config, aliases: ResolvedAliases): void {
  for (const settings of Object.values(config.llm.providers)) {
    if (!settings) continue;
    if (typeof settings.model === 'string') settings.model = resolveModelId(aliases, settings.model);
    if (typeof settings.embedding_model === 'string') settings.embedding_model = resolveModelId(aliases, settings.embedding_model);
  }
}

const isObject = (value: unknown): value is Record<string, unknown> =>
  value !== null && typeof value === 'object' && !Array.isArray(value);

const ENV_SETTINGS: Array<[string, KeyPath]> = [
  ['DEVSYNTH_PROVIDER', ['llm', 'provider']],
  ['OPENROUTER_MODEL', ['llm', 'providers', 'openrouter', 'model']],
  ['OPENROUTER_BASE_URL', ['llm', 'providers', 'openrouter', 'base_url']],
  ['OPENROUTER_HTTP_REFERER', ['llm', 'providers', 'openrouter', 'http_referer']],
  ['OPENROUTER_X_TITLE', ['llm', 'providers', 'openrouter', 'x_title']],
  // Each OpenAI-compatible preset's own variables (its key is a ${VAR} in config/default.yml).
  ...Object.entries(COMPATIBLE_PRESETS).flatMap(([name, preset]): Array<[string, KeyPath]> => [
    [preset.env.model, ['llm', 'providers', name, 'model']],
    [preset.env.baseUrl, ['llm', 'providers', name, 'base_url']],
  ]),
];

/** Flags that set the chosen provider's settings (--provider itself is decided first). */
const FLAG_SETTINGS: Array<[keyof ConfigFlags, string, string]> = [
  ['baseUrl', '--base-url', 'base_url'],
  ['model', '--model', 'model'],
  ['temperature', '--temperature', 'temperature'],
  ['maxTokens', '--max-tokens', 'max_tokens'],
];

function setIn(target: Record<string, unknown>, path: KeyPath, value: unknown): void {
  let node = target;
  for (const key of path.slice(0, -1)) {
    const next = node[String(key)];
    node = (isObject(next) ? next : (node[String(key)] = {})) as Record<string, unknown>;
  }
  node[String(path[path.length - 1])] = value;
}

function pointLayer(kind: 'env' | 'flag', entries: Array<[string, KeyPath, unknown]>): ConfigLayer {
  const layer: ConfigLayer = { kind, label: kind, data: {}, origins: {} };
  for (const [origin, path, value] of entries) {
    if (value === undefined || value === '') continue;
    setIn(layer.data, path, value);
    layer.origins![path.join('.')] = `${kind} ${origin}`;
  }
  return layer;
}

/** Deep merge, later layers winning; arrays and scalars replace. Records each leaf's layer. */
function merge(layers: ConfigLayer[]): { tree: Record<string, unknown>; owners: Map<string, ConfigLayer> } {
  const tree: Record<string, unknown> = {};
  const owners = new Map<string, ConfigLayer>();
  const visit = (layer: ConfigLayer, node: Record<string, unknown>, target: Record<string, unknown>, path: string[]) => {
    for (const [key, value] of Object.entries(node)) {
      const here = [...path, key];
      if (isObject(value)) {
        if (!isObject(getOwn(target, key))) setOwn(target, key, {});
        owners.set(here.join('.'), owners.get(here.join('.')) ?? layer);
        visit(layer, value, getOwn(target, key) as Record<string, unknown>, here);
      } else {
        setOwn(target, key, value);
        owners.set(here.join('.'), layer);
      }
    }
  };
  for (const layer of layers) visit(layer, layer.data, tree, []);
  return { tree, owners };
}

export async function loadConfig(options: LoadConfigOptions = {}): Promise<LoadedConfig> {
  const env = options.env ?? process.env;
  const cwd = resolve(options.cwd ?? process.cwd());
  const home = env.HOME || homedir();
  // A user's file: parsed, and refused if it holds a literal key.
  const read = async (path: string): Promise<ConfigSource> => {
    // One after the other: Jest's ESM loader can fail two dynamic imports of one dependency at once.
    const { readYamlSource } = await import('./yaml-file.js');
    const { refuseLiteralKeys } = await import('./literal-keys.js');
    const source = readYamlSource(path, readConfigFile(path));
    refuseLiteralKeys(source.yaml);
    return source;
  };

  const fileLayers: ConfigLayer[] = [];
  const unset: UnsetReference[] = [];
  const addFile = (kind: ConfigLayer['kind'], file: ConfigSource) => {
    if (file.data !== null && !isObject(file.data)) {
      throw new ConfigError(`${file.path}:1: the configuration must be a mapping (key: value), not a ${Array.isArray(file.data) ? 'list' : typeof file.data}`);
    }
    const interpolated = interpolateEnv(file.data ?? {}, env, { file: file.path, lineOf: (path) => file.lineOf(path) });
    if (kind !== 'default') unset.push(...interpolated.unset);
    fileLayers.push({ kind, label: file.path, file, data: interpolated.value as Record<string, unknown> });
  };

  addFile('default', await readDefaults());
  const userPath = userConfigPath(env);
  if (existsSync(userPath)) addFile('user', await read(userPath));
  const project = projectFileAbove(cwd) ? await (await import('./project-file.js')).findProjectFile(cwd, home, userPath) : undefined;
  if (project) addFile('project', await read(project));
  const explicit = options.configFile ?? env.DEVSYNTH_CONFIG;
  if (explicit) {
    const path = resolve(cwd, explicit);
    if (!existsSync(path)) {
      throw new ConfigError(`config file not found: ${path}`, { hint: options.configFile ? 'check --config' : 'check DEVSYNTH_CONFIG' });
    }
    addFile('file', await read(path));
  }

  const envLayer = pointLayer('env', ENV_SETTINGS.map(([name, path]) => [name, path, env[name]]));
  const flags = options.flags ?? {};
  // --model and the like belong to the provider in use, so that one is found first.
  const chosen = flags.provider || (merge([...fileLayers, envLayer]).tree.llm as { provider?: unknown } | undefined)?.provider;
  // An unknown name is reported by the schema; its flags then go where they did before.
  const provider = (PROVIDER_NAMES as readonly unknown[]).includes(chosen) ? (chosen as string) : 'openrouter';
  const flagLayer = pointLayer('flag', [
    ['--provider', ['llm', 'provider'], flags.provider],
    ...FLAG_SETTINGS.map(([key, flag, setting]): [string, KeyPath, unknown] => [flag, ['llm', 'providers', provider, setting], flags[key]]),
  ]);
  const layers = [...fileLayers, envLayer, flagLayer];
  const { tree, owners } = merge(layers);

  const locate = (path: KeyPath): string => {
    for (let depth = path.length; depth > 0; depth--) {
      const key = path.slice(0, depth).join('.');
      const layer = owners.get(key);
      if (!layer) continue;
      if (layer.file) {
        const line = layer.file.lineOf(path.slice(0, depth));
        return `${layer.file.path}${line ? `:${line}` : ''}`;
      }
      return layer.origins?.[key] ?? layer.label;
    }
    return fileLayers[fileLayers.length - 1]?.label ?? DEFAULTS_FILE;
  };

  const parsed = configSchema.safeParse(tree);
  const urlProblems = baseUrlProblems(tree, locate);
  // Only the providers this run uses must have a usable base_url: lmstudio's typo does not stop
  // --provider offline. The others are kept for `config` to report.
  const inUse = new Set(providersInUse(tree.llm));
  const blocking = urlProblems.filter((problem) => inUse.has(problem.provider));
  if (!parsed.success) throw formatConfigIssues(parsed.error.issues, tree, locate, urlProblems);
  if (blocking.length > 0) throw formatConfigIssues([], tree, locate, blocking);
  const aliases = resolveAliasChains(parsed.data.aliases, locate);
  resolveProviderModels(parsed.data, aliases);

  return {
    config: parsed.data,
    aliases,
    aliasRouting: resolveAliasRouting(parsed.data.aliases, locate),
    resolveModel: ((id: string | undefined) => resolveModelId(aliases, id)) as LoadedConfig['resolveModel'],
    problems: urlProblems.filter((problem) => !inUse.has(problem.provider)).map((problem) => problem.line),
    unset,
    layers,
    locate,
    sourceOf: (path) => {
      const layer = owners.get(path);
      if (!layer) return 'unset';
      if (layer.kind === 'default') return 'default';
      return layer.origins?.[path] ?? layer.label;
    },
    files: { defaults: DEFAULTS_FILE, user: userPath, ...(project ? { project } : {}), ...(explicit ? { explicit: resolve(cwd, explicit) } : {}), searchedFrom: cwd },
  };
}
