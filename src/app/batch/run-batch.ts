// `devsynth-or batch <input|->`: items read as a stream, each sent through answerItem a few at a
// time (one provider for the whole batch: its pacing and the shared circuit breaker), one NDJSON
// line per item as soon as it is done (or in input order with --ordered, reading no further
// ahead than a bounded window). One item's failure never stops the others; an error that would
// fail every item (auth, an open breaker, no credits, a spend limit) stops the batch at once:
// nothing more is sent, the items in flight finish, and the run ends with that error's code.
import { createHash } from 'node:crypto';
import { resolve } from 'node:path';
import {
  BatchIncompleteError,
  CancelledError,
  type ChatMessage,
  DevsynthError,
  EXIT_CODES,
  type ErrorKind,
  redactSecrets,
  type Usage,
  UsageError,
} from '../../core/index.js';
import { terminalSafeJson } from '../../ui/terminal-safe.js';
import { openBudget } from '../budget/guard.js';
import { readAttachment } from '../inputs/attachments.js';
import { prepareOutput } from '../output/prepare-output.js';
import { chatRouting, type RoutingFlags } from '../routing.js';
import { attachmentPath, schemaArgument } from '../templates/apply-template.js';
import { parseParams } from '../templates/render-template.js';
import { loadTemplate } from '../templates/template-files.js';
import type { Runtime } from '../runtime.js';
import { answerItem, type BatchContext, type ItemAnswer, itemRequest } from './answer-item.js';
import { itemKey, type ReadItem } from './items.js';
import { lockOutputFile, openOutputFile, type OutputFile } from './output-file.js';
import { BatchProgress, type BatchCounts } from './progress.js';
import { countItems, type InputFormat, inputFormatOf, openInput } from './read-items.js';

export interface BatchOptions extends RoutingFlags {
  input: string;
  inputFormat?: InputFormat;
  output?: string;
  ordered: boolean;
  concurrency: number;
  /** --shard i/n: this run takes the items whose key hashes to i-1 modulo n. */
  shard?: { index: number; count: number };
  model?: string;
  system?: string;
  temperature?: number;
  maxTokens?: number;
  fallbackModel: string[];
  template?: string;
  param: string[];
  schema?: string;
  attach: string[];
  quiet: boolean;
  /** The most this run may spend, in USD (app/budget, wired around answerItem). */
  maxCost?: number;
  /** --cache / --no-cache (the response cache, wired around answerItem). */
  cache?: boolean;
}

/** How long usage records gather before they are written as one group. */
const USAGE_GROUP_MS = 250;

/** Errors that would fail every item after them: the batch stops at the first. */
const STOPPING: ReadonlySet<ErrorKind> = new Set(['auth', 'circuit_open', 'credits', 'spend_limit']);

/** Which shard an item belongs to (0-based): stable across machines and runs. */
export function shardOf(key: string, count: number): number {
  return createHash('sha256').update(key).digest().readUInt32BE(0) % count;
}

/** The batch's shared context: flags, template, provider, schema and attachments, once. */
async function batchContext(runtime: Runtime, options: BatchOptions): Promise<BatchContext> {
  if (options.model === 'auto') throw new UsageError('-m auto chooses a model per prompt in chat; batch takes a model id or alias');
  if (options.param.length > 0 && !options.template) throw new UsageError("-p/--param fills a template's variables: it needs --template NAME");
  const template = options.template ? loadTemplate(runtime.io, options.template) : undefined;
  const data = template?.data;
  const params = new Map([...Object.entries(data?.defaults ?? {}).map(([name, value]): [string, string] => [name, String(value)]), ...parseParams(options.param)]);
  const typedModel = options.model ?? data?.model;
  const temperature = options.temperature ?? data?.temperature;
  const maxTokens = options.maxTokens ?? data?.max_tokens;
  const flags = { ...(typedModel ? { model: typedModel } : {}), ...(temperature !== undefined ? { temperature } : {}), ...(maxTokens !== undefined ? { maxTokens } : {}) };
  const provider = await runtime.provider({ needsKey: true, flags });
  const loaded = await runtime.config(flags);
  const routing = chatRouting(options, loaded, typedModel, provider.id, runtime.warn);
  if (options.fallbackModel.length > 0 && provider.id !== 'openrouter') runtime.warn(`--fallback-model is OpenRouter's; ${provider.id} ignores it`);
  const model = loaded.resolveModel(typedModel);
  const schemaSpec = options.schema ?? (template ? schemaArgument(template) : undefined);
  const output = schemaSpec !== undefined ? await prepareOutput(runtime, { json: false, schema: schemaSpec }, { providerId: provider.id, ...((model ?? provider.model) ? { model: model ?? provider.model } : {}) }) : undefined;
  const attach = [...options.attach, ...(template ? (data?.attach ?? []).map((entry) => attachmentPath(template, entry)) : [])];
  const media = [];
  for (const source of attach) {
    if (source === '-') throw new UsageError('batch cannot attach standard input (-a -): name a file');
    media.push(await readAttachment(runtime, source, undefined));
  }
  const settings = loaded.config.llm.providers[provider.id as keyof typeof loaded.config.llm.providers];
  const budget = await openBudget(runtime, options);
  const cacheWanted = options.cache ?? loaded.config.cache?.responses ?? false;
  return {
    runtime,
    provider,
    loaded,
    defaultMaxTokens: settings?.max_tokens ?? 4096,
    ...(budget ? { budget } : {}),
    ...(cacheWanted
      ? { cache: { flag: options.cache, config: loaded.config.cache, defaults: { temperature: settings?.temperature, max_tokens: settings?.max_tokens, routing: settings && 'routing' in settings ? settings.routing : undefined } } }
      : {}),
    ...(model ? { model } : {}),
    fallbacks: options.fallbackModel.map((id) => loaded.resolveModel(id) ?? id),
    ...(options.system !== undefined ? { system: options.system } : {}),
    ...(temperature !== undefined ? { temperature } : {}),
    ...(maxTokens !== undefined ? { maxTokens } : {}),
    routing,
    ...(template ? { template } : {}),
    params,
    media,
    ...(output?.shaper ? { schema: { shaper: output.shaper, ...(output.extra ? { extra: output.extra } : {}), instructions: output.instructions as ChatMessage[] } } : {}),
  };
}

/** How an item ended: its answer, or its error (with the usage of an answer that failed its check afterwards). */
type Outcome = { answer: ItemAnswer } | { error: unknown; usage?: Usage | null };

/** The result line of an item: its answer, or its error. */
function resultLine(read: ReadItem, outcome: Outcome): string {
  const head = { id: read.id, index: read.index, hash: read.hash };
  if ('answer' in outcome) {
    const { answer } = outcome;
    const body = answer.data !== undefined ? { data: answer.data } : { content: answer.content };
    return `${terminalSafeJson({ ...head, ...body, model: answer.model, provider: answer.provider, usage: answer.usage, finish_reason: answer.finish_reason, ...(answer.cached ? { cached: true } : {}) })}\n`;
  }
  const { error } = outcome;
  const json =
    error instanceof DevsynthError
      ? error.toJSON()
      : { kind: 'internal', message: `unexpected error: ${error instanceof Error ? error.message : String(error)}`, exit_code: EXIT_CODES.internal };
  if (error instanceof DevsynthError && error.partialContent) json.partial_content = error.partialContent;
  // What the failure cost, when it was paid for: a CI job sees it beside the error.
  const usage = 'usage' in outcome && outcome.usage ? { usage: outcome.usage } : {};
  return `${redactSecrets(terminalSafeJson({ ...head, error: json, ...usage }))}\n`;
}

const kindOf = (error: unknown): string => (error instanceof DevsynthError ? error.kind : 'internal');

export async function runBatch(runtime: Runtime, options: BatchOptions): Promise<void> {
  const outputPath = options.output !== undefined ? resolve(runtime.io.cwd, options.output) : undefined;
  // One writer per output file, for the whole run: taken before anything is read or sent.
  const release = outputPath ? await lockOutputFile(outputPath, options.output as string) : undefined;
  try {
    await runBatchLocked(runtime, options, outputPath);
  } finally {
    release?.();
  }
}

async function runBatchLocked(runtime: Runtime, options: BatchOptions, outputPath: string | undefined): Promise<void> {
  const format = inputFormatOf(options.input, options.inputFormat);
  const input = await openInput(runtime, options.input, format);
  const context = await batchContext(runtime, options);
  const file: OutputFile | undefined = outputPath ? openOutputFile(outputPath, options.output as string, runtime.warn) : undefined;
  const { stdout, stderr } = runtime.io;
  const progress = new BatchProgress(stderr, Boolean(stderr.isTTY) && !options.quiet);
  if (stderr.isTTY && input.path && !options.quiet && !options.shard) {
    // Counted beside the batch (a fast read of the bytes): until then the line shows done only.
    countItems(input.path, format).then(
      (total) => (progress.total = total),
      () => undefined,
    );
  }

  const counts: BatchCounts = { succeeded: 0, failed: 0, failedByKind: new Map(), skipped: 0, cost: 0 };
  const inFlight = new Set<Promise<void>>();
  // One controller per item in flight (a listener per request on one shared signal would pile
  // up: adding one is linear in how many it has). Ctrl+C aborts those in flight.
  const controllers = new Set<AbortController>();
  let stopped = false;
  let stopError: DevsynthError | undefined;
  // Usage is recorded a group at a time: each record is a locked, synced update of the usage
  // file (milliseconds), which one per item would make the batch's pace. A group is what came in
  // USAGE_GROUP_MS; a run killed in between loses that much of its usage record (its output has it).
  const usageStore = runtime.usage();
  let unrecorded: Array<{ model: string; usage: Usage | undefined; provider?: string }> = [];
  let recording: Promise<void> = Promise.resolve();
  let groupTimer: NodeJS.Timeout | undefined;
  /** The group being gathered; its promise settles once the group is in the usage file. */
  let nextGroup: { written: Promise<void>; done: () => void; failed: (error: unknown) => void } | undefined;
  const writeGroup = () => {
    clearTimeout(groupTimer);
    groupTimer = undefined;
    const group = unrecorded;
    const waiting = nextGroup;
    unrecorded = [];
    nextGroup = undefined;
    if (group.length === 0 || !waiting) return;
    recording = recording.then(() => usageStore.recordMany(group)).then(waiting.done, waiting.failed);
  };
  const record = (entry: (typeof unrecorded)[number]): Promise<void> => {
    unrecorded.push(entry);
    if (!nextGroup) {
      let done = () => {};
      let failed: (error: unknown) => void = () => {};
      const written = new Promise<void>((resolve, reject) => ((done = resolve), (failed = reject)));
      // Nobody may wait on it (no budget): a failure is the store's warning, not an unhandled rejection.
      written.catch(() => undefined);
      nextGroup = { written, done, failed };
    }
    groupTimer ??= setTimeout(writeGroup, USAGE_GROUP_MS);
    return nextGroup.written;
  };
  // Budget reservations are settled once their item's usage is in the usage file (both count
  // for a moment, never neither); the run ends after every one of them.
  const settling = new Set<Promise<void>>();
  // --ordered: the items read and not yet written, in input order; each gets its line once done.
  const window: Array<{ line?: string; key: string }> = [];
  const maxAhead = options.concurrency * 4 + 16;
  let draining: Promise<void> | undefined;
  let endDrainWait = () => {};

  const emit = (line: string, key: string) => {
    if (file) return file.write(line, key);
    if (stdout.write(line) === false && !draining && !stopped) {
      const sink = stdout as { once?: (event: 'drain', listener: () => void) => unknown };
      draining = new Promise((done) => {
        endDrainWait = done;
        sink.once?.('drain', done) ?? done();
      });
    }
  };
  const flushWindow = () => {
    while (window.length > 0 && window[0]?.line !== undefined) {
      const slot = window.shift() as { line: string; key: string };
      emit(slot.line, slot.key);
    }
  };
  const finish = (read: ReadItem, slot: { line?: string; key: string } | undefined, outcome: Outcome) => {
    // A cached answer cost nothing this run; a failed one may have (its usage says).
    const cost = 'answer' in outcome ? (outcome.answer.cached ? undefined : outcome.answer.usage?.cost) : outcome.usage?.cost;
    if (typeof cost === 'number' && Number.isFinite(cost)) counts.cost += cost;
    if ('answer' in outcome) {
      counts.succeeded += 1;
    } else {
      counts.failed += 1;
      const kind = kindOf(outcome.error);
      counts.failedByKind.set(kind, (counts.failedByKind.get(kind) ?? 0) + 1);
    }
    const line = resultLine(read, outcome);
    if (slot) {
      slot.line = line;
      flushWindow();
    } else {
      emit(line, itemKey(read));
    }
    progress.update(counts);
  };
  /** A cancelled item is not done: its slot is dropped and a later run sends it again. */
  const drop = (slot: { line?: string; key: string } | undefined) => {
    const at = slot ? window.indexOf(slot) : -1;
    if (at === -1) return;
    window.splice(at, 1);
    flushWindow();
  };

  const launch = (read: ReadItem, slot: { line?: string; key: string } | undefined) => {
    const task: Promise<void> = (async () => {
      try {
        const request = await itemRequest(context, read.item ?? {});
        if (stopped || stopError) return drop(slot);
        const controller = new AbortController();
        controllers.add(controller);
        const answer = await answerItem(context, request, controller.signal).finally(() => controllers.delete(controller));
        // An answer that failed its check afterwards is the item's error, but it was paid for:
        // its usage is recorded and its reservation settled as any answered item's.
        finish(read, slot, answer.error !== undefined ? { error: answer.error, usage: answer.usage } : { answer });
        // A cached answer made no request: nothing is recorded.
        if (!answer.cached) {
          const recorded = record({ model: answer.model ?? context.model ?? context.provider.id, usage: answer.usage ?? undefined, ...(answer.provider ? { provider: answer.provider } : {}) });
          const { reservation } = answer;
          if (reservation) {
            const settled: Promise<void> = recorded
              .then(() => reservation.settle(answer.usage?.cost ?? undefined), () => reservation.settle(answer.usage?.cost ?? undefined, { recorded: false }))
              .finally(() => settling.delete(settled));
            settling.add(settled);
          }
        }
      } catch (error) {
        if (error instanceof CancelledError && stopped) return drop(slot);
        if (error instanceof DevsynthError && STOPPING.has(error.kind)) stopError ??= error;
        finish(read, slot, { error });
      }
    })().finally(() => inFlight.delete(task));
    inFlight.add(task);
  };

  const stopListening = runtime.io.onInterrupt?.(() => {
    stopped = true;
    for (const controller of controllers) controller.abort();
    endDrainWait();
  });
  let total = 0;
  // With -o, an item is known by its key: two items with one key (the same id, or the same
  // line twice) are one item to a resumed run and to the compacted file. Said once.
  const keysSeen = file ? new Set<string>() : undefined;
  let warnedDuplicate = false;
  try {
    for await (const read of input.items) {
      if (stopped || stopError) break;
      const key = itemKey(read);
      if (options.shard && shardOf(key, options.shard.count) !== options.shard.index - 1) continue;
      total += 1;
      if (keysSeen?.has(key) && !warnedDuplicate) {
        warnedDuplicate = true;
        runtime.warn(`item ${read.index} has the ${read.id !== null ? `id "${read.id}"` : 'same line'} of an earlier item: in ${options.output} they count as one (give each item its own id)`);
      }
      keysSeen?.add(key);
      if (file?.done.has(key)) {
        counts.skipped += 1;
        continue;
      }
      const slot = options.ordered ? { key } : undefined;
      if (slot) window.push(slot);
      if (read.error) {
        finish(read, slot, { error: read.error });
      } else {
        while (inFlight.size >= options.concurrency) await Promise.race(inFlight);
        if (stopped || stopError) {
          drop(slot);
          break;
        }
        launch(read, slot);
      }
      while (options.ordered && window.length >= maxAhead && inFlight.size > 0) await Promise.race(inFlight);
      if (draining) {
        await draining;
        draining = undefined;
      }
    }
    await Promise.all(inFlight);
  } finally {
    // Reading failed mid-way (a read error, CSV that cannot be parsed on): nothing more is
    // sent, and the items in flight are written before the file is closed.
    if (inFlight.size > 0) {
      stopped = true;
      await Promise.allSettled(inFlight);
    }
    stopListening?.();
    writeGroup();
    await recording;
    await Promise.allSettled(settling);
    // Items still in the window are those whose earlier ones were cancelled: written now.
    for (const slot of window) if (slot.line !== undefined) emit(slot.line, slot.key);
    file?.close();
    progress.clear();
  }
  if (total === 0 && !options.shard && !stopped) throw new UsageError(`nothing to do: ${input.what} has no items`);
  if (!options.quiet) stderr.write(`${progress.summary(counts)}\n`);
  if (stopped) throw new CancelledError('cancelled by the user');
  if (stopError) throw stopError;
  if (counts.failed > 0) {
    const kinds = [...counts.failedByKind.entries()].map(([kind, n]) => `${n} ${kind}`).join(', ');
    throw new BatchIncompleteError(`${counts.failed} of ${counts.succeeded + counts.failed} items failed (${kinds}); each one's error is in its output line`, { succeeded: counts.succeeded, failed: Object.fromEntries(counts.failedByKind) }, {
      ...(options.output ? { hint: `run the same command again to retry only those: ${options.output} keeps the answered ones` } : {}),
    });
  }
}
