// Checks made before any request is sent: a bad parameter costs the user a clear message
// (exit 2) instead of a round trip, a 400 and possibly a retry.
import { OpenRouterValidationError } from '../errors.js';
import type { ChatMessage } from '../types.js';

/** `org/slug[:variant]`, routers like `openrouter/free`, and `~org/name-latest` aliases. */
const MODEL_ID = /^~?[A-Za-z0-9][\w.-]*\/[A-Za-z0-9][\w.-]*(:[\w.-]+)?$/;

/** Default ceiling on a request body: about a 1M-token prompt's worth of text. */
export const DEFAULT_MAX_REQUEST_BYTES = 8 * 1024 * 1024;

export function validateModelId(model: string, what = 'model'): void {
  if (!MODEL_ID.test(model)) {
    throw new OpenRouterValidationError(`invalid ${what} id "${model}": expected org/slug or org/slug:variant`, {
      hint: 'for example openai/gpt-4o-mini or meta-llama/llama-3.3-70b-instruct:free; list them with `devsynth-or models`',
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
    if (typeof message?.content !== 'string' && !Array.isArray(message?.content)) {
      throw new OpenRouterValidationError(`message ${index + 1} has no text content`);
    }
  }
  const last = messages[messages.length - 1];
  if (last && last.role === 'user' && (typeof last.content === 'string' ? last.content.trim() === '' : last.content.length === 0)) {
    throw new OpenRouterValidationError('the prompt is empty');
  }
}

/** Measures the serialised body once, and returns it so that it is not serialised twice. */
export function validateRequestSize(body: unknown, maxBytes: number): void {
  const bytes = Buffer.byteLength(JSON.stringify(body), 'utf8');
  if (bytes > maxBytes) {
    const mib = (n: number) => `${(n / 1024 / 1024).toFixed(1)} MiB`;
    throw new OpenRouterValidationError(`the request is ${mib(bytes)}, over the ${mib(maxBytes)} limit`, {
      hint: 'send less text, or raise the limit (maxRequestBytes)',
    });
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
