// Context-window pruning: when a conversation no longer fits the model's context, the oldest
// turns go first; system prompts and the newest user message always stay. Token counts are
// estimated (no tokenizer ships for hundreds of models), conservatively: about 3 characters
// per token plus a per-message overhead, so that an estimate errs towards pruning.
import { textOf } from './message-content.js';
import type { ChatMessage } from './types.js';

const CHARS_PER_TOKEN = 3;
const MESSAGE_OVERHEAD_TOKENS = 4;

export function estimateTokens(message: ChatMessage): number {
  return Math.ceil(textOf(message.content).length / CHARS_PER_TOKEN) + MESSAGE_OVERHEAD_TOKENS;
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
