// Filtering, sorting and formatting the catalogue for `devsynth-or models`.
import type { ModelInfo } from '../core/index.js';
import { renderTable } from '../ui/render-table.js';
import { CAPABILITIES, CAPABILITY_MARKS, type Capability, capabilitiesOf, capabilityMarks, supports } from './models/capabilities.js';

export interface ModelQuery {
  search?: string;
  free?: boolean;
  minContext?: number;
  /** Only models with every one of these capabilities (capabilities.ts). */
  supports?: readonly Capability[];
  /** USD per million prompt tokens at most; a variable ("-1") or unknown price never passes. */
  maxPrice?: number;
  /** Only these ids (the models some provider serves, as the service listed them). */
  ids?: ReadonlySet<string>;
  sort: 'id' | 'price' | 'context';
  limit?: number;
}

/** USD per token as a decimal string → per million tokens; undefined for variable ("-1") or unknown. */
export function perMillion(price: unknown): number | undefined {
  const value = typeof price === 'string' || typeof price === 'number' ? Number(price) : Number.NaN;
  if (!Number.isFinite(value) || value < 0) return undefined;
  return Math.round(value * 1e6 * 1e6) / 1e6;
}

export function isFree(model: ModelInfo): boolean {
  return model.id.endsWith(':free') || (perMillion(model.pricing?.prompt) === 0 && perMillion(model.pricing?.completion) === 0);
}

export function formatPrice(price: unknown): string {
  const value = perMillion(price);
  if (value === undefined) return 'varies';
  if (value === 0) return '0';
  return value >= 1 ? value.toFixed(2) : String(Number(value.toPrecision(3)));
}

/**
 * Ids in code-point order, not localeCompare's: the same order under any LANG (a script's
 * output should not depend on it), and no ICU collator to load (about 14 ms of a cached listing).
 */
const byId = (a: ModelInfo, b: ModelInfo): number => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0);

export function queryModels(models: readonly ModelInfo[], query: ModelQuery): ModelInfo[] {
  const needle = query.search?.toLowerCase();
  const filtered = models.filter((model) => {
    if (needle && !`${model.id} ${model.name ?? ''}`.toLowerCase().includes(needle)) return false;
    if (query.free && !isFree(model)) return false;
    if (query.minContext !== undefined && (model.context_length ?? 0) < query.minContext) return false;
    if (query.supports && !query.supports.every((capability) => supports(model, capability))) return false;
    if (query.maxPrice !== undefined && !((perMillion(model.pricing?.prompt) ?? Number.POSITIVE_INFINITY) <= query.maxPrice)) return false;
    if (query.ids && !query.ids.has(model.id)) return false;
    return true;
  });
  const price = (model: ModelInfo) => perMillion(model.pricing?.prompt) ?? Number.POSITIVE_INFINITY;
  const sorters: Record<ModelQuery['sort'], (a: ModelInfo, b: ModelInfo) => number> = {
    id: (a, b) => byId(a, b),
    price: (a, b) => price(a) - price(b) || byId(a, b),
    context: (a, b) => (b.context_length ?? -1) - (a.context_length ?? -1) || byId(a, b),
  };
  const sorted = filtered.sort(sorters[query.sort]);
  return query.limit !== undefined ? sorted.slice(0, query.limit) : sorted;
}

/**
 * Table rows: id, context, $/M input, $/M output, free mark; with `capabilities` the marks
 * ("TV-S-R", capabilities.ts); with `aliases` (model id → the config's alias names for it,
 * config/aliases.ts) a last column of those names.
 */
export function modelRows(models: readonly ModelInfo[], aliases?: ReadonlyMap<string, readonly string[]>, capabilities = false): string[][] {
  return models.map((model) => [
    model.id,
    model.context_length === null || model.context_length === undefined ? '?' : String(model.context_length),
    formatPrice(model.pricing?.prompt),
    formatPrice(model.pricing?.completion),
    isFree(model) ? 'free' : '',
    ...(capabilities ? [capabilityMarks(model)] : []),
    ...(aliases?.size ? [(aliases.get(model.id) ?? []).join(',')] : []),
  ]);
}

export interface TableColumns {
  /** The capability marks in piped output too (a terminal always has them). */
  capabilities?: boolean;
}

/**
 * The `models` listing: an aligned table with a header for a terminal, else tab-separated rows.
 * Piped rows keep the five columns scripts read by position (id, context, in, out, free) unless
 * `capabilities` asks for the marks after them; an aliases column only when the config has
 * aliases, always last.
 */
export function catalogueTable(models: readonly ModelInfo[], tty: boolean, aliases?: ReadonlyMap<string, readonly string[]>, columns: TableColumns = {}): string {
  const capabilities = tty || Boolean(columns.capabilities);
  const header = ['id', 'context', '$/M in', '$/M out', '', ...(capabilities ? ['caps'] : []), ...(aliases?.size ? ['aliases'] : [])];
  return renderTable(modelRows(models, aliases, capabilities), { tty, right: new Set([1]), decimal: new Set([2, 3]), header });
}

/** What a terminal listing says on stderr under the table: the count and what the marks mean. */
export function catalogueFooter(shown: number, total: number): string {
  const legend = CAPABILITIES.map((capability) => `${CAPABILITY_MARKS[capability]} ${capability}`).join(', ');
  return `${shown} of ${total} models · caps: ${legend}\n`;
}

/** The `models --json` objects, each with `aliases: [...]` when the config has aliases for it. */
export function withAliases(models: readonly ModelInfo[], aliases: ReadonlyMap<string, readonly string[]>): ModelInfo[] {
  return models.map((model) => (aliases.has(model.id) ? { ...model, aliases: [...(aliases.get(model.id) ?? [])] } : model));
}

/** `models --json` and `models show --json`: each entry with `capabilities: [...]` (capabilities.ts) and its aliases. */
export function jsonEntries(models: readonly ModelInfo[], aliases: ReadonlyMap<string, readonly string[]>): ModelInfo[] {
  return withAliases(models.map((model) => ({ ...model, capabilities: capabilitiesOf(model) })), aliases);
}

/**
 * The ids a completion script may offer: the characters model ids are made of (letters,
 * digits, `/ . _ - : @ ~ +`: `openai/gpt-4o:free`, `@preset/name`). Anything else came from a
 * hostile or broken catalogue and would reach the shell's prompt line, and the terminal, as
 * it is; shell syntax (`$(…)`, quotes, `;`) is kept out even though the scripts never
 * evaluate what they offer.
 */
export function completableIds(ids: readonly string[]): string[] {
  return ids.filter((id) => /^[A-Za-z0-9/._:@~+-]+$/.test(id));
}
