// Prompt-cache breakpoints (`--cache-prompt`, config `prompt_cache`). Most providers behind
// OpenRouter cache a repeated prompt prefix by themselves (OpenAI, DeepSeek, Grok, Moonshot,
// Groq); Anthropic's Claude and Google's Gemini cache only up to a part marked with
// `cache_control: {type: "ephemeral"}`. This module decides which models need such marks and
// where they go; it is a pure function of the messages, applied to the request only (the
// session keeps the conversation as it was written).
//
// The placement rule, in prefix order (a cache is a prefix: the provider reuses everything up
// to and including the marked part when the next request begins with the same bytes):
//   1. the end of the leading system prompts (one --system, a template's, --schema's);
//   2. the end of each earlier turn of the conversation (the message before each later user
//      message: the answer), the most recent first when they are too many;
//   3. this turn's -f files: the user message is split into the files' text, marked, and the
//      question after it; the turn's attachments are moved ahead of the files' text, so that
//      the mark covers them too (Anthropic reads images before text best anyway).
// At most 4 marks (Anthropic's limit): the system one and this turn's files first, then the
// latest earlier turns. Marks go on text parts only (the spec carries cache_control on
// ChatContentText alone): a string content becomes one text part; a message that ends with
// an image, a file or audio, or is empty, is not marked. Attachments of this turn with no -f
// text after them are cached only from the next turn on, inside the earlier turns' prefix.
// `auto` marks a place only when the prefix up to it is long enough to be cached at all
// (MIN_CACHEABLE_TOKENS, by the core's conservative estimate); `always` marks every place;
// `off` none. Messages that already carry a mark are the caller's choice and stay as they are.
import { type CacheControl, type ChatMessage, type ContentPart, estimateTokens } from '../core/index.js';

export const PROMPT_CACHE_MODES = ['off', 'auto', 'always'] as const;
export type PromptCacheMode = (typeof PROMPT_CACHE_MODES)[number];

/** Anthropic accepts at most four cache breakpoints in one request. */
export const MAX_BREAKPOINTS = 4;
/**
 * The shortest prefix worth a mark: Anthropic caches nothing below 1,024 tokens on most Claude
 * models (2,048 or 4,096 on some Haiku and Opus versions), Gemini's floor is similar. Below it
 * a mark is ignored, and only uses one of the four.
 */
export const MIN_CACHEABLE_TOKENS = 1_024;

export const EPHEMERAL: CacheControl = { type: 'ephemeral' };

/**
 * Whether the model's provider caches only up to explicit breakpoints, from the model id's
 * author: anthropic/… (Claude) and google/gemini-… (OpenRouter passes Gemini the marks; it
 * reportedly uses the last one). Others cache automatically, or not at all: they are left as
 * they are. A variant suffix (:nitro, :floor…) does not change the author.
 */
export function needsExplicitBreakpoints(model: string | undefined): boolean {
  if (!model) return false;
  const id = model.toLowerCase();
  return id.startsWith('anthropic/') || id.startsWith('google/gemini');
}

export interface CachePlacementOptions {
  mode: PromptCacheMode;
  model: string | undefined;
  /** This turn's -f text, which the last user message's text begins with (readPrompt's rule). */
  turnFiles?: string | undefined;
  /** For tests; MIN_CACHEABLE_TOKENS otherwise. */
  minTokens?: number;
}

/** A place a mark may go: the message, and the estimated tokens of the prefix it would end. */
interface Place {
  kind: 'system' | 'turn' | 'files';
  index: number;
  prefixTokens: number;
}

const hasMark = (message: ChatMessage) => Array.isArray(message.content) && message.content.some((part) => part.type === 'text' && part.cache_control !== undefined);

/** A message whose last part is non-empty text, so that a mark can end it. */
function markable(message: ChatMessage): boolean {
  const content = message.content;
  if (typeof content === 'string') return content.length > 0;
  if (!Array.isArray(content)) return false;
  const last = content.at(-1);
  return last?.type === 'text' && last.text.length > 0;
}

/** The message with its last (text) part marked. */
function marked(message: ChatMessage): ChatMessage {
  const content = message.content;
  if (typeof content === 'string') return { ...message, content: [{ type: 'text', text: content, cache_control: EPHEMERAL }] };
  const parts = [...content];
  parts[parts.length - 1] = { ...(parts.at(-1) as Extract<ContentPart, { type: 'text' }>), cache_control: EPHEMERAL };
  return { ...message, content: parts };
}

/**
 * The current user message as [attachments…, files' text (marked), the rest], or undefined
 * when its text does not begin with the files' text.
 */
function splitTurn(message: ChatMessage, files: string): ChatMessage | undefined {
  const content = message.content;
  const parts: ContentPart[] = typeof content === 'string' ? [{ type: 'text', text: content }] : content;
  const first = parts[0];
  if (first?.type !== 'text' || !first.text.startsWith(files)) return undefined;
  const media = parts.filter((part) => part.type !== 'text');
  const rest = first.text.slice(files.length).replace(/^\n/, '');
  const otherText = parts.slice(1).filter((part) => part.type === 'text');
  return {
    ...message,
    content: [...media, { type: 'text', text: files, cache_control: EPHEMERAL }, ...(rest ? [{ type: 'text' as const, text: rest }] : []), ...otherText],
  };
}

/** Tokens of this turn's stable part: its files' text and its attachments. */
function stableTurnTokens(message: ChatMessage, files: string): number {
  const media = typeof message.content === 'string' ? [] : message.content.filter((part) => part.type !== 'text');
  return estimateTokens({ role: 'user', content: [{ type: 'text', text: files }, ...media] });
}

/**
 * The messages with cache breakpoints placed by the rule above, or the same array when none
 * applies (mode off, a model that caches by itself, nothing long enough, marks already there).
 */
export function placeCacheBreakpoints(messages: ChatMessage[], options: CachePlacementOptions): ChatMessage[] {
  if (options.mode === 'off' || !needsExplicitBreakpoints(options.model) || messages.length === 0) return messages;
  if (messages.some(hasMark)) return messages;
  const minTokens = options.mode === 'always' ? 0 : (options.minTokens ?? MIN_CACHEABLE_TOKENS);

  const prefix: number[] = [];
  let sum = 0;
  for (const message of messages) prefix.push((sum += estimateTokens(message)));
  const lastIndex = messages.length - 1;
  const current = messages[lastIndex]!.role === 'user' ? lastIndex : -1;

  const places: Place[] = [];
  let systemEnd = -1;
  while (systemEnd + 1 < messages.length && ['system', 'developer'].includes(messages[systemEnd + 1]!.role)) systemEnd++;
  // The system prompts alone, with nothing after them, are no prefix of anything.
  if (systemEnd >= 0 && systemEnd < lastIndex) places.push({ kind: 'system', index: systemEnd, prefixTokens: prefix[systemEnd]! });
  for (let index = systemEnd + 1; index < lastIndex; index++) {
    if (messages[index + 1]!.role === 'user') places.push({ kind: 'turn', index, prefixTokens: prefix[index]! });
  }
  const files = options.turnFiles;
  if (current >= 0 && files) {
    const before = current > 0 ? prefix[current - 1]! : 0;
    places.push({ kind: 'files', index: current, prefixTokens: before + stableTurnTokens(messages[current]!, files) });
  }

  const worth = places.filter((place) => place.prefixTokens >= minTokens && (place.kind === 'files' || markable(messages[place.index]!)));
  const system = worth.filter((place) => place.kind === 'system');
  const turnFiles = worth.filter((place) => place.kind === 'files' && splitTurn(messages[place.index]!, files!) !== undefined);
  const turns = worth.filter((place) => place.kind === 'turn');
  const room = MAX_BREAKPOINTS - system.length - turnFiles.length;
  const chosen = [...system, ...turns.slice(Math.max(0, turns.length - room)), ...turnFiles];
  if (chosen.length === 0) return messages;

  const result = [...messages];
  for (const place of chosen) {
    result[place.index] = place.kind === 'files' ? splitTurn(messages[place.index]!, files!)! : marked(messages[place.index]!);
  }
  return result;
}

/** The mode of this run: --cache-prompt (at least auto) or --no-cache-prompt (off), else the setting, else off. */
export function promptCacheMode(flag: boolean | undefined, setting: PromptCacheMode | undefined): PromptCacheMode {
  if (flag === false) return 'off';
  if (flag === true) return setting === 'always' ? 'always' : 'auto';
  return setting ?? 'off';
}

/**
 * The mode for a run on `providerId`: the marks are OpenRouter's, so another provider gets none
 * (said once when --cache-prompt asked for them).
 */
export function promptCacheModeFor(
  providerId: string,
  flag: boolean | undefined,
  settings: object | undefined,
  warn: (message: string) => void,
): PromptCacheMode {
  if (providerId !== 'openrouter') {
    if (flag === true) warn(`--cache-prompt is OpenRouter's; ${providerId} ignores it`);
    return 'off';
  }
  // Only OpenRouter's settings have the key (config/schema.ts).
  const setting = settings && 'prompt_cache' in settings ? (settings.prompt_cache as PromptCacheMode | undefined) : undefined;
  return promptCacheMode(flag, setting);
}
