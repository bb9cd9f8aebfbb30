// The response cache (--cache, config cache.responses and cache.ttl): a chat request identical
// to one answered before is answered from disk, with no request, for reproducible CI re-runs.
//
// The key is the SHA-256 of a canonical JSON (keys sorted, at every depth) of everything that
// decides the answer: the provider and its base URL, the provider's defaults that the body
// takes when the request has none (temperature, max tokens, routing), and the request as it
// is sent (model, fallback models, messages with their content parts, response_format and the
// other extra fields, reasoning, routing, plugins, tools) but for `stream`, which changes how
// the answer arrives, not what it is. Attribution headers and the API key are not part of a
// request, so never of a key or an entry.
//
// Entries live in the `responses` namespace of the indexed disk store (state/disk-cache/):
// the whole answer (content, reasoning, model, provider, finish reason, usage with its cost,
// citations, tool calls) and when it was given. A read checks the entry's shape: a torn one
// (the store's checksum) or a malformed one is a miss and a warning (once per run), never a
// crash; one older than the TTL is a miss, and removed.
//
// Only a complete answer is stored: the stream ended with its `done` event, nothing threw (an
// error, a cancel, a truncated stream), the renderer accepted it (an answer that fails
// --schema throws there, before keep()), no fallback provider answered for the one keyed, and
// its finish reason is not `error`.
//
// A hit replays the answer as the event batches a live answer gives (meta, reasoning, tokens,
// tool calls, usage, done), so that every renderer works unchanged; it is marked cached, and
// the usage store records nothing for it (no request was made, nothing was spent).
import { createHash } from 'node:crypto';
import { ChatCollector, type ChatRequest, type ChatResult, type StreamEvent } from '../../core/index.js';
import { parseDuration } from '../../config/duration.js';
import * as z from '../../config/zod.js';
import { type DiskCache, openDiskCache } from '../../state/disk-cache/index.js';
import type { Warn } from '../../state/json-store.js';

export const RESPONSES_NAMESPACE = 'responses';
export const DEFAULT_TTL = '7d';
/** Bumped when the key's or the entry's meaning changes: older entries are then never read. */
const FORMAT = 1;

/** JSON text with every object's keys sorted, so that the same value always gives the same text. */
export function canonicalJson(value: unknown): string {
  return JSON.stringify(sorted(value)) ?? 'null';
}

function sorted(value: unknown): unknown {
  if (Array.isArray(value)) return value.map((item) => (item === undefined ? null : sorted(item)));
  if (value === null || typeof value !== 'object') return value;
  const out: Record<string, unknown> = {};
  for (const key of Object.keys(value).sort()) {
    const item = (value as Record<string, unknown>)[key];
    if (item !== undefined) out[key] = sorted(item);
  }
  return out;
}

/** Who is asked: the provider, where its requests go, and the defaults its body takes. */
export interface ResponseSource {
  provider: string;
  /** The base URL (provider.endpoint()). */
  endpoint: string;
  /** The provider's settings that fill what the request leaves out (temperature, max_tokens, routing). */
  defaults?: Record<string, unknown>;
}

/** The key of a request: SHA-256 (hex) of the canonical JSON of the source and the request, `stream` left out. */
export function responseKey(source: ResponseSource, request: ChatRequest): string {
  const { stream: _stream, ...asked } = request;
  const text = canonicalJson({ format: FORMAT, provider: source.provider, endpoint: source.endpoint, defaults: source.defaults ?? {}, request: asked });
  return createHash('sha256').update(text).digest('hex');
}

const toolCallSchema = z.object({ id: z.string(), name: z.string(), arguments: z.unknown(), rawArguments: z.string() });
const answerSchema = z.object({
  id: z.optional(z.string()),
  model: z.optional(z.string()),
  provider: z.optional(z.string()),
  content: z.string(),
  reasoning: z.optional(z.string()),
  finishReason: z.nullable(z.string()),
  usage: z.optional(
    z.looseObject({ prompt_tokens: z.number(), completion_tokens: z.number(), total_tokens: z.number(), cost: z.optional(z.number()) }),
  ),
  toolCalls: z.optional(z.array(toolCallSchema)),
  citations: z.optional(z.array(z.object({ url: z.string(), title: z.optional(z.string()) }))),
});
const entrySchema = z.object({ format: z.literal(FORMAT), at: z.number(), answer: answerSchema });

/** A stored answer and when it was given (ms since the epoch). */
export interface CachedAnswer {
  at: number;
  answer: ChatResult;
}

export interface ResponseStoreOptions {
  warn: Warn;
  /** How long an answer is served, in ms. */
  ttlMs: number;
  now?: () => number;
}

/** The stored answers: look-up by key (expired ones removed), and storage of complete answers. */
export function openResponseStore(cacheDir: string, options: ResponseStoreOptions) {
  const now = options.now ?? Date.now;
  const store: DiskCache = openDiskCache(cacheDir, { namespace: RESPONSES_NAMESPACE, warn: options.warn });
  let toldInvalid = false;
  return {
    store,
    get(key: string): CachedAnswer | undefined {
      const raw = store.getJson(key);
      if (raw === undefined) return undefined;
      const parsed = entrySchema.safeParse(raw);
      if (!parsed.success) {
        if (!toldInvalid) options.warn('ignored an invalid entry of the response cache; the request is sent, and its answer replaces the entry');
        toldInvalid = true;
        return undefined;
      }
      const { at, answer } = parsed.data;
      if (now() - at > options.ttlMs || at > now() + options.ttlMs) {
        store.delete(key);
        return undefined;
      }
      return { at, answer: answer as ChatResult };
    },
    put(key: string, answer: ChatResult): void {
      const kept: ChatResult = {
        content: answer.content,
        finishReason: answer.finishReason,
        ...(answer.id !== undefined ? { id: answer.id } : {}),
        ...(answer.model !== undefined ? { model: answer.model } : {}),
        ...(answer.provider !== undefined ? { provider: answer.provider } : {}),
        ...(answer.reasoning !== undefined ? { reasoning: answer.reasoning } : {}),
        ...(answer.usage !== undefined ? { usage: answer.usage } : {}),
        ...(answer.toolCalls?.length ? { toolCalls: answer.toolCalls } : {}),
        ...(answer.citations?.length ? { citations: answer.citations } : {}),
      };
      store.putJson(key, { format: FORMAT, at: now(), answer: kept });
    },
  };
}
export type ResponseStore = ReturnType<typeof openResponseStore>;

/** A stored answer as the batches a live one arrives in: meta, reasoning, tokens, tool calls, usage, done. */
export async function* replayAnswer(answer: ChatResult): AsyncGenerator<StreamEvent[], void, undefined> {
  const who = {
    ...(answer.id !== undefined ? { id: answer.id } : {}),
    ...(answer.model !== undefined ? { model: answer.model } : {}),
    ...(answer.provider !== undefined ? { provider: answer.provider } : {}),
  };
  yield [{ type: 'meta', ...who }];
  if (answer.reasoning) yield [{ type: 'reasoning', text: answer.reasoning }];
  if (answer.content) yield [{ type: 'token', text: answer.content }];
  const calls = (answer.toolCalls ?? []).map((call, index): StreamEvent => ({ type: 'tool_call', index, ...call }));
  if (calls.length > 0) yield calls;
  if (answer.usage) yield [{ type: 'usage', usage: answer.usage }];
  yield [{ type: 'done', finishReason: answer.finishReason, ...who, ...(answer.citations?.length ? { citations: answer.citations } : {}) }];
}

/** Live batches passed on unchanged, watched: whether they ended whole, and what they said. */
export function watchAnswer(batches: AsyncIterable<StreamEvent[]>) {
  const collector = new ChatCollector();
  let ended = false;
  let done = false;
  let fellBack = false;
  async function* watched(): AsyncGenerator<StreamEvent[], void, undefined> {
    for await (const batch of batches) {
      for (const event of batch) {
        collector.add(event);
        if (event.type === 'done') done = true;
        if (event.type === 'fallback') fellBack = true;
      }
      yield batch;
    }
    ended = true;
  }
  return {
    batches: watched(),
    /** The answer when it came in whole from the provider keyed, else undefined. */
    complete(): ChatResult | undefined {
      if (!ended || !done || fellBack) return undefined;
      const result = collector.result();
      return result.finishReason === 'error' ? undefined : result;
    },
  };
}

/** What run-chat needs to know of a chat to cache it. */
export interface ChatCacheInput {
  /** --cache (true), --no-cache (false), neither (undefined: the config's cache.responses). */
  flag: boolean | undefined;
  config: { responses?: boolean | undefined; ttl?: string | undefined } | undefined;
  /** Tools (MCP) take part: the answer is several steps, each on what a tool returned. */
  withTools: boolean;
  provider: { id: string; model: string; endpoint(): string };
  /** The provider's settings the body falls back on (temperature, max_tokens, routing). */
  defaults: Record<string, unknown>;
  request: ChatRequest;
  cacheDir: string;
  warn: Warn;
  now?: () => number;
}

/** One chat's use of the cache: replay on a hit, else the live answer, kept when it came in whole. */
export interface ChatCache {
  readonly hit: boolean;
  /** The answer's batches: the stored ones on a hit (`live` is never called), else `live()`'s, watched. */
  batches(live: () => AsyncIterable<StreamEvent[]>): AsyncIterable<StreamEvent[]>;
  /** Once the renderer accepted the answer: stores it if it came in whole. */
  keep(): void;
}

/** The cache for this chat, or undefined when it is not used (off, tools, no model known). */
export function chatCache(input: ChatCacheInput): ChatCache | undefined {
  if (!(input.flag ?? input.config?.responses ?? false)) return undefined;
  if (input.withTools) {
    if (input.flag) input.warn('--cache is not used with tools (MCP): a run with tools takes several steps, each on what a tool returned');
    return undefined;
  }
  const model = input.request.model ?? input.provider.model;
  // A local server to be asked for its model: what answers is not known before the request.
  if (!model) return undefined;
  const ttlMs = parseDuration(input.config?.ttl ?? DEFAULT_TTL) ?? (parseDuration(DEFAULT_TTL) as number);
  const store = openResponseStore(input.cacheDir, { warn: input.warn, ttlMs, ...(input.now ? { now: input.now } : {}) });
  const key = responseKey({ provider: input.provider.id, endpoint: input.provider.endpoint(), defaults: input.defaults }, { ...input.request, model });
  const found = store.get(key);
  let watch: ReturnType<typeof watchAnswer> | undefined;
  return {
    hit: found !== undefined,
    batches(live) {
      if (found) return replayAnswer(found.answer);
      watch = watchAnswer(live());
      return watch.batches;
    },
    keep() {
      const answer = watch?.complete();
      if (answer) store.put(key, answer);
    },
  };
}
