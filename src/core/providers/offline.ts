// A provider with no network: answers and embeddings derived from the input, deterministic,
// streamed in chunks like a real reply. For demos, for trying devsynth-or without a key, and
// for CI dry runs of scripts that call it. Requests are validated as OpenRouter's are.
import { createRequire } from 'node:module';
import { ChatStream } from '../chat-stream.js';
import { describeMedia, textOf } from '../message-content.js';
import { CancelledError } from '../errors.js';
import { chatRequestBody } from '../internal/chat-body.js';
import { type BreakerState, CLOSED } from '../internal/circuit-breaker.js';
import { DEFAULT_MAX_REQUEST_BYTES, validateEmbeddingInput } from '../internal/validate-request.js';
import type { CallOptions, ChatRequest, EmbedRequest, EmbedResult, KeyInfo, ModelInfo, StreamEvent } from '../types.js';
import { BaseProvider } from './base-provider.js';

// node:crypto is required when the offline provider first hashes, not as this module loads:
// every provider is imported by the factory, and loading crypto costs about 6 ms of each start
// (and making the require function itself half a millisecond).
let require: NodeJS.Require | undefined;
const sha256 = (text: string): Buffer =>
  ((require ??= createRequire(import.meta.url))('node:crypto') as typeof import('node:crypto')).createHash('sha256').update(text).digest();

export interface OfflineProviderOptions {
  /** Vector length of the embeddings (default 64). */
  dimensions?: number;
  /** Words per streamed chunk (default 3). */
  wordsPerChunk?: number;
  /**
   * How this provider came to answer, said in the answer so that nobody takes it for a model's:
   * "--provider offline", "DEVSYNTH_PROVIDER=offline", "llm.provider: offline in <file>",
   * "a fallback (openrouter unavailable)".
   */
  reachedBy?: string;
}

const CHAT_MODEL = 'offline/echo';
const EMBEDDING_MODEL = 'offline/hash-embedding';

function catalogueEntry(id: string, name: string, output: string): ModelInfo {
  return {
    id,
    name,
    context_length: 1_000_000,
    pricing: { prompt: '0', completion: '0' },
    architecture: { modality: `text->${output}`, input_modalities: ['text'], output_modalities: [output] },
    top_provider: { context_length: 1_000_000, max_completion_tokens: null, is_moderated: false },
  };
}

/** A unit vector from the text's SHA-256, stretched to `dimensions`: same text, same vector. */
function hashVector(text: string, dimensions: number): number[] {
  const values: number[] = [];
  for (let block = 0; values.length < dimensions; block++) {
    const digest = sha256(`${block}:${text}`);
    for (let i = 0; i + 1 < digest.length && values.length < dimensions; i += 2) values.push(digest.readUInt16BE(i) / 32767.5 - 1);
  }
  const norm = Math.hypot(...values) || 1;
  return values.map((v) => Number((v / norm).toFixed(6)));
}

const estimate = (text: string) => Math.max(1, Math.ceil(text.length / 4));

export class OfflineProvider extends BaseProvider {
  readonly id = 'offline';
  override readonly model = CHAT_MODEL;
  override readonly embeddingModel = EMBEDDING_MODEL;
  private readonly dimensions: number;
  private readonly wordsPerChunk: number;
  private readonly reachedBy: string | undefined;

  constructor(options: OfflineProviderOptions = {}) {
    super();
    this.dimensions = options.dimensions ?? 64;
    this.wordsPerChunk = options.wordsPerChunk ?? 3;
    this.reachedBy = options.reachedBy;
  }

  /** Its vectors' length is its own setting: vectors of another length are kept apart. */
  override endpoint(): string {
    return `offline:${this.dimensions}`;
  }

  override chat(request: ChatRequest, options: CallOptions = {}): ChatStream {
    const provider = this;
    return new ChatStream(async function* () {
      // The same checks as a real request: a script that passes here passes there.
      chatRequestBody({ ...request, model: request.model ?? CHAT_MODEL }, { model: CHAT_MODEL, temperature: 0.7, maxTokens: 4096, maxRequestBytes: DEFAULT_MAX_REQUEST_BYTES });
      const last = request.messages.filter((m) => m.role === 'user').at(-1);
      const prompt = last ? textOf(last.content) : '';
      const shown = prompt.length > 200 ? `${prompt.slice(0, 200)}…` : prompt;
      const words = prompt.split(/\s+/).filter(Boolean).length;
      const count = (n: number, noun: string) => `${n} ${noun}${n === 1 ? '' : 's'}`;
      // What came with the words, so that a script (and a test) sees its attachments arrive.
      const media = last ? describeMedia(last.content) : '';
      const answer = `[offline] You said: "${shown}" (${count(words, 'word')}, ${count(request.messages.length, 'message')} in the conversation)${media ? `, with ${media}` : ''}. This answer comes from the offline provider${provider.reachedBy ? `, reached through ${provider.reachedBy}` : ''}, not from a model.`;
      const id = `offline-${sha256(prompt).toString('hex').slice(0, 16)}`;
      const meta = { id, model: CHAT_MODEL, provider: 'offline' };
      const pieces = answer.split(/(?<=\s)/);
      const chunkSize = request.stream === false ? pieces.length : provider.wordsPerChunk;
      yield [{ type: 'meta', ...meta }];
      for (let i = 0; i < pieces.length; i += chunkSize) {
        if (options.signal?.aborted) throw new CancelledError('cancelled by the user', { partialContent: pieces.slice(0, i).join('') });
        yield [{ type: 'token', text: pieces.slice(i, i + chunkSize).join('') }];
        // Let a consumer render, and a Ctrl+C land, between chunks.
        await new Promise((resolve) => setImmediate(resolve));
      }
      const promptTokens = request.messages.reduce((sum, m) => sum + estimate(textOf(m.content)), 0);
      const completionTokens = estimate(answer);
      const done: StreamEvent[] = [
        { type: 'usage', usage: { prompt_tokens: promptTokens, completion_tokens: completionTokens, total_tokens: promptTokens + completionTokens, cost: 0 } },
        { type: 'done', finishReason: 'stop', ...meta },
      ];
      yield done;
    });
  }

  override async embed(request: EmbedRequest): Promise<EmbedResult> {
    validateEmbeddingInput(request.input);
    const tokens = request.input.reduce((sum, text) => sum + estimate(text), 0);
    return {
      model: request.model ?? EMBEDDING_MODEL,
      data: request.input.map((text, index) => ({ index, embedding: hashVector(text, request.dimensions ?? this.dimensions) })),
      usage: { prompt_tokens: tokens, total_tokens: tokens, cost: 0 },
    };
  }

  override async listModels(options: { embeddings?: boolean } = {}): Promise<ModelInfo[]> {
    return options.embeddings
      ? [catalogueEntry(EMBEDDING_MODEL, 'Offline: hash embedding', 'embeddings')]
      : [catalogueEntry(CHAT_MODEL, 'Offline: echo', 'text')];
  }

  override async getKeyInfo(): Promise<KeyInfo> {
    return { label: 'offline (no key needed)', limit: null, usage: 0, is_free_tier: true };
  }

  override async breakerState(): Promise<BreakerState> {
    return CLOSED;
  }
}
