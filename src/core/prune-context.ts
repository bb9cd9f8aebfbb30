// Context-window pruning: when a conversation no longer fits the model's context, the oldest
// turns go first; system prompts and the newest user message always stay. Token counts are
// estimated (no tokenizer ships for hundreds of models), conservatively: about 3 characters
// per token plus a per-message overhead, so that an estimate errs towards pruning. Media is
// counted by what it costs a model, not by the length of its base64.
import { describeMediaPart, textOf } from './message-content.js';
import type { ChatMessage, ContentPart } from './types.js';

const CHARS_PER_TOKEN = 3;
const MESSAGE_OVERHEAD_TOKENS = 4;
/**
 * An image costs a fixed number of tokens whatever its bytes: models scale it to a few tiles.
 * The largest common charge: Anthropic's ~1,600 for a 1568 px image (OpenAI's high detail at
 * 1024 px is 765, Gemini's 258 per tile).
 */
const IMAGE_TOKENS = 1_600;
/**
 * A PDF by its decoded size: compressed text streams hold a few characters per byte, but
 * fonts and pictures are most of a typical file. 3 bytes a token errs towards pruning without
 * letting one report write off a whole context.
 */
const PDF_BYTES_PER_TOKEN = 3;
/**
 * Audio by its decoded size: Gemini charges 32 tokens a second, the most of the audio models.
 * Compressed audio at 32 kbit/s is 4 KB a second (125 bytes a token); uncompressed 16 kHz
 * mono PCM is 32 KB a second (1,000 bytes a token).
 */
const COMPRESSED_AUDIO_BYTES_PER_TOKEN = 125;
const PCM_AUDIO_BYTES_PER_TOKEN = 1_000;
const PCM_FORMATS = new Set(['wav', 'aiff', 'pcm16', 'pcm24']);
/** A file or image given by URL or id: its size is not known here; a few pages' worth. */
const REMOTE_FILE_TOKENS = 4_000;

function partTokens(part: ContentPart): number {
  if (part.type === 'text') return Math.ceil(part.text.length / CHARS_PER_TOKEN);
  if (part.type === 'image_url') return IMAGE_TOKENS;
  const media = describeMediaPart(part);
  if (media.bytes === undefined) return REMOTE_FILE_TOKENS;
  if (part.type === 'input_audio') {
    const perToken = PCM_FORMATS.has(part.input_audio.format) ? PCM_AUDIO_BYTES_PER_TOKEN : COMPRESSED_AUDIO_BYTES_PER_TOKEN;
    return Math.ceil(media.bytes / perToken);
  }
  return Math.ceil(media.bytes / PDF_BYTES_PER_TOKEN);
}

export function estimateTokens(message: ChatMessage): number {
  const content = message.content;
  // A list of parts is summed part by part: its length is a count of parts, not of characters.
  const tokens = Array.isArray(content)
    ? content.reduce((sum, part) => sum + partTokens(part), 0)
    : Math.ceil(textOf(content ?? '').length / CHARS_PER_TOKEN);
  return tokens + MESSAGE_OVERHEAD_TOKENS;
}

export interface PruneResult {
  messages: ChatMessage[];
  /** How many messages were dropped (0: it fitted). */
  dropped: number;
  estimatedTokens: number;
}

/**
 * Keeps as many of the newest messages as fit in `contextLength − reservedForAnswer` tokens.
 * Drops whole turns (a user message with the answers that follow it) so that no answer is left
 * without its question.
 */
export function pruneToContext(messages: readonly ChatMessage[], contextLength: number, reservedForAnswer: number): PruneResult {
  const budget = Math.max(0, contextLength - reservedForAnswer);
  const system = messages.filter((m) => m.role === 'system' || m.role === 'developer');
  const rest = messages.filter((m) => m.role !== 'system' && m.role !== 'developer');
  const total = (list: readonly ChatMessage[]) => list.reduce((sum, m) => sum + estimateTokens(m), 0);

  let kept = rest.slice();
  let used = total(system) + total(kept);
  while (used > budget && kept.length > 1) {
    // Drop the oldest turn: the first message and everything up to the next user message.
    let cut = 1;
    while (cut < kept.length - 1 && kept[cut]?.role !== 'user') cut++;
    kept = kept.slice(cut);
    used = total(system) + total(kept);
  }
  return { messages: [...system, ...kept], dropped: rest.length - kept.length, estimatedTokens: used };
}
