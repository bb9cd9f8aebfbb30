// Parsed chat chunks (streaming) or a whole completion (non-streaming) → StreamEvents.
// Handles what real OpenRouter responses do (../shared/docs/openrouter-api.md §2, §3): usage on
// whichever chunk carries it, chunks with empty choices, reasoning deltas, and errors inside
// HTTP 200 (a top-level `error`, or `finish_reason: "error"` alone).
import { OpenRouterConnectionError } from '../errors.js';
import type { StreamEvent, Usage } from '../types.js';
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

export class ChunkReader {
  id?: string;
  model?: string;
  provider?: string;
  finishReason: string | null = null;
  nativeFinishReason?: string | null;
  /** True once a finish_reason arrived: the answer is complete. */
  finished = false;
  /** True once a token or reasoning text arrived: from here on nothing may be retried. */
  hasOutput = false;
  private metaSent = false;
  /**
   * Content pieces, joined only when needed (no per-token copy of the whole answer): one per
   * network read (see endRead), not one per token, so a long answer is a few hundred strings
   * that survive rather than one small string per token.
   */
  private readonly parts: string[] = [];
  /** The current read's tokens. */
  private pending: string[] = [];

  constructor(private readonly ctx: ErrorContext) {}

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
      const delta = asObject(choice.delta) ?? {};
      this.emitText(delta, out);
      this.noteFinish(choice, chunk);
    }
    const usage = asObject(chunk.usage);
    if (usage) out.push({ type: 'usage', usage: usage as Usage });
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
    this.noteFinish(choice, body);
    const usage = asObject(body.usage);
    if (usage) out.push({ type: 'usage', usage: usage as Usage });
  }

  /** The closing event. */
  done(): StreamEvent {
    const event: StreamEvent = { type: 'done', finishReason: this.finishReason };
    if (this.nativeFinishReason !== undefined) event.nativeFinishReason = this.nativeFinishReason;
    if (this.id !== undefined) event.id = this.id;
    if (this.model !== undefined) event.model = this.model;
    if (this.provider !== undefined) event.provider = this.provider;
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

  private emitText(part: Json, out: StreamEvent[]): void {
    const reasoning = reasoningOf(part);
    if (reasoning !== undefined) {
      this.hasOutput = true;
      out.push({ type: 'reasoning', text: reasoning });
    }
    const content = nonEmptyString(part.content);
    if (content !== undefined) {
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
