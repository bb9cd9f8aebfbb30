// `devsynth-or batch <input|->` and `batch merge <files...>`: parse and validate the flags, then
// hand over to runBatch / runMerge.
import { Command } from 'commander';
import type { Runtime } from '../../app/runtime.js';
import { parseOptions } from '../parse-options.js';
import { CONCISE_SCHEMA_HELP } from '../../app/output/concise-schema.js';
import { addRoutingOptions } from './routing-options.js';

const collect = (value: string, previous: string[]) => [...previous, value];

/** The most requests in flight at once: far past any rate limit; a bound on the sockets and memory. */
export const MAX_CONCURRENCY = 64;

/**
 * Runs a batch with V8's young generation free to grow (to 16 MB), which the bin holds at its
 * starting size for a long stream's peak memory. A batch allocates a request's worth of short-lived
 * objects per item: at the starting size it collected so often that a third of its CPU was the
 * collector (10,000 items: 9.0 s CPU, 85 MB; free to grow: 6.1 s, 115 MB; docs/benchmarks.md).
 * The flag is put back before the bin writes the code cache, which V8 refuses under other flags.
 */
async function withYoungGenerationGrowth(run: () => Promise<void>): Promise<void> {
  const { getHeapSpaceStatistics } = await import('node:v8');
  const { setV8Flag } = await import('../v8-flags.js');
  setV8Flag('semi-space-growth-factor', 2);
  // Held at 16 MB: left to itself V8 grows it to 32 MB on Node 20 and to 64 MB on Node 24, where
  // 10,000 items then peaked at 213 MB. At 16 MB: 96 MB on Node 20 and 120-127 MB on Node 24, at
  // the same speed as 32 MB within this machine's noise. V8 grows it a doubling at a time, at a
  // collection: looked at often enough to stop there.
  const watch = setInterval(() => {
    const young = getHeapSpaceStatistics().find((space) => space.space_name === 'new_space')?.space_size ?? 0;
    if (young < YOUNG_GENERATION_BYTES) return;
    setV8Flag('semi-space-growth-factor', 1);
    clearInterval(watch);
  }, 5).unref();
  try {
    await run();
  } finally {
    clearInterval(watch);
    setV8Flag('semi-space-growth-factor', 1);
  }
}

/** The young generation (both its halves) that batch lets V8 grow to. */
const YOUNG_GENERATION_BYTES = 16 * 1024 * 1024;

export function batchCommand(runtime: () => Runtime): Command {
  const command = new Command('batch')
    .description('one chat request per input line (text, JSON Lines, CSV/TSV), NDJSON results; resumable, shardable')
    .argument('<input>', 'the items: a file, or - for standard input (batch merge joins shard outputs)')
    .option('-o, --output <file>', 'write the results here; running again with the same file resumes (answered items are skipped)')
    .option('--ordered', 'write the results in input order (else each as soon as it is done)')
    .option('--concurrency <n>', `requests in flight at once (at most ${MAX_CONCURRENCY})`, '4')
    .option('--shard <i/n>', 'take only this machine\'s share of the items (stable by id or line); batch merge joins the shards')
    .option('--input-format <text|jsonl|csv|tsv>', 'how to read the input (default: by extension; text reads a line starting with "{" as a JSON item)')
    .option('-m, --model <id>', 'model id for every item (an item\'s "model" wins)')
    .option('-s, --system <text>', 'system prompt for every item (an item\'s "system" wins)')
    .option('-t, --temperature <0..2>', 'sampling temperature')
    .option('--max-tokens <n>', 'most tokens in each answer')
    .option('--fallback-model <id>', 'model to try when the first fails (repeatable)', collect, [])
    .option('--template <name>', "a template for every item: CSV/TSV columns and an item's \"vars\" fill its {{variables}}, a plain line is {{input}}")
    .option('-p, --param <name=value>', 'a template variable for every item (repeatable; columns and "vars" win)', collect, [])
    .option('--schema <file|json|concise>', `each answer must be JSON matching this schema (${CONCISE_SCHEMA_HELP}); the result has "data"; a mismatch is that item's error (exit 10 kind)`)
    .option('-a, --attach <path|url>', 'attach an image, PDF or audio file to every item (repeatable; an item\'s "attach" adds its own)', collect, [])
    .option('-q, --quiet', 'no progress and no summary on stderr');
  addRoutingOptions(command)
    .option('--max-cost <usd>', 'spend at most this many USD in this run (exit 11; also budget: in the config)')
    .option('--cache', 'answer identical requests from the on-disk response cache (config cache.responses)')
    .option('--no-cache', 'neither read nor write the response cache')
    .addHelpText(
      'after',
      `
Input: one item per line: a plain prompt, or a JSON object
  {"id": "a1", "prompt": "…" | "messages": [...], "system": "…", "model": "…", "vars": {…}, "attach": ["x.png"], "temperature": 0, "max_tokens": 100}
  CSV/TSV (.csv, .tsv): a header row; the columns are --template variables, an "id" column is the id.
Output: one NDJSON line per item: {"id","index","hash","content" (or "data"),"model","provider","usage","finish_reason"}
  or {"id","index","hash","error":{"kind","message","exit_code"}}, with "usage" when the failed answer was paid for
  (a --schema mismatch). Exit 0: all answered; 12: some failed; or the
  code of the error that stopped the batch (4 auth, 8 breaker open, 9 credits, 11 spend limit).

Examples:
  devsynth-or batch prompts.txt -m openai/gpt-4o-mini > answers.ndjson
  devsynth-or batch items.jsonl -o answers.ndjson --concurrency 8      (run again to resume)
  devsynth-or batch reviews.csv --template classify --schema 'label, confidence num' -o labels.ndjson
  devsynth-or batch items.jsonl --shard 2/3 -o part2.ndjson; devsynth-or batch merge part*.ndjson > all.ndjson`,
    )
    .action(async (input: string, flags: Record<string, unknown>) => {
      const { batchSchema } = await import('./batch-options.js');
      const options = parseOptions(batchSchema, { ...flags, input });
      const { runBatch } = await import('../../app/batch/run-batch.js');
      const rt = runtime();
      rt.quiet = options.quiet;
      await withYoungGenerationGrowth(() => runBatch(rt, options));
    });
  command
    .command('merge')
    .description("join shards' outputs (batch --shard … -o) into one, in input order; warns about gaps and duplicates")
    .argument('<files...>', 'the shard output files')
    .action(async (files: string[]) => {
      const { runMerge } = await import('../../app/batch/merge.js');
      await runMerge(runtime(), files);
    });
  return command;
}
