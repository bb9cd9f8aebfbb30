// `embed`: inputs from arguments, a file and stdin (one per line), read as they are needed;
// vectors from the cache where it has them (one look-up per text, nothing else read), the rest
// in batches sent a few at a time; output in input order, each line as soon as every earlier
// one is ready. Memory stays bounded whatever the input's length: reading waits while too many
// inputs are unwritten, and only those are held, each as the JSON text of its vector (a
// million lines take what a thousand do). A vector is printed as the text it is cached as, so
// that a cached run's output is byte for byte the uncached one's.
import { open } from 'node:fs/promises';
import { resolve } from 'node:path';
import { CancelledError, UsageError } from '../core/index.js';
import { createEmbeddingsCache, textHash } from '../state/embeddings-cache.js';
import { fileProblem, readLines } from './read-lines.js';
import { costOfFailure, openBudget } from './budget/guard.js';
import { assumedPrices, embedWorstCase } from './budget/worst-case.js';
import type { Runtime } from './runtime.js';

export interface EmbedOptions {
  texts: string[];
  file?: string;
  model?: string;
  batchSize: number;
  concurrency: number;
  cache: boolean;
  json: boolean;
  /** The most this run may spend, in USD (app/budget). */
  maxCost?: number;
}

/**
 * --json prints one object at the end, so every vector waits in memory until then: at most
 * this many inputs (10,000 vectors of 3,072 dimensions are about 250 MB). NDJSON, the default,
 * has no such limit.
 */
export const MAX_JSON_INPUTS = 10_000;

/** Every input in order: the arguments, then the file's non-empty lines, then stdin's. */
async function openInputs(runtime: Runtime, options: EmbedOptions): Promise<AsyncGenerator<string>> {
  // Opened now: a file that cannot be read fails before anything is sent.
  const file = options.file ? await open(resolve(runtime.io.cwd, options.file)).catch((error: unknown) => {
    throw new UsageError(`cannot read ${options.file}: ${fileProblem(error)}`);
  }) : undefined;
  const nonEmpty = async function* (lines: AsyncIterable<string>) {
    for await (const line of lines) if (line.trim() !== '') yield line;
  };
  return (async function* () {
    yield* options.texts;
    if (file && options.file) {
      try {
        yield* nonEmpty(readLines(file.createReadStream(), options.file));
      } catch (error) {
        if (error instanceof UsageError) throw error;
        throw new UsageError(`cannot read ${options.file}: ${fileProblem(error)}`);
      }
    }
    if (!runtime.io.stdin.isTTY) yield* nonEmpty(readLines(runtime.io.stdin, 'standard input'));
  })();
}

/** The inputs, with the first one already read (there is at least one), or a usage error. */
async function firstInputs(runtime: Runtime, options: EmbedOptions): Promise<AsyncIterable<string> | Iterable<string>> {
  const inputs = await openInputs(runtime, options);
  const first = await inputs.next();
  if (first.done) {
    throw new UsageError('nothing to embed: give texts as arguments, --file, or lines on standard input');
  }
  if (options.json) {
    // Read ahead in full, so that an input too long for --json is refused before anything is sent.
    const all = [first.value];
    for await (const input of inputs) {
      if (all.length === MAX_JSON_INPUTS) {
        throw new UsageError(`--json holds every vector in memory: at most ${MAX_JSON_INPUTS.toLocaleString('en-US')} inputs`, {
          hint: 'leave out --json: one NDJSON line per input, any number of them (jq -s collects them)',
        });
      }
      all.push(input);
    }
    return all;
  }
  return (async function* () {
    yield first.value;
    yield* inputs;
  })();
}

/** An input read and not yet written: its vector's JSON text ("[…]"), once known. */
interface Slot {
  vector?: string;
}

export async function runEmbed(runtime: Runtime, options: EmbedOptions): Promise<void> {
  const inputs = await firstInputs(runtime, options);
  const provider = await runtime.provider({ needsKey: true });
  const model = (await runtime.config()).resolveModel(options.model) ?? (await provider.resolveEmbeddingModel());
  const cache = options.cache ? createEmbeddingsCache(runtime.paths.cache, { provider: provider.id, endpoint: provider.endpoint(), model }, { warn: runtime.warn }) : undefined;
  const { stdout, stderr } = runtime.io;
  // Spend limits: each batch's worst case is reserved before it is sent (embed records no usage: the ledger keeps its spend).
  const budget = await openBudget(runtime, options);
  const prices = budget && (await assumedPrices(runtime, provider, [model], 'embeddings'))?.[0];

  // Inputs read and not yet written, by index; texts waiting for a vector, by hash (a text
  // that repeats while its vector is on the way is sent once); the batch being filled.
  const unwritten = new Map<number, Slot>();
  const waiting = new Map<string, Slot[]>();
  let batch: Array<{ hash: string; text: string }> = [];
  const inFlight = new Set<Promise<void>>();
  // Enough read ahead to keep every request slot busy and the next batch filling while the
  // oldest one is answered; each unwritten vector is held (about 20 KB at 1,536 dimensions).
  const maxAhead = options.batchSize * (options.concurrency + 2);
  const usage = { prompt_tokens: 0, total_tokens: 0, cost: 0 };
  const collected: string[] = [];
  let read = 0;
  let written = 0;
  let fromCache = 0;
  let requests = 0;
  let failure: { error: unknown } | undefined;
  let stopped = false;
  // Set while stdout's buffer is full (a slow reader on a pipe): writing and reading wait for it to drain.
  let draining: Promise<void> | undefined;
  let endDrainWait = () => {};
  const progress = Boolean(stderr.isTTY);
  let progressShownAt = 0;
  /** "embedding 300/1200" (written of read so far) on a terminal, at most ten times a second. */
  const showProgress = (last = false) => {
    if (!progress || read < 100 || (!last && Date.now() - progressShownAt < 100)) return;
    progressShownAt = Date.now();
    stderr.write(`\rembedding ${written}/${read}${last ? '\n' : ''}`);
  };

  /**
   * Writes every line that is ready, in order, one write a line (no string of many vectors is
   * ever made), until stdout's buffer is full: the rest waits, as text, until it drains. A line
   * is never queued as a copy beside its text, so what a slow reader costs is bounded by the
   * read-ahead.
   */
  const flush = () => {
    for (let slot = unwritten.get(written); slot?.vector && !(draining && !stopped); slot = unwritten.get(written)) {
      if (options.json) collected.push(slot.vector);
      // What JSON.stringify({ index, embedding }) gives, without turning the numbers into text again.
      else if (stdout.write(`{"index":${written},"embedding":${slot.vector}}\n`) === false) waitForDrain();
      unwritten.delete(written);
      written += 1;
    }
    showProgress();
  };
  const waitForDrain = () => {
    const sink = stdout as { once?: (event: 'drain', listener: () => void) => unknown };
    // A sink that never says it drained is written to without waiting.
    if (stopped || !sink.once) return;
    draining = new Promise((done) => {
      const drained = () => {
        draining = undefined;
        done();
      };
      // A reader that went away never drains it: stopping ends the wait too.
      endDrainWait = drained;
      sink.once?.('drain', () => {
        drained();
        flush();
      });
    });
  };

  const send = async (items: Array<{ hash: string; text: string }>) => {
    const reservation = await budget?.reserve(prices && embedWorstCase(prices, items.map((item) => item.text)), `a batch of ${items.length} texts to ${model}`);
    requests += 1;
    const answer = provider.embed({ input: items.map((item) => item.text), model });
    // While the first request is on its way: the cache's set-up for storing its vectors (folders,
    // size count, node:zlib), which would otherwise wait until the answer is in. setImmediate runs
    // it once the request is written (the loop's first wait for the network), beside the server's
    // work: about 2 ms of a one-text run (docs/benchmarks.md).
    if (requests === 1 && cache) setImmediate(() => cache.prepare(items.map((item) => item.hash)));
    const result = await answer.catch(async (error: unknown) => {
      await reservation?.settle(costOfFailure(error), { recorded: false });
      throw error;
    });
    await reservation?.settle(typeof result.usage?.cost === 'number' ? result.usage.cost : undefined, { recorded: false });
    const texts = result.data.map(({ embedding }) => JSON.stringify(embedding));
    texts.forEach((text, i) => {
      const hash = items[i]?.hash as string;
      for (const slot of waiting.get(hash) ?? []) slot.vector = text;
      waiting.delete(hash);
    });
    usage.prompt_tokens += result.usage?.prompt_tokens ?? 0;
    usage.total_tokens += result.usage?.total_tokens ?? 0;
    usage.cost += typeof result.usage?.cost === 'number' ? result.usage.cost : 0;
    cache?.add(items.map((item, i) => ({ hash: item.hash, vector: result.data[i]?.embedding, text: texts[i] as string })));
    flush();
  };
  /** Waits for one request to end; the first failure ends the run. */
  const oneDone = async () => {
    await Promise.race(inFlight);
    if (failure) throw failure.error;
  };
  const dispatch = async () => {
    const items = batch;
    batch = [];
    if (items.length === 0) return;
    while (inFlight.size >= options.concurrency) await oneDone();
    const request: Promise<void> = send(items)
      .catch((error: unknown) => {
        failure ??= { error };
      })
      .finally(() => inFlight.delete(request));
    inFlight.add(request);
  };

  // Ctrl+C, SIGTERM, SIGHUP or a closed stdout: no more is read or sent; what is on the way is
  // written, and the run ends as cancelled (main.ts gives the exit code).
  const stopListening = runtime.io.onInterrupt?.(() => {
    stopped = true;
    endDrainWait();
    flush();
  });
  try {
    for await (const text of inputs) {
      if (stopped) break;
      const slot: Slot = {};
      unwritten.set(read, slot);
      read += 1;
      const hash = textHash(text);
      const cached = cache?.getText(hash);
      if (cached) {
        slot.vector = cached.toString('latin1');
        fromCache += 1;
        flush();
      } else if (waiting.has(hash)) {
        waiting.get(hash)?.push(slot);
      } else {
        waiting.set(hash, [slot]);
        batch.push({ hash, text });
        if (batch.length === options.batchSize) await dispatch();
      }
      if (draining) await draining;
      while (read - written >= maxAhead && !stopped) {
        if (inFlight.size > 0) await oneDone();
        else if (batch.length > 0) await dispatch();
        else break;
      }
    }
    if (!stopped) await dispatch();
    while (inFlight.size > 0) await oneDone();
    if (failure) throw failure.error;
    while (draining && written < read) await draining;
  } finally {
    stopListening?.();
    showProgress(true);
  }
  if (stopped) throw new CancelledError('cancelled by the user');
  if (written < read) throw new Error(`the provider returned ${written} of ${read} vectors`);
  runtime.debug?.(`embed: ${read} inputs, ${fromCache} from cache, ${requests} requests`);
  if (options.json) writeJson(stdout, model, collected, usage);
}

/** The --json object, written a piece at a time: one string of it all could exceed V8's limit. */
function writeJson(stdout: Runtime['io']['stdout'], model: string, vectors: string[], usage: Record<string, number>): void {
  stdout.write(`{"model":${JSON.stringify(model)},"data":[`);
  for (let start = 0; start < vectors.length; start += 100) {
    const items = vectors.slice(start, start + 100).map((embedding, i) => `{"index":${start + i},"embedding":${embedding}}`);
    stdout.write(`${start > 0 ? ',' : ''}${items.join(',')}`);
  }
  stdout.write(`],"usage":${JSON.stringify(usage)}}\n`);
}
