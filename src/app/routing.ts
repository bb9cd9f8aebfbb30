// OpenRouter's provider routing for one chat, in one place: the config's
// `llm.providers.openrouter.routing`, then the routing of the alias given with -m (its chain's,
// config/aliases.ts), then the flags (--provider-order, --only, --ignore, --sort, --max-price,
// --no-fallbacks, --data-collection, --zdr, --quantizations), each layer over the one before;
// and the web plugin (--web, --web-max-results). Sent as the request's `provider` and `plugins`.
import type { ChatPlugin, ProviderPreferences } from '../core/index.js';
import type { RoutingSettings } from '../config/routing-schema.js';

/** The chat flags this module reads (cli/commands/chat-options.ts). */
export interface RoutingFlags {
  providerOrder?: string[] | undefined;
  only?: string[] | undefined;
  ignore?: string[] | undefined;
  sort?: string | undefined;
  /** USD per million prompt tokens. */
  maxPrice?: number | undefined;
  /** false: --no-fallbacks. */
  fallbacks?: boolean | undefined;
  dataCollection?: 'allow' | 'deny' | undefined;
  zdr?: boolean | undefined;
  quantizations?: string[] | undefined;
  web?: boolean | undefined;
  webMaxResults?: number | undefined;
}

/** The preferences the flags ask for; only what was given. */
export function routingOfFlags(flags: RoutingFlags): RoutingSettings {
  const routing: Record<string, unknown> = {};
  if (flags.providerOrder?.length) routing.order = flags.providerOrder;
  if (flags.only?.length) routing.only = flags.only;
  if (flags.ignore?.length) routing.ignore = flags.ignore;
  if (flags.sort !== undefined) routing.sort = flags.sort;
  if (flags.maxPrice !== undefined) routing.max_price = { prompt: flags.maxPrice };
  if (flags.fallbacks === false) routing.allow_fallbacks = false;
  if (flags.dataCollection !== undefined) routing.data_collection = flags.dataCollection;
  if (flags.zdr) routing.zdr = true;
  if (flags.quantizations?.length) routing.quantizations = flags.quantizations;
  return routing as RoutingSettings;
}

/**
 * Layers of preferences, each over the ones before it: a field a later layer sets replaces the
 * earlier one (lists too: `--only openai` is not added to an alias's `only`), and `max_price`
 * is merged by its prompt and completion prices. Undefined when no layer sets anything.
 */
export function mergeRouting(...layers: ReadonlyArray<RoutingSettings | ProviderPreferences | null | undefined>): ProviderPreferences | undefined {
  const merged: ProviderPreferences = {};
  for (const layer of layers) {
    if (!layer) continue;
    for (const [key, value] of Object.entries(layer)) {
      if (value === undefined) continue;
      merged[key] = key === 'max_price' ? { ...merged.max_price, ...(value as object) } : value;
    }
  }
  return Object.keys(merged).length > 0 ? merged : undefined;
}

/** The plugins the flags ask for: the web search (`--web-max-results` implies `--web`). */
export function pluginsOfFlags(flags: RoutingFlags): ChatPlugin[] {
  if (!flags.web && flags.webMaxResults === undefined) return [];
  return [{ id: 'web', ...(flags.webMaxResults !== undefined ? { max_results: flags.webMaxResults } : {}) }];
}

/** Which routing flags were given, for the warning that another provider ignores them. */
export function routingFlagsGiven(flags: RoutingFlags): string[] {
  const given: Array<[boolean, string]> = [
    [Boolean(flags.providerOrder?.length), '--provider-order'],
    [Boolean(flags.only?.length), '--only'],
    [Boolean(flags.ignore?.length), '--ignore'],
    [flags.sort !== undefined, '--sort'],
    [flags.maxPrice !== undefined, '--max-price'],
    [flags.fallbacks === false, '--no-fallbacks'],
    [flags.dataCollection !== undefined, '--data-collection'],
    [Boolean(flags.zdr), '--zdr'],
    [Boolean(flags.quantizations?.length), '--quantizations'],
    [Boolean(flags.web) || flags.webMaxResults !== undefined, '--web'],
  ];
  return given.filter(([isGiven]) => isGiven).map(([, flag]) => flag);
}

export interface ChatRouting {
  /** The request's `provider`; absent: none to send. */
  provider?: ProviderPreferences;
  /** The request's `plugins`; absent: none. */
  plugins?: ChatPlugin[];
}

/** What the config needs to give: its OpenRouter routing and each alias's (config/load-config.ts). */
export interface RoutingSources {
  config: { llm: { providers: { openrouter: { routing?: RoutingSettings | undefined } } } };
  aliasRouting: ReadonlyMap<string, readonly RoutingSettings[]>;
}

/**
 * The routing and plugins of a chat: the config's, the alias's (`model` as the user typed it,
 * before aliases are resolved), the flags'. Another provider than OpenRouter is told to ignore
 * them (a warning, as for --fallback-model); what the config alone sets is not worth one.
 */
export function chatRouting(
  flags: RoutingFlags,
  sources: RoutingSources,
  typedModel: string | undefined,
  providerId: string,
  warn: (message: string) => void,
): ChatRouting {
  const given = routingFlagsGiven(flags);
  if (given.length > 0 && providerId !== 'openrouter' && providerId !== 'offline') {
    warn(`${given.join(', ')} ${given.length === 1 ? 'is' : 'are'} OpenRouter's; ${providerId} ignores ${given.length === 1 ? 'it' : 'them'}`);
  }
  const aliasLayers = typedModel !== undefined ? (sources.aliasRouting.get(typedModel) ?? []) : [];
  const provider = mergeRouting(sources.config.llm.providers.openrouter.routing, ...aliasLayers, routingOfFlags(flags));
  const plugins = pluginsOfFlags(flags);
  return { ...(provider ? { provider } : {}), ...(plugins.length > 0 ? { plugins } : {}) };
}
