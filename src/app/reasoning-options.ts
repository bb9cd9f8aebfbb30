// The reasoning controls of a chat: --reasoning-effort, --reasoning-tokens and --hide-reasoning,
// else the provider's reasoning_effort, reasoning_tokens and hide_reasoning settings (flags win,
// as everywhere). Sent as OpenRouter's `reasoning` object, which takes an effort or a token
// budget, not both; hidden reasoning is also dropped here, so that a server that sends it
// anyway shows none.
import { ConfigError, type ChatRequest, type StreamEvent, UsageError } from '../core/index.js';

export interface ReasoningFlags {
  reasoningEffort?: 'low' | 'medium' | 'high' | undefined;
  reasoningTokens?: number | undefined;
  hideReasoning?: boolean | undefined;
}

export interface ReasoningSettings {
  reasoning_effort?: string | null | undefined;
  reasoning_tokens?: number | null | undefined;
  hide_reasoning?: boolean | undefined;
}

export interface ReasoningChoice {
  /** The request's `reasoning`; absent: the model's default. */
  reasoning?: NonNullable<ChatRequest['reasoning']>;
  /** Show no reasoning (and ask for none). */
  hide: boolean;
}

export function resolveReasoning(flags: ReasoningFlags, settings: ReasoningSettings | undefined, providerId: string): ReasoningChoice {
  if (flags.reasoningEffort !== undefined && flags.reasoningTokens !== undefined) {
    throw new UsageError('--reasoning-effort and --reasoning-tokens cannot be used together', {
      hint: 'give an effort (low, medium, high) or a token budget, not both',
    });
  }
  const flagged = flags.reasoningEffort !== undefined || flags.reasoningTokens !== undefined;
  const effort = flagged ? flags.reasoningEffort : settings?.reasoning_effort ?? undefined;
  const tokens = flagged ? flags.reasoningTokens : settings?.reasoning_tokens ?? undefined;
  if (effort !== undefined && tokens !== undefined) {
    throw new ConfigError(`llm.providers.${providerId}: reasoning_effort and reasoning_tokens are both set; OpenRouter takes one of them`, {
      hint: 'remove one of them (or override with --reasoning-effort or --reasoning-tokens)',
    });
  }
  const hide = flags.hideReasoning === true || settings?.hide_reasoning === true;
  const reasoning: NonNullable<ChatRequest['reasoning']> = {
    ...(effort !== undefined ? { effort } : {}),
    ...(tokens !== undefined ? { max_tokens: tokens } : {}),
    ...(hide ? { exclude: true } : {}),
  };
  return { ...(Object.keys(reasoning).length > 0 ? { reasoning } : {}), hide };
}

/** The stream without its reasoning events, when the user asked to see none. */
export async function* withoutReasoning(batches: AsyncIterable<StreamEvent[]>): AsyncIterable<StreamEvent[]> {
  for await (const batch of batches) {
    const kept = batch.filter((event) => event.type !== 'reasoning');
    if (kept.length > 0) yield kept;
  }
}
