// `devsynth-or embed [text...]`: parse and validate the flags, then hand over to runEmbed.
import { Command } from 'commander';
import * as z from 'zod';
import type { Runtime } from '../../app/runtime.js';
import { parseOptions } from '../parse-options.js';

const count = (what: string, max: number) =>
  z.string().regex(/^\d+$/, `${what} must be a whole number`).transform(Number).pipe(z.number().min(1, `${what} must be at least 1`).max(max, `${what} is at most ${max}`));

const embedSchema = z.object({
  texts: z.array(z.string()),
  file: z.string().optional(),
  model: z.string().min(1).optional(),
  batchSize: count('batch size', 2048).default(100),
  concurrency: count('concurrency', 32).default(4),
  cache: z.boolean().default(true),
  json: z.boolean().default(false),
});

export function embedCommand(runtime: () => Runtime): Command {
  return new Command('embed')
    .description('embedding vectors for texts, one NDJSON line per input, in input order')
    .argument('[text...]', 'texts to embed (each argument is one input)')
    .option('-f, --file <path>', 'embed each non-empty line of this file')
    .option('-m, --model <id>', 'embedding model (default: config embedding_model)')
    .option('--batch-size <n>', 'inputs per request', '100')
    .option('--concurrency <n>', 'requests in flight at once', '4')
    .option('--no-cache', 'do not read or write the on-disk vector cache')
    .option('--json', 'one JSON object {model, data, usage} instead of NDJSON')
    .addHelpText('after', '\nExamples:\n  devsynth-or embed "first text" "second text"\n  devsynth-or embed -f sentences.txt > vectors.ndjson\n  cat notes.txt | devsynth-or embed --json | jq ".data | length"')
    .action(async (texts: string[], flags: Record<string, unknown>) => {
      const options = parseOptions(embedSchema, { ...flags, texts });
      // Loaded when the command runs: other commands' start-up does not pay for it.
      const { runEmbed } = await import('../../app/run-embed.js');
      await runEmbed(runtime(), options);
    });
}
