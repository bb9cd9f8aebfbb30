// Filtering, sorting and formatting the catalogue for `devsynth-or models`.
import type { ModelInfo } from '../core/index.js';
import { renderTable } from '../ui/render-table.js';

export interface ModelQuery {
  search?: string;
  free?: boolean;
  minContext?: number;
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
 * Table rows: id, context, $/M input, $/M output, free mark; with `aliases` (model id → the
 * config's alias names for it, config/aliases.ts) a last column of those names.
 */
export function modelRows(models: readonly ModelInfo[], aliases?: ReadonlyMap<string, readonly string[]>): string[][] {
  return models.map((model) => [
    model.id,
    model.context_length === null || model.context_length === undefined ? '?' : String(model.context_length),
    formatPrice(model.pricing?.prompt),
    formatPrice(model.pricing?.completion),
    isFree(model) ? 'free' : '',
    ...(aliases?.size ? [(aliases.get(model.id) ?? []).join(',')] : []),
  ]);
}

/**
 * The `models` listing: an aligned table with a header for a terminal, else tab-separated rows.
 * An aliases column only when the config has aliases: a script reading five columns keeps them.
 */
export function catalogueTable(models: readonly ModelInfo[], tty: boolean, aliases?: ReadonlyMap<string, readonly string[]>): string {
  const header = ['id', 'context', '$/M in', '$/M out', '', ...(aliases?.size ? ['aliases'] : [])];
  return renderTable(modelRows(models, aliases), { tty, right: new Set([1]), decimal: new Set([2, 3]), header });
}

/** The `models --json` objects, each with `aliases: [...]` when the config has aliases for it. */
export function withAliases(models: readonly ModelInfo[], aliases: ReadonlyMap<string, readonly string[]>): ModelInfo[] {
  return models.map((model) => (aliases.has(model.id) ? { ...model, aliases: [...(aliases.get(model.id) ?? [])] } : model));
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
