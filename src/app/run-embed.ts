// `embed`: inputs from arguments, a file and stdin (one per line), vectors from the cache
// where it has them, the rest in batches sent a few at a time; output in input order, each
// line as soon as every earlier one is ready.
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { UsageError } from '../core/index.js';
import { createEmbeddingsCache, textHash } from '../state/embeddings-cache.js';
import { readStdin } from './read-stdin.js';
import type { Runtime } from './runtime.js';

export interface EmbedOptions {
  texts: string[];
  file?: string;
  model?: string;
  batchSize: number;
  concurrency: number;
  cache: boolean;
  json: boolean;
}

const lines = (text: string) => text.split(/\r?\n/).filter((line) => line.trim() !== '');

async function gatherInputs(runtime: Runtime, options: EmbedOptions): Promise<string[]> {
  const inputs = [...options.texts];
  if (options.file) {
    try {
      inputs.push(...lines(readFileSync(resolve(runtime.io.cwd, options.file), 'utf8')));
    } catch (error) {
      throw new UsageError(`cannot read ${options.file}: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`);
    }
  }
  const piped = await readStdin(runtime.io.stdin);
  if (piped) inputs.push(...lines(piped));
  if (inputs.length === 0) {
    throw new UsageError('nothing to embed: give texts as arguments, --file, or lines on standard input');
  }
  return inputs;
}

export async function runEmbed(runtime: Runtime, options: EmbedOptions): Promise<void> {
  const inputs = await gatherInputs(runtime, options);
  const provider = await runtime.provider({ needsKey: true });
  const model = options.model ?? (await provider.resolveEmbeddingModel());
  const cache = createEmbeddingsCache(runtime.paths.cache, runtime.warn);
  const hashes = inputs.map(textHash);
  const known = options.cache ? cache.load(model) : new Map<string, number[]>();
  const results: Array<number[] | undefined> = hashes.map((hash) => known.get(hash));

  // Texts still to fetch, each once even when it repeats.
  const pending = new Map<string, number[]>();
  results.forEach((vector, index) => {
    if (vector) return;
    const hash = hashes[index] as string;
    pending.set(hash, [...(pending.get(hash) ?? []), index]);
  });
  const todo = [...pending.entries()];
  const batches: Array<Array<[string, number[]]>> = [];
  for (let i = 0; i < todo.length; i += options.batchSize) batches.push(todo.slice(i, i + options.batchSize));

  const usage = { prompt_tokens: 0, total_tokens: 0, cost: 0 };
  const { stdout, stderr } = runtime.io;
  const progress = Boolean(stderr.isTTY) && inputs.length >= 100;
  let next = 0;
  let done = inputs.length - todo.reduce((sum, [, indexes]) => sum + indexes.length, 0);
  const flush = () => {
    if (options.json) return;
    let out = '';
    while (next < results.length && results[next]) out += `${JSON.stringify({ index: next, embedding: results[next++] })}\n`;
    if (out) stdout.write(out);
  };
  flush();

  let cursor = 0;
  const worker = async () => {
    while (cursor < batches.length) {
      const batch = batches[cursor++] as Array<[string, number[]]>;
      const texts = batch.map(([, indexes]) => inputs[indexes[0] as number] as string);
      const result = await provider.embed({ input: texts, model });
      result.data.forEach(({ embedding }, i) => {
        for (const index of batch[i]?.[1] ?? []) results[index] = embedding;
      });
      usage.prompt_tokens += result.usage?.prompt_tokens ?? 0;
      usage.total_tokens += result.usage?.total_tokens ?? 0;
      usage.cost += typeof result.usage?.cost === 'number' ? result.usage.cost : 0;
      if (options.cache) await cache.add(model, batch.map(([hash], i) => ({ hash, vector: result.data[i]?.embedding ?? [] })));
      done += batch.reduce((sum, [, indexes]) => sum + indexes.length, 0);
      if (progress) stderr.write(`\rembedding ${done}/${inputs.length}`);
      flush();
    }
  };
  await Promise.all(Array.from({ length: Math.min(options.concurrency, batches.length) }, worker));
  if (progress) stderr.write('\n');
  runtime.debug?.(`embed: ${inputs.length} inputs, ${inputs.length - todo.length} from cache, ${batches.length} requests`);
  if (options.json) {
    const data = results.map((embedding, index) => ({ index, embedding }));
    stdout.write(`${JSON.stringify({ model, data, usage })}\n`);
  }
}
