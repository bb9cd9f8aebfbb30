// Parsed chat chunks (streaming) or a whole completion (non-streaming) → StreamEvents.
// Handles what real OpenRouter responses do (../shared/docs/openrouter-api.md §2, §3): usage on
// whichever chunk carries it, chunks with empty choices, reasoning deltas, and errors inside
// HTTP 200 (a top-level `error`, or `finish_reason: "error"` alone). Tool calls are gathered
// until the choice finishes and then emitted whole (tool-call-assembler.ts).
import { OpenRouterConnectionError, OpenRouterModelError } from '../errors.js';
import type { Citation, StreamEvent, Usage } from '../types.js';
import { PARSE_ONLY, type ToolArgumentChecker } from './tool-arguments.js';
import { ToolCallAssembler } from './tool-call-assembler.js';
import { type ErrorContext, errorFromInBand } from './to-provider-error.js';

type Json = Record<string, unknown>;

function asObject(value: unknown): Json | undefined {
  return value !== null && typeof value === 'object' && !Array.isArray(value) ? (value as Json) : undefined;
}

function nonEmptyString(value: unknown): string | undefined {
  return typeof value === 'string' && value.length > 0 ? value : undefined;
}

/**
 * Reasoning text of a delta or message. `reasoning` and `reasoning_details[].text` carry the
 * same text, so the details are read only when `reasoning` is absent (summing double-counts).
 */
function reasoningOf(part: Json): string | undefined {
  const reasoning = nonEmptyString(part.reasoning);
  if (reasoning !== undefined) return reasoning;
  if (!Array.isArray(part.reasoning_details)) return undefined;
  const texts = part.reasoning_details
    .map((detail) => {
      const d = asObject(detail);
      return nonEmptyString(d?.text) ?? nonEmptyString(d?.summary);
    })
    .filter((text): text is string => text !== undefined);
  return texts.length > 0 ? texts.join('') : undefined;
}

/**
 * Usage with every number that cannot be a count or a cost dropped: non-numbers in the count
 * fields, negative, NaN or infinite values (JSON's 1e999 parses to Infinity), at any depth.
 * What is left is safe to add up and to store.
 */
export function cleanUsage(usage: Json): Usage {
  const clean: Json = {};
  for (const [key, value] of Object.entries(usage)) {
    if (typeof value === 'number') {
      if (Number.isFinite(value) && value >= 0) clean[key] = value;
    } else if (USAGE_NUMBERS.has(key)) {
      // A count sent as a string or an object is not a count.
    } else if (value !== null && typeof value === 'object' && !Array.isArray(value)) {
      clean[key] = cleanUsage(value as Json);
    } else {
      clean[key] = value;
    }
  }
  return clean as Usage;
}

const USAGE_NUMBERS = new Set(['prompt_tokens', 'completion_tokens', 'total_tokens', 'cost']);

/** Most sources kept for one answer, and the longest URL and title: a server cannot grow them without bound. */
export const MAX_CITATIONS = 50;
const MAX_URL_LENGTH = 2048;
const MAX_TITLE_LENGTH = 300;

/**
 * The `url_citation` annotations of a delta or message (the web plugin's sources), in either
 * shape seen: OpenAI's nested `{type, url_citation: {url, title}}` or the spec's flat
 * `{type, url, title}`. Anything else is not a citation and is left out.
 */
function citationsOf(part: Json): Citation[] {
  if (!Array.isArray(part.annotations)) return [];
  const found: Citation[] = [];
  for (const item of part.annotations) {
    const annotation = asObject(item);
    if (annotation?.type !== 'url_citation') continue;
    const fields = asObject(annotation.url_citation) ?? annotation;
    const url = nonEmptyString(fields.url);
    if (url === undefined || url.length > MAX_URL_LENGTH) continue;
    const title = nonEmptyString(fields.title);
    found.push({ url, ...(title !== undefined ? { title: title.slice(0, MAX_TITLE_LENGTH) } : {}) });
  }
  return found;
}

export class ChunkReader {
  id?: string;
  model?: string;
  provider?: string;
  finishReason: string | null = null;
  nativeFinishReason?: string | null;
  /** True once a finish_reason arrived: the answer is complete. */
  finished = false;
  /** True once a token, reasoning text or a tool-call fragment arrived: the first-token wait is over. */
  hasOutput = false;
  /** True once any chunk carried a choice: a stream of meta or usage alone has no answer. */
  sawChoice = false;
  /** Counts text, reasoning and usage events: unchanged across reads means no progress. */
  progress = 0;
  private metaSent = false;
  /**
   * Content pieces, joined only when needed (no per-token copy of the whole answer): one per
   * network read (see endRead), not one per token, so a long answer is a few hundred strings
   * that survive rather than one small string per token.
   */
  private readonly parts: string[] = [];
  /** The current read's tokens. */
  private pending: string[] = [];
  private readonly toolCalls = new ToolCallAssembler();
  /** Sources cited so far, by URL (a source cited twice is listed once). */
  private readonly citations = new Map<string, Citation>();

  constructor(
    private readonly ctx: ErrorContext,
    /** Checks tool-call arguments against the request's tools; without it they are only parsed. */
    private readonly tools: ToolArgumentChecker = PARSE_ONLY,
  ) {}

  /** The text produced so far. */
  partial(): string {
    this.endRead();
    return this.parts.join('');
  }

  /** Folds the current read's tokens into one piece. */
  endRead(): void {
    if (this.pending.length === 0) return;
    this.parts.push(this.pending.length === 1 ? (this.pending[0] as string) : this.pending.join(''));
    this.pending = [];
  }

  /** Reads one streaming chunk (`chat.completion.chunk`). Throws in-band errors. */
  readChunk(value: unknown, out: StreamEvent[]): void {
    const chunk = asObject(value);
    if (!chunk) throw this.protocolError('a stream chunk is not a JSON object');
    this.noteMeta(chunk, out);
    if (chunk.error !== undefined && chunk.error !== null) throw this.inBandError(chunk.error);
    const choice = Array.isArray(chunk.choices) ? asObject(chunk.choices[0]) : undefined;
    if (choice) {
      this.sawChoice = true;
      const delta = asObject(choice.delta) ?? {};
      this.emitText(delta, out);
      this.noteCitations(delta);
      if (this.toolCalls.add(delta.tool_calls)) {
        this.progress++;
        this.hasOutput = true;
      }
      this.noteFinish(choice, chunk);
      if (this.finished) this.emitToolCalls(out);
    }
    this.emitUsage(chunk, out);
  }

  /** Reads a whole non-streaming body (`chat.completion`). Throws in-band errors. */
  readCompletion(value: unknown, out: StreamEvent[]): void {
    const body = asObject(value);
    if (!body) throw this.protocolError('the response is not a JSON object');
    this.noteMeta(body, out);
    if (body.error !== undefined && body.error !== null) throw this.inBandError(body.error);
    const choice = Array.isArray(body.choices) ? asObject(body.choices[0]) : undefined;
    if (!choice) throw this.protocolError('the response has no choices');
    const message = asObject(choice.message) ?? {};
    this.emitText(message, out);
    this.noteCitations(message);
    this.toolCalls.add(message.tool_calls, true);
    this.noteFinish(choice, body);
    this.emitToolCalls(out);
    // An answer is text (possibly empty: a length stop after reasoning only), reasoning, or
    // tool calls; a message with none of them is not an empty success.
    if (typeof message.content !== 'string' && !Array.isArray(message.tool_calls) && reasoningOf(message) === undefined) {
      throw this.noAnswer();
    }
    this.emitUsage(body, out);
  }

  /**
   * Emits the gathered tool calls, complete, in index order. Called when the choice finishes,
   * and at the end of a stream that sent [DONE] without a finish_reason. Throws
   * AnswerContractError for arguments that are not JSON or do not match their schema.
   */
  emitToolCalls(out: StreamEvent[]): void {
    if (!this.toolCalls.pending) return;
    for (const call of this.toolCalls.finish(this.tools)) out.push({ type: 'tool_call', ...call });
  }

  /** A response that ended without any choice (or a message without content). */
  noAnswer(): OpenRouterModelError {
    return new OpenRouterModelError(`the response from ${this.ctx.providerLabel} had no answer`, {
      hint: 'the model sent no text; try again or choose another model',
      ...(this.id ? { generationId: this.id } : {}),
    });
  }

  /** The closing event. */
  done(): StreamEvent {
    const event: StreamEvent = { type: 'done', finishReason: this.finishReason };
    if (this.nativeFinishReason !== undefined) event.nativeFinishReason = this.nativeFinishReason;
    if (this.id !== undefined) event.id = this.id;
    if (this.model !== undefined) event.model = this.model;
    if (this.provider !== undefined) event.provider = this.provider;
    if (this.citations.size > 0) event.citations = [...this.citations.values()];
    return event;
  }

  /** A stream that broke off or could not be read, keeping what had arrived. */
  protocolError(what: string): OpenRouterConnectionError {
    return new OpenRouterConnectionError('protocol', `invalid response from ${this.ctx.providerLabel}: ${what}`, {
      partialContent: this.partial(),
      ...(this.id ? { generationId: this.id } : {}),
    });
  }

  private noteMeta(chunk: Json, out: StreamEvent[]): void {
    if (this.metaSent) return;
    this.metaSent = true;
    if (typeof chunk.id === 'string') this.id = chunk.id;
    if (typeof chunk.model === 'string') this.model = chunk.model;
    if (typeof chunk.provider === 'string') this.provider = chunk.provider;
    const meta: StreamEvent = { type: 'meta' };
    if (this.id !== undefined) meta.id = this.id;
    if (this.model !== undefined) meta.model = this.model;
    if (this.provider !== undefined) meta.provider = this.provider;
    out.push(meta);
  }

  private noteCitations(part: Json): void {
    for (const citation of citationsOf(part)) {
      if (this.citations.size >= MAX_CITATIONS) return;
      if (!this.citations.has(citation.url)) this.citations.set(citation.url, citation);
    }
  }

  private emitUsage(chunk: Json, out: StreamEvent[]): void {
    const usage = asObject(chunk.usage);
    if (!usage) return;
    this.progress++;
    out.push({ type: 'usage', usage: cleanUsage(usage) });
  }

  private emitText(part: Json, out: StreamEvent[]): void {
    const reasoning = reasoningOf(part);
    if (reasoning !== undefined) {
      this.progress++;
      this.hasOutput = true;
      out.push({ type: 'reasoning', text: reasoning });
    }
    const content = nonEmptyString(part.content);
    if (content !== undefined) {
      this.progress++;
      this.hasOutput = true;
      this.pending.push(content);
      out.push({ type: 'token', text: content });
    }
  }

  private noteFinish(choice: Json, chunk: Json): void {
    const reason = choice.finish_reason;
    if (reason === 'error') {
      throw this.inBandError(choice.error ?? chunk.error, choice.native_finish_reason);
    }
    if (typeof reason === 'string') {
      this.finishReason = reason;
      this.finished = true;
      if (typeof choice.native_finish_reason === 'string' || choice.native_finish_reason === null) {
        this.nativeFinishReason = choice.native_finish_reason;
      }
    }
  }

  private inBandError(error: unknown, nativeFinishReason?: unknown) {
    const ctx = this.id ? { ...this.ctx, generationId: this.id } : this.ctx;
    return errorFromInBand(error, ctx, {
      partialContent: this.partial(),
      ...(typeof nativeFinishReason === 'string' ? { nativeFinishReason } : {}),
    });
  }
}
