// What `models` and `models show` do once their flags are parsed (models.ts defines them; this
// loads when one runs, so that other commands' start-up does not pay for it).
import * as z from '../../config/zod.js';
import { loadCatalogue } from '../../app/catalogue.js';
import { catalogueFooter, catalogueTable, jsonEntries, modelRows, queryModels } from '../../app/list-models.js';
import { capabilitiesOf, parseCapabilities } from '../../app/models/capabilities.js';
import { ENDPOINT_HEADER, endpointRows, loadEndpoints, parseHosts, servedByIds } from '../../app/models/catalogue-hosts.js';
import { aliasesByModel } from '../../config/aliases.js';
import type { Runtime } from '../../app/runtime.js';
import { isPresetId, OpenRouterInvalidModelError, suggestModels, UsageError } from '../../core/index.js';
import { renderTable } from '../../ui/render-table.js';
import { terminalSafe, terminalSafeJson } from '../../ui/terminal-safe.js';
import { parseOptions } from '../parse-options.js';

const whole = (what: string) => z.pipe(z.string().check(z.regex(/^\d+$/, `${what} must be a whole number`)), z.transform(Number));

const listSchema = z.object({
  search: z.optional(z.string()),
  free: z._default(z.boolean(), false),
  minContext: z.optional(whole('min context')),
  supports: z.optional(z.string()),
  maxPrice: z.optional(z.pipe(z.string().check(z.regex(/^\d+(\.\d+)?$/, 'max price must be a number of USD per million tokens, like 0.5')), z.transform(Number))),
  servedBy: z.optional(z.string()),
  caps: z._default(z.boolean(), false),
  sort: z._default(z.enum(['id', 'price', 'context']), 'id'),
  limit: z.optional(z.pipe(whole('limit'), z.number().check(z.positive('limit must be above 0')))),
  embeddings: z._default(z.boolean(), false),
  refresh: z._default(z.boolean(), false),
  json: z._default(z.boolean(), false),
});

/** What an empty listing says on stderr: `no model matches "zzzz"` (with the filters in play). */
function noMatch(options: z.infer<typeof listSchema>): string {
  const filters = [
    options.free ? '--free' : '',
    options.minContext !== undefined ? `--min-context ${options.minContext}` : '',
    options.supports !== undefined ? `--supports ${terminalSafe(options.supports)}` : '',
    options.maxPrice !== undefined ? `--max-price ${options.maxPrice}` : '',
    options.servedBy !== undefined ? `--served-by ${terminalSafe(options.servedBy)}` : '',
  ].filter(Boolean);
  const what = options.embeddings ? 'embedding model' : 'model';
  const search = options.search !== undefined ? ` matches "${terminalSafe(options.search)}"` : ' matches';
  return `devsynth-or: no ${what}${search}${filters.length ? ` with ${filters.join(' ')}` : ''}`;
}

/** `models [search]`: the catalogue, filtered and sorted, as a table or JSON. */
export async function listModels(rt: Runtime, search: string | undefined, flags: Record<string, unknown>): Promise<void> {
  const options = parseOptions(listSchema, { ...flags, search });
  // Checked before anything is read or asked: a misspelt capability or host is a usage error.
  const capabilities = options.supports !== undefined ? parseCapabilities(options.supports) : undefined;
  const hosts = options.servedBy !== undefined ? parseHosts(options.servedBy) : undefined;
  if (hosts && options.embeddings) throw new UsageError('--served-by filters the chat models; it does not apply to --embeddings');
  const catalogue = await loadCatalogue(rt, options.embeddings ? 'embeddings' : 'models', { refresh: options.refresh });
  const ids = hosts ? await servedByIds(rt, hosts, catalogue.models) : undefined;
  const { supports: _supports, servedBy: _servedBy, ...query } = options;
  const models = queryModels(catalogue.models, {
    ...query,
    ...(capabilities ? { supports: capabilities } : {}),
    ...(ids ? { ids } : {}),
  });
  const aliases = aliasesByModel((await rt.config()).aliases);
  if (options.json) {
    rt.io.stdout.write(`${terminalSafeJson(jsonEntries(models, aliases), 2)}\n`);
    return;
  }
  if (models.length === 0) {
    // An empty listing must not look like a broken one; the exit code stays 0 (grep's 1 would
    // fail `set -e` scripts over a search).
    rt.io.stderr.write(`${noMatch(options)}\n`);
    return;
  }
  const tty = Boolean(rt.io.stdout.isTTY);
  rt.io.stdout.write(catalogueTable(models, tty, aliases, { capabilities: options.caps }));
  if (tty) rt.io.stderr.write(catalogueFooter(models.length, catalogue.models.length));
}

/** `models show <id>`: the catalogue entry, then the providers serving it (a note on stderr when they cannot be listed). */
export async function showModel(rt: Runtime, typed: string, json: boolean): Promise<void> {
  const loaded = await rt.config();
  const id = loaded.resolveModel(typed);
  if (isPresetId(id)) {
    // A preset is the account's own (a model and its settings): only OpenRouter knows what it is.
    const note = 'a preset: OpenRouter resolves it to a model and its settings when a request uses it (https://openrouter.ai/settings/presets)';
    rt.io.stdout.write(json ? `${terminalSafeJson({ id, preset: true, note }, 2)}\n` : renderTable([['id', id], ['note', note]], { tty: true }));
    return;
  }
  const aliases = aliasesByModel(loaded.aliases);
  const catalogue = await loadCatalogue(rt, 'models');
  const embeddings = catalogue.models.some((m) => m.id === id) ? undefined : await loadCatalogue(rt, 'embeddings').catch(() => undefined);
  // A variant (`:nitro`, `:online`, …) of a listed model is shown as that model.
  const model =
    catalogue.models.find((m) => m.id === id) ?? embeddings?.models.find((m) => m.id === id) ?? catalogue.models.find((m) => m.id === id.replace(/:[^/:]*$/, ''));
  if (!model) {
    const suggestions = suggestModels(id, catalogue.models.map((m) => m.id));
    throw new OpenRouterInvalidModelError(`unknown model "${id}"${id !== typed ? ` (the alias ${typed})` : ''}`, {
      hint: suggestions.length ? `did you mean ${suggestions.join(', ')}?` : 'list the models with devsynth-or models',
    });
  }
  const { endpoints, note } = await loadEndpoints(rt, model.id);
  if (note) rt.io.stderr.write(`devsynth-or: ${terminalSafe(note)}\n`);
  if (json) {
    const [entry] = jsonEntries([model], aliases);
    rt.io.stdout.write(`${terminalSafeJson({ ...entry, endpoints: endpoints?.endpoints ?? null }, 2)}\n`);
    return;
  }
  const [row] = modelRows([model]);
  const list = (values: unknown) => (Array.isArray(values) ? values.map(String).join(', ') : '');
  const lines: Array<[string, string]> = [
    ['id', model.id],
    ...(aliases.has(model.id) ? [['aliases', (aliases.get(model.id) ?? []).join(', ')] as [string, string]] : []),
    ['name', model.name ?? ''],
    ['context', row?.[1] ?? '?'],
    ['$/M input', row?.[2] ?? ''],
    ['$/M output', row?.[3] ?? ''],
    ['max output', String(model.top_provider?.max_completion_tokens ?? '?')],
    ['modality', model.architecture?.modality ?? ''],
    ['input', list(model.architecture?.input_modalities)],
    ['output', list(model.architecture?.output_modalities)],
    ['capabilities', capabilitiesOf(model).join(', ') || 'none of tools, vision, pdf, audio, structured, reasoning'],
    ['parameters', (model.supported_parameters ?? []).join(', ')],
    ['description', String(model.description ?? '').replace(/\s+/g, ' ')],
  ];
  rt.io.stdout.write(renderTable(lines, { tty: true }));
  if (!endpoints) return;
  rt.io.stdout.write(`\nproviders serving it (${endpoints.endpoints.length}):\n`);
  if (endpoints.endpoints.length === 0) return;
  rt.io.stdout.write(renderTable(endpointRows(endpoints.endpoints), { tty: true, right: new Set([3, 5, 6, 7]), decimal: new Set([1, 2]), header: ENDPOINT_HEADER }));
}
