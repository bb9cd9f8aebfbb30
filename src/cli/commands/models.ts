// `devsynth-or models [search]` and `devsynth-or models show <id>`: the flags; models-action.ts
// does the work.
import { Command, Option } from 'commander';
import type { Runtime } from '../../app/runtime.js';
import { recommendCommand } from './models-recommend.js';

export function modelsCommand(runtime: () => Runtime): Command {
  const command = new Command('models')
    .description('list the OpenRouter model catalogue (cached for a day; no key needed)')
    .argument('[search]', 'only ids or names containing this')
    .option('--free', 'only free models')
    .option('--min-context <n>', 'only models with at least this many tokens of context')
    .option('--supports <list>', 'only models with all of these: tools, vision, pdf, audio, structured, reasoning (from the catalogue\'s input modalities and supported parameters)')
    .option('--max-price <usd>', 'only models whose prompt (input) price is at most this many USD per million tokens; the completion price is not counted, and routers with a variable price are left out')
    .option('--served-by <names>', 'only models OpenRouter lists as served by one of these providers, named as models show lists them (e.g. Groq,"Google AI Studio"; asks GET /models?providers=, so needs the network)')
    .option('--caps', 'the capability column (T tools, V vision, P pdf, A audio, S structured, R reasoning) in piped output too, after the five usual columns; a terminal always shows it')
    .addOption(new Option('--sort <key>', 'the order').choices(['id', 'price', 'context']).default('id'))
    .option('--limit <n>', 'at most this many')
    .option('--embeddings', 'the embedding models instead')
    .option('--refresh', 'fetch the catalogue again now')
    .option('--json', 'print the model objects as a JSON array, each with its capabilities')
    .addHelpText(
      'after',
      '\nThe global --provider chooses the API to ask (openrouter, offline, …); --served-by filters by who hosts a model.\n' +
        '\nExamples:\n  devsynth-or models --free\n  devsynth-or models claude --sort price\n  devsynth-or models --min-context 200000 --limit 5\n' +
        '  devsynth-or models --supports tools,vision --max-price 1\n  devsynth-or models --served-by Groq\n  devsynth-or models show openai/gpt-4o-mini',
    )
    .action(async (search: string | undefined, flags: Record<string, unknown>) => (await import('./models-action.js')).listModels(runtime(), search, flags));

  command
    .command('show')
    .description("one model's details, and the providers serving it (asked of OpenRouter)")
    .argument('<id>', 'model id or alias')
    .option('--json', 'print the model object as JSON, with its capabilities and endpoints (null when they cannot be listed)')
    .addHelpText('after', '\nThe providers come from GET /models/{author}/{slug}/endpoints; OpenRouter reports throughput and latency\n(p50 over the last 30 minutes) only to requests made with a key. When the providers\ncannot be listed, the rest is shown with a note on stderr (exit 0).')
    // `models show <id> --json`: the parent's own --json takes the flag first (commander reads a
    // parent's options anywhere on the line), so both levels are asked.
    .action(async (typed: string, _flags: unknown, self: Command) =>
      (await import('./models-action.js')).showModel(runtime(), typed, Boolean(self.optsWithGlobals<{ json?: boolean }>().json)),
    );
  command.addCommand(recommendCommand(runtime));
  return command;
}
