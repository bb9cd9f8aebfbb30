// `devsynth-or models [search]` and `devsynth-or models show <id>`.
import { Command, Option } from 'commander';
import * as z from '../../config/zod.js';
import { loadCatalogue } from '../../app/catalogue.js';
import { catalogueTable, modelRows, queryModels, withAliases } from '../../app/list-models.js';
import { aliasesByModel } from '../../config/aliases.js';
import type { Runtime } from '../../app/runtime.js';
import { isPresetId, OpenRouterInvalidModelError, suggestModels } from '../../core/index.js';
import { renderTable } from '../../ui/render-table.js';
import { terminalSafe, terminalSafeJson } from '../../ui/terminal-safe.js';
import { parseOptions } from '../parse-options.js';

const whole = (what: string) => z.pipe(z.string().check(z.regex(/^\d+$/, `${what} must be a whole number`)), z.transform(Number));

const listSchema = z.object({
  search: z.optional(z.string()),
  free: z._default(z.boolean(), false),
  minContext: z.optional(whole('min context')),
  sort: z._default(z.enum(['id', 'price', 'context']), 'id'),
  limit: z.optional(z.pipe(whole('limit'), z.number().check(z.positive('limit must be above 0')))),
  embeddings: z._default(z.boolean(), false),
  refresh: z._default(z.boolean(), false),
  json: z._default(z.boolean(), false),
});

/** What an empty listing says on stderr: `no model matches "zzzz"` (with the filters in play). */
function noMatch(options: { search?: string | undefined; free: boolean; minContext?: number | undefined; embeddings: boolean }): string {
  const filters = [options.free ? '--free' : '', options.minContext !== undefined ? `--min-context ${options.minContext}` : ''].filter(Boolean);
  const what = options.embeddings ? 'embedding model' : 'model';
  const search = options.search !== undefined ? ` matches "${terminalSafe(options.search)}"` : ' matches';
  return `devsynth-or: no ${what}${search}${filters.length ? ` with ${filters.join(' ')}` : ''}`;
}

export function modelsCommand(runtime: () => Runtime): Command {
  const command = new Command('models')
    .description('list the OpenRouter model catalogue (cached for a day; no key needed)')
    .argument('[search]', 'only ids or names containing this')
    .option('--free', 'only free models')
    .option('--min-context <n>', 'only models with at least this many tokens of context')
    .addOption(new Option('--sort <key>', 'the order').choices(['id', 'price', 'context']).default('id'))
    .option('--limit <n>', 'at most this many')
    .option('--embeddings', 'the embedding models instead')
    .option('--refresh', 'fetch the catalogue again now')
    .option('--json', 'print the model objects as a JSON array')
    .addHelpText('after', '\nExamples:\n  devsynth-or models --free\n  devsynth-or models claude --sort price\n  devsynth-or models --min-context 200000 --limit 5\n  devsynth-or models show openai/gpt-4o-mini')
    .action(async (search: string | undefined, flags: Record<string, unknown>) => {
      const options = parseOptions(listSchema, { ...flags, search });
      const rt = runtime();
      const catalogue = await loadCatalogue(rt, options.embeddings ? 'embeddings' : 'models', { refresh: options.refresh });
      const models = queryModels(catalogue.models, options);
      const aliases = aliasesByModel((await rt.config()).aliases);
      if (options.json) {
        rt.io.stdout.write(`${terminalSafeJson(withAliases(models, aliases), 2)}\n`);
        return;
      }
      if (models.length === 0) {
        // An empty listing must not look like a broken one; the exit code stays 0 (grep's 1 would
        // fail `set -e` scripts over a search).
        rt.io.stderr.write(`${noMatch(options)}\n`);
        return;
      }
      const tty = Boolean(rt.io.stdout.isTTY);
      rt.io.stdout.write(catalogueTable(models, tty, aliases));
      if (tty) rt.io.stderr.write(`${models.length} of ${catalogue.models.length} models\n`);
    });

  command
    .command('show')
    .description("one model's details")
    .argument('<id>', 'model id or alias')
    .option('--json', 'print the model object as JSON')
    // `models show <id> --json`: the parent's own --json takes the flag first (commander reads a
    // parent's options anywhere on the line), so both levels are asked.
    .action(async (typed: string, _flags: unknown, self: Command) => {
      const flags = self.optsWithGlobals<{ json?: boolean }>();
      const rt = runtime();
      const loaded = await rt.config();
      const id = loaded.resolveModel(typed);
      if (isPresetId(id)) {
        // A preset is the account's own (a model and its settings): only OpenRouter knows what it is.
        const note = 'a preset: OpenRouter resolves it to a model and its settings when a request uses it (https://openrouter.ai/settings/presets)';
        rt.io.stdout.write(flags.json ? `${terminalSafeJson({ id, preset: true, note }, 2)}\n` : renderTable([['id', id], ['note', note]], { tty: true }));
        return;
      }
      const aliases = aliasesByModel(loaded.aliases);
      const catalogue = await loadCatalogue(rt, 'models');
      const embeddings = catalogue.models.some((m) => m.id === id) ? undefined : await loadCatalogue(rt, 'embeddings').catch(() => undefined);
      // A variant (`:nitro`, `:online`, …) of a listed model is shown as that model.
      const model = catalogue.models.find((m) => m.id === id) ?? embeddings?.models.find((m) => m.id === id) ?? catalogue.models.find((m) => m.id === id.replace(/:[^/:]*$/, ''));
      if (!model) {
        const suggestions = suggestModels(id, catalogue.models.map((m) => m.id));
        throw new OpenRouterInvalidModelError(`unknown model "${id}"${id !== typed ? ` (the alias ${typed})` : ''}`, {
          hint: suggestions.length ? `did you mean ${suggestions.join(', ')}?` : 'list the models with devsynth-or models',
        });
      }
      if (flags.json) {
        rt.io.stdout.write(`${terminalSafeJson(withAliases([model], aliases)[0], 2)}\n`);
        return;
      }
      const [row] = modelRows([model]);
      const lines: Array<[string, string]> = [
        ['id', model.id],
        ...(aliases.has(model.id) ? [['aliases', (aliases.get(model.id) ?? []).join(', ')] as [string, string]] : []),
        ['name', model.name ?? ''],
        ['context', row?.[1] ?? '?'],
        ['$/M input', row?.[2] ?? ''],
        ['$/M output', row?.[3] ?? ''],
        ['max output', String(model.top_provider?.max_completion_tokens ?? '?')],
        ['modality', model.architecture?.modality ?? ''],
        ['parameters', (model.supported_parameters ?? []).join(', ')],
        ['description', String(model.description ?? '').replace(/\s+/g, ' ')],
      ];
      rt.io.stdout.write(renderTable(lines, { tty: true }));
    });
  return command;
}
