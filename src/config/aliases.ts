// Model aliases (`aliases: { fast: openai/gpt-4o-mini }` at the top of the config): short names
// for model ids, resolved in one place so that `-m fast` means the same wherever a model id goes.
import { ConfigError } from '../core/index.js';
import type { RoutingSettings } from './routing-schema.js';
import type { KeyPath } from './yaml-file.js';

/** An alias name: no '/', so that it can never be mistaken for an OpenRouter id. */
export const ALIAS_NAME = /^[\w.-]+$/;
/**
 * What a model id is made of: letters, digits and `/ . _ - : @ ~ +` (`openai/gpt-4o:free`,
 * `@preset/name`, a local `llama3.2:3b`).
 */
export const MODEL_ID = /^[A-Za-z0-9/._:@~+-]+$/;

/** Alias name → the model id it ends at (every alias followed to the end of its chain). */
export type ResolvedAliases = ReadonlyMap<string, string>;

/** An alias as the file writes it: a model id (or another alias), or one with routing preferences. */
export type WrittenAlias = string | { model: string; routing?: RoutingSettings | undefined };

/**
 * Alias name → the routing preferences met along its chain, the alias's own last (`quick: cheap`
 * with `cheap: {model, routing}` uses cheap's routing, and quick's own, if any, over it). Only
 * aliases with some routing on their chain are listed.
 */
export type AliasRouting = ReadonlyMap<string, readonly RoutingSettings[]>;

const targetOf = (alias: WrittenAlias): string => (typeof alias === 'string' ? alias : alias.model);

/**
 * Follows each alias through the aliases it names (think → r1 → deepseek/deepseek-r1), once, at
 * load: the result maps names straight to ids, so resolving twice changes nothing. An alias
 * that leads back to itself is refused, naming where it is written.
 */
export function resolveAliasChains(aliases: Readonly<Record<string, WrittenAlias>>, locate: (path: KeyPath) => string): ResolvedAliases {
  return followChains(aliases, locate).resolved;
}

/** The routing preferences of each alias's chain (AliasRouting); circles are refused as above. */
export function resolveAliasRouting(aliases: Readonly<Record<string, WrittenAlias>>, locate: (path: KeyPath) => string): AliasRouting {
  return followChains(aliases, locate).routing;
}

function followChains(aliases: Readonly<Record<string, WrittenAlias>>, locate: (path: KeyPath) => string) {
  const written = new Map(Object.entries(aliases));
  const resolved = new Map<string, string>();
  const routing = new Map<string, RoutingSettings[]>();
  for (const [name, alias] of written) {
    const chain = [name];
    let id = targetOf(alias);
    while (written.has(id)) {
      if (chain.includes(id)) {
        throw new ConfigError(`${locate(['aliases', name])}: aliases.${name}: the aliases ${[...chain, id].join(' → ')} go round in a circle`, {
          hint: 'point one of them at a model id, e.g. openai/gpt-4o-mini',
        });
      }
      chain.push(id);
      id = targetOf(written.get(id) as WrittenAlias);
    }
    resolved.set(name, id);
    // Innermost first, so that the alias named wins over those it leads to.
    const found = chain
      .map((link) => written.get(link) as WrittenAlias)
      .flatMap((link) => (typeof link !== 'string' && link.routing ? [link.routing] : []))
      .reverse();
    if (found.length > 0) routing.set(name, found);
  }
  return { resolved, routing };
}

/** The model id an alias stands for; anything that is not an alias is returned as it is. */
export function resolveModelId(aliases: ResolvedAliases, id: string): string;
export function resolveModelId(aliases: ResolvedAliases, id: string | undefined): string | undefined;
export function resolveModelId(aliases: ResolvedAliases, id: string | undefined): string | undefined {
  return id === undefined ? undefined : (aliases.get(id) ?? id);
}

/** Model id → the aliases that lead to it, sorted, for `models` to mark. */
export function aliasesByModel(aliases: ResolvedAliases): Map<string, string[]> {
  const byModel = new Map<string, string[]>();
  for (const [name, id] of [...aliases].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) {
    byModel.set(id, [...(byModel.get(id) ?? []), name]);
  }
  return byModel;
}
