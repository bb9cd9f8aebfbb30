// `devsynth-or embed [text...]`: parse and validate the flags, then hand over to runEmbed.
import { Command } from 'commander';
import type { Runtime } from '../../app/runtime.js';
import { parseOptions } from '../parse-options.js';

export function embedCommand(runtime: () => Runtime): Command {
  return new Command('embed')
    .description('embedding vectors for texts, one NDJSON line per input, in input order')
    .argument('[text...]', 'texts to embed (each argument is one input)')
    .option('-f, --file <path>', 'embed each non-empty line of this file (read as it goes; a line is at most 1 MB)')
    .option('-m, --model <id>', 'embedding model (default: config embedding_model)')
    .option('--batch-size <n>', 'inputs per request', '100')
    .option('--concurrency <n>', 'requests in flight at once', '4')
    .option('--no-cache', 'do not read or write the on-disk vector cache')
    .option('--max-cost <usd>', 'spend at most this many USD in this run: a request that could cost more is not sent (exit 11)')
    .option('--json', 'one JSON object {model, data, usage} instead of NDJSON (at most 10,000 inputs)')
    .addHelpText('after', '\nExamples:\n  devsynth-or embed "first text" "second text"\n  devsynth-or embed -f sentences.txt > vectors.ndjson\n  cat notes.txt | devsynth-or embed --json | jq ".data | length"')
    .action(async (texts: string[], flags: Record<string, unknown>) => {
      // Loaded when the command runs: other commands' start-up does not pay for it.
      const { embedSchema } = await import('./embed-options.js');
      const options = parseOptions(embedSchema, { ...flags, texts });
      const { runEmbed } = await import('../../app/run-embed.js');
      await runEmbed(runtime(), options);
    });
}
