// `devsynth-or models recommend "<task>"`: a short ranked list from the cached catalogue, with
// the reasons for each (app/models/rank-models.ts ranks; app/models/recommend.ts reads the task).
import { Command, Option } from 'commander';
import * as z from '../../config/zod.js';
import { formatPrice } from '../../app/list-models.js';
import { catalogueForRanking, KEYWORD_HELP, readTask } from '../../app/models/recommend.js';
import { formatTokens, POLICIES, rankModels } from '../../app/models/rank-models.js';
import type { Runtime } from '../../app/runtime.js';
import { renderTable } from '../../ui/render-table.js';
import { terminalSafe, terminalSafeJson } from '../../ui/terminal-safe.js';
import { parseOptions } from '../parse-options.js';

const whole = (what: string) => z.pipe(z.string().check(z.trim(), z.regex(/^\d+$/, `${what} must be a whole number`)), z.transform(Number));

const schema = z.object({
  task: z.string(),
  maxPrice: z.optional(z.pipe(z.string().check(z.trim(), z.regex(/^\d+(\.\d+)?$/, 'max price must be a number of USD (0 or more)')), z.transform(Number))),
  minContext: z.optional(z.pipe(whole('min context'), z.number().check(z.positive('min context must be above 0')))),
  free: z._default(z.boolean(), false),
  pick: z.optional(z.enum(POLICIES, 'pick must be cheapest, fastest or best')),
  json: z._default(z.boolean(), false),
  limit: z._default(z.pipe(whole('limit'), z.number().check(z.positive('limit must be above 0'))), 5),
});

const POLICY_HELP = `The policies (the catalogue has prices, context, capabilities and dates; no speed or
quality figures, so these are proxies, and say so):
  cheapest  prompt price, then completion price (free first), then the larger context
  fastest   :nitro variants, then models named small (mini, nano, flash, haiku, lite, …, or
            at most 15B parameters), paid before :free, then the cheaper output
  best      a score: price tier ×3, recency ×2, one point per capability, context tier;
            ties to the newer, then the cheaper
  Best leans to the pricier tiers: bound it with --max-price.
Routers (openrouter/auto, openrouter/free, variable prices) and embedding models never appear.
chat -m auto --pick … ranks the same way, from the prompt's own needs (without --pick: best).`;

export function recommendCommand(runtime: () => Runtime): Command {
  return new Command('recommend')
    .description('a short ranked list of models for a task, with the reasons (offline from the cached catalogue)')
    .argument('<task>', 'what the model is for, in words: "review python code", "read a 300-page pdf cheaply"')
    .option('--max-price <usd>', 'only models at most this many USD per million prompt tokens')
    .option('--min-context <n>', 'only models with at least this many tokens of context')
    .option('--free', 'only free models')
    .addOption(new Option('--pick <policy>', 'the order, instead of the one the task implies').choices([...POLICIES]))
    .option('--limit <n>', 'at most this many (default 5)')
    .option('--json', 'print the ranked models as a JSON array, with their reasons')
    .addHelpText('after', `\n${KEYWORD_HELP}\n\n${POLICY_HELP}\n\nExamples:\n  devsynth-or models recommend "describe screenshots, cheap"\n  devsynth-or models recommend "refactor a large codebase" --max-price 3 --json`)
    // The parent's own --free, --min-context, --limit, --json take those flags first (commander
    // reads a parent's options anywhere on the line): both levels are asked.
    .action(async (task: string, _flags: unknown, self: Command) => {
      const options = parseOptions(schema, { ...self.optsWithGlobals(), task });
      const rt = runtime();
      const catalogue = await catalogueForRanking(rt, 'models recommend');
      const reading = readTask(task);
      const policy = options.pick ?? reading.policy;
      const ranking = rankModels(catalogue, reading.needs, options, policy);
      const shown = ranking.candidates.slice(0, options.limit);
      if (options.json) {
        const rows = shown.map((model, index) => ({
          rank: index + 1,
          id: model.id,
          name: model.name,
          context_length: model.context ?? null,
          price: { prompt: model.promptPrice, completion: model.completionPrice },
          capabilities: model.capabilities,
          free: model.free,
          ...(model.freeVariant ? { free_variant: model.freeVariant } : {}),
          policy,
          reasons: model.reasons,
        }));
        rt.io.stdout.write(`${terminalSafeJson(rows, 2)}\n`);
      }
      const tty = Boolean(rt.io.stdout.isTTY);
      if (tty) {
        const needs = [...reading.needs.capabilities, ...(reading.needs.contextTokens ? [`${formatTokens(reading.needs.contextTokens)} context`] : []), ...(reading.needs.code ? ['code'] : [])];
        rt.io.stderr.write(`devsynth-or: needs ${needs.length ? needs.join(', ') : 'nothing in particular'}; policy ${policy}\n`);
      }
      if (shown.length === 0) {
        const [most] = ranking.excluded;
        rt.io.stderr.write(`devsynth-or: no model fits${most ? ` (${terminalSafe(most.constraint)} rules out ${most.count} of ${ranking.considered})` : ''}\n`);
        return;
      }
      if (options.json) return;
      const rows = shown.map((model, index) => [String(index + 1), model.id, model.context ? String(model.context) : '?', formatPrice(model.promptPrice / 1e6), formatPrice(model.completionPrice / 1e6), model.reasons.slice(1).join('; ')]);
      rt.io.stdout.write(renderTable(rows, { tty, right: new Set([0, 2]), decimal: new Set([3, 4]), header: ['#', 'id', 'context', '$/M in', '$/M out', 'why'] }));
    });
}
