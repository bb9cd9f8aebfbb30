// Checks made before any request is sent: a bad parameter costs the user a clear message
// (exit 2) instead of a round trip, a 400 and possibly a retry.
import { OpenRouterValidationError } from '../errors.js';
import { describeMediaPart, mediaPartsOf, textOf } from '../message-content.js';
import type { ChatMessage, ChatRequest } from '../types.js';
import { validateContentPart } from './validate-parts.js';

/**
 * `org/slug[:variant]` (variants such as `:free`, `:nitro`, `:floor`, `:online`, `:thinking`,
 * `:exacto`), routers like `openrouter/free`, `~org/name-latest` aliases, and presets
 * (`@preset/name`, resolved by OpenRouter from the account's settings).
 */
const MODEL_ID = /^(~?[A-Za-z0-9][\w.-]*\/[A-Za-z0-9][\w.-]*(:[\w.-]+)?|@preset\/[A-Za-z0-9][\w.-]*)$/;

/** A preset id (`@preset/name`): OpenRouter resolves it to a model and its settings. */
export const isPresetId = (model: string): boolean => model.startsWith('@preset/');

/** Default ceiling on a request body: about a 1M-token prompt's worth of text. */
export const DEFAULT_MAX_REQUEST_BYTES = 8 * 1024 * 1024;

/**
 * Default ceiling on a request body whose messages carry images, PDFs or audio. Base64 makes
 * media a third larger than the files, and a few photos or a scanned PDF pass 8 MiB long before
 * any model's context is full, so text alone keeps the 8 MiB above (a larger text body is a
 * mistake, not a prompt) and media gets its own ceiling. OpenRouter documents none but a 413
 * (openrouter-api.md §1.1, §4); the upstreams behind it refuse bodies above about this size
 * (Anthropic 32 MB per request, OpenAI 25 MiB, Gemini 20 MB of inline data), so a larger body
 * is refused here before minutes of upload end in that 413.
 */
export const DEFAULT_MAX_MEDIA_REQUEST_BYTES = 32 * 1024 * 1024;

export function validateModelId(model: string, what = 'model'): void {
  if (!MODEL_ID.test(model)) {
    throw new OpenRouterValidationError(`invalid ${what} id "${model}": expected org/slug, org/slug:variant or @preset/name`, {
      hint: 'for example openai/gpt-4o-mini, meta-llama/llama-3.3-70b-instruct:free or @preset/my-preset; list them with `devsynth-or models`',
    });
  }
}

export function validateTemperature(temperature: number | undefined): void {
  if (temperature === undefined) return;
  if (typeof temperature !== 'number' || !Number.isFinite(temperature) || temperature < 0 || temperature > 2) {
    throw new OpenRouterValidationError(`temperature must be between 0 and 2, got ${String(temperature)}`);
  }
}

export function validateMaxTokens(maxTokens: number | undefined): void {
  if (maxTokens === undefined) return;
  if (typeof maxTokens !== 'number' || !Number.isInteger(maxTokens) || maxTokens <= 0) {
    throw new OpenRouterValidationError(`max tokens must be a whole number above 0, got ${String(maxTokens)}`);
  }
}

export function validateMessages(messages: readonly ChatMessage[]): void {
  if (!Array.isArray(messages) || messages.length === 0) {
    throw new OpenRouterValidationError('a chat request needs at least one message');
  }
  for (const [index, message] of messages.entries()) {
    const content: unknown = message?.content;
    if (typeof content === 'string') continue;
    // An assistant message that only calls tools has no content (the spec allows null).
    if ((content === null || content === undefined) && message?.role === 'assistant') continue;
    if (!Array.isArray(content)) {
      throw new OpenRouterValidationError(`message ${index + 1} has no content: expected text or a list of content parts`);
    }
    for (const [partIndex, part] of content.entries()) {
      const type = typeof (part as { type?: unknown })?.type === 'string' ? ` (${(part as { type: string }).type})` : '';
      validateContentPart(part, `message ${index + 1}, part ${partIndex + 1}${type}`);
    }
  }
  const last = messages[messages.length - 1];
  if (last && last.role === 'user' && textOf(last.content ?? '').trim() === '' && mediaPartsOf(last.content ?? '').length === 0) {
    throw new OpenRouterValidationError('the prompt is empty');
  }
}

/**
 * Whether the body's messages carry media (images, files, audio), which raises the size
 * ceiling from maxRequestBytes to maxMediaRequestBytes.
 */
export function hasMediaParts(messages: readonly ChatMessage[]): boolean {
  return messages.some((message) => Array.isArray(message.content) && mediaPartsOf(message.content).length > 0);
}

const mib = (n: number) => `${(n / 1024 / 1024).toFixed(1)} MiB`;

/** The largest media part, for the message when a request is too big: "message 1, part 2 (image/png, 30.1 MiB)". */
function largestPart(messages: readonly ChatMessage[]): string | undefined {
  let best: { where: string; bytes: number } | undefined;
  for (const [index, message] of messages.entries()) {
    if (!Array.isArray(message.content)) continue;
    for (const [partIndex, part] of message.content.entries()) {
      if (part.type === 'text') continue;
      const bytes = JSON.stringify(part).length;
      const kind = describeMediaPart(part).kind;
      if (!best || bytes > best.bytes) best = { where: `message ${index + 1}, part ${partIndex + 1} (${kind}, ${mib(bytes)} encoded)`, bytes };
    }
  }
  return best?.where;
}

export interface RequestSizeLimits {
  /** A body of text alone. */
  maxRequestBytes: number;
  /** A body whose messages carry images, files or audio. */
  maxMediaRequestBytes: number;
}

/** Measures the serialised body, parts and their base64 included, against the limit that applies to it. */
export function validateRequestSize(body: unknown, limits: RequestSizeLimits | number): void {
  const { maxRequestBytes, maxMediaRequestBytes } =
    typeof limits === 'number' ? { maxRequestBytes: limits, maxMediaRequestBytes: limits } : limits;
  const listed = (body as { messages?: unknown } | null)?.messages;
  const messages = Array.isArray(listed) ? (listed as ChatMessage[]) : [];
  const media = hasMediaParts(messages);
  const maxBytes = media ? Math.max(maxRequestBytes, maxMediaRequestBytes) : maxRequestBytes;
  const bytes = Buffer.byteLength(JSON.stringify(body), 'utf8');
  if (bytes <= maxBytes) return;
  if (!media) {
    throw new OpenRouterValidationError(`the request is ${mib(bytes)}, over the ${mib(maxBytes)} limit`, {
      hint: 'send less text, or raise the limit (maxRequestBytes)',
    });
  }
  const largest = largestPart(messages);
  throw new OpenRouterValidationError(
    `the request is ${mib(bytes)} with its attachments encoded, over the ${mib(maxBytes)} limit for requests with images, files or audio${largest ? `; the largest is ${largest}` : ''}`,
    { hint: 'attach fewer or smaller files, give images and PDFs as https URLs, or raise the limit (maxMediaRequestBytes)' },
  );
}

/** The efforts OpenRouter's spec names (ReasoningEffort). */
const REASONING_EFFORTS = ['max', 'xhigh', 'high', 'medium', 'low', 'minimal', 'none'];

/** OpenRouter takes an effort or a token budget for reasoning, not both (reasoning-tokens.mdx). */
export function validateReasoning(reasoning: ChatRequest['reasoning']): void {
  if (reasoning === undefined) return;
  const { effort, max_tokens: maxTokens } = reasoning;
  if (effort !== undefined && maxTokens !== undefined) {
    throw new OpenRouterValidationError('reasoning takes an effort or a token budget (max_tokens), not both');
  }
  if (effort !== undefined && !REASONING_EFFORTS.includes(effort)) {
    throw new OpenRouterValidationError(`unknown reasoning effort "${String(effort)}" (known: ${REASONING_EFFORTS.join(', ')})`);
  }
  if (maxTokens !== undefined && (typeof maxTokens !== 'number' || !Number.isInteger(maxTokens) || maxTokens <= 0)) {
    throw new OpenRouterValidationError(`reasoning tokens must be a whole number above 0, got ${String(maxTokens)}`);
  }
}

export function validateEmbeddingInput(input: readonly string[]): void {
  if (input.length === 0) throw new OpenRouterValidationError('nothing to embed');
  for (const [index, text] of input.entries()) {
    if (typeof text !== 'string' || text.length === 0) {
      throw new OpenRouterValidationError(`embedding input ${index + 1} is empty`);
    }
  }
}
