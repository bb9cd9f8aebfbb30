// Where prompt-cache breakpoints go (app/prompt-cache.ts): every rule of the placement, the cap
// of four, the length floor of `auto`, the models left alone, and the mode from flag and setting.
import { describe, expect, it } from '@jest/globals';
import type { ChatMessage, ContentPart } from '../../../src/core/index.js';
import {
  EPHEMERAL,
  MAX_BREAKPOINTS,
  needsExplicitBreakpoints,
  placeCacheBreakpoints,
  promptCacheMode,
  promptCacheModeFor,
} from '../../../src/app/prompt-cache.js';

const CLAUDE = 'anthropic/claude-sonnet-4.5';
/** About 1,400 tokens by the core's estimate (3 characters a token): over the 1,024 floor alone. */
const LONG = 'x'.repeat(4_200);
const SHORT = 'Be brief.';
const IMAGE: ContentPart = { type: 'image_url', image_url: { url: 'data:image/png;base64,iVBORw0KGgo=' } };

const system = (content: string): ChatMessage => ({ role: 'system', content });
const user = (content: ChatMessage['content']): ChatMessage => ({ role: 'user', content });
const assistant = (content: string): ChatMessage => ({ role: 'assistant', content });

/** [message index, part index] of every marked part. */
function marks(messages: ChatMessage[]): Array<[number, number]> {
  const found: Array<[number, number]> = [];
  messages.forEach((message, m) => {
    if (Array.isArray(message.content)) message.content.forEach((part, p) => part.type === 'text' && part.cache_control && found.push([m, p]));
  });
  return found;
}

describe('which models need explicit breakpoints', () => {
  it('Anthropic and Gemini by the id’s author, variants included; the others cache by themselves', () => {
    expect(needsExplicitBreakpoints('anthropic/claude-sonnet-4.5')).toBe(true);
    expect(needsExplicitBreakpoints('anthropic/claude-3.5-haiku:nitro')).toBe(true);
    expect(needsExplicitBreakpoints('google/gemini-2.5-pro')).toBe(true);
    for (const id of ['openai/gpt-4o-mini', 'deepseek/deepseek-chat', 'x-ai/grok-4', 'google/gemma-3-27b-it', 'openrouter/auto', 'meta-llama/anthropic-like']) {
      expect(needsExplicitBreakpoints(id)).toBe(false);
    }
    expect(needsExplicitBreakpoints(undefined)).toBe(false);
  });
});

describe('placeCacheBreakpoints', () => {
  it('a long system prompt becomes one marked text part; the question is untouched', () => {
    const messages = [system(LONG), user('What is it?')];
    const placed = placeCacheBreakpoints(messages, { mode: 'auto', model: CLAUDE });
    expect(placed[0]).toEqual({ role: 'system', content: [{ type: 'text', text: LONG, cache_control: EPHEMERAL }] });
    expect(placed[1]).toBe(messages[1]);
    // The input is not changed: the session keeps the conversation as written.
    expect(messages[0]!.content).toBe(LONG);
  });

  it('short prompts are left as they are in auto mode (the same array), and marked in always mode', () => {
    const messages = [system(SHORT), user('Hi')];
    expect(placeCacheBreakpoints(messages, { mode: 'auto', model: CLAUDE })).toBe(messages);
    expect(marks(placeCacheBreakpoints(messages, { mode: 'always', model: CLAUDE }))).toEqual([[0, 0]]);
  });

  it('the floor counts the whole prefix: a short system prompt ahead of long turns does not qualify, the turn does', () => {
    const messages = [system(SHORT), user(LONG), assistant('ok'), user('and now?')];
    expect(marks(placeCacheBreakpoints(messages, { mode: 'auto', model: CLAUDE }))).toEqual([[2, 0]]);
  });

  it('models that cache by themselves, and mode off, are left alone (the same array)', () => {
    const messages = [system(LONG), user('Hi')];
    for (const model of ['openai/gpt-4o-mini', 'deepseek/deepseek-chat', undefined]) {
      expect(placeCacheBreakpoints(messages, { mode: 'always', model })).toBe(messages);
    }
    expect(placeCacheBreakpoints(messages, { mode: 'off', model: CLAUDE })).toBe(messages);
  });

  it('long -f text: the user message splits into the files (marked) and the question', () => {
    const files = `<file path="a.ts">\n${LONG}\n</file>\n`;
    const messages = [user(`${files}\nWhat does it do?`)];
    const placed = placeCacheBreakpoints(messages, { mode: 'auto', model: CLAUDE, turnFiles: files });
    expect(placed[0]!.content).toEqual([
      { type: 'text', text: files, cache_control: EPHEMERAL },
      { type: 'text', text: 'What does it do?' },
    ]);
  });

  it('files with no question after them are one marked part', () => {
    const files = `<file path="a.ts">\n${LONG}\n</file>\n`;
    const placed = placeCacheBreakpoints([user(files)], { mode: 'auto', model: CLAUDE, turnFiles: files });
    expect(placed[0]!.content).toEqual([{ type: 'text', text: files, cache_control: EPHEMERAL }]);
  });

  it('attachments move ahead of the marked files, so that the mark covers them', () => {
    const files = `<file path="a.ts">\n${SHORT}\n</file>\n`;
    const messages = [user([{ type: 'text', text: `${files}\nCompare them` }, IMAGE])];
    // The image alone (about 1,600 tokens) lifts the short files over the floor.
    const placed = placeCacheBreakpoints(messages, { mode: 'auto', model: CLAUDE, turnFiles: files });
    expect(placed[0]!.content).toEqual([IMAGE, { type: 'text', text: files, cache_control: EPHEMERAL }, { type: 'text', text: 'Compare them' }]);
  });

  it('an attachment with no -f text is not marked in its own turn (marks go on text parts only), and is inside the earlier turns’ prefix next turn', () => {
    const first = user([{ type: 'text', text: 'What is this?' }, IMAGE]);
    expect(placeCacheBreakpoints([first], { mode: 'always', model: CLAUDE })).toEqual([first]);
    const next = [first, assistant('A cat.'), user('What colour?')];
    const placed = placeCacheBreakpoints(next, { mode: 'auto', model: CLAUDE });
    expect(marks(placed)).toEqual([[1, 0]]);
    expect(placed[0]).toBe(first);
  });

  it('a message ending in media, or empty, is not marked', () => {
    const messages = [user([{ type: 'text', text: LONG }, IMAGE]), user('next?')];
    expect(placeCacheBreakpoints(messages, { mode: 'always', model: CLAUDE })).toBe(messages);
    const empty = [user(LONG), { role: 'assistant', content: '' } as ChatMessage, user('next?')];
    expect(placeCacheBreakpoints(empty, { mode: 'always', model: CLAUDE })).toBe(empty);
  });

  it('multi-turn: the system prompt and the end of each earlier turn, in prefix order', () => {
    const messages = [system(LONG), user('one'), assistant('1'), user('two'), assistant('2'), user('three')];
    expect(marks(placeCacheBreakpoints(messages, { mode: 'auto', model: CLAUDE }))).toEqual([
      [0, 0],
      [2, 0],
      [4, 0],
    ]);
  });

  it('at most four: the system prompt and this turn’s files stay, the latest earlier turns fill the rest', () => {
    const files = `<file path="f">\n${SHORT}\n</file>\n`;
    const messages: ChatMessage[] = [system(LONG), system('and JSON')];
    for (let turn = 1; turn <= 6; turn++) messages.push(user(`q${turn}`), assistant(`a${turn}`));
    messages.push(user(`${files}\nlast`));
    const placed = placeCacheBreakpoints(messages, { mode: 'auto', model: CLAUDE, turnFiles: files });
    const found = marks(placed);
    expect(found).toHaveLength(MAX_BREAKPOINTS);
    // The end of the system prompts (the second one), the two latest answers, the files.
    expect(found).toEqual([
      [1, 0],
      [11, 0],
      [13, 0],
      [14, 0],
    ]);
  });

  it('without files, the four go to the system prompt and the three latest turns', () => {
    const messages: ChatMessage[] = [system(LONG)];
    for (let turn = 1; turn <= 5; turn++) messages.push(user(`q${turn}`), assistant(`a${turn}`));
    messages.push(user('last'));
    expect(marks(placeCacheBreakpoints(messages, { mode: 'auto', model: CLAUDE }))).toEqual([
      [0, 0],
      [6, 0],
      [8, 0],
      [10, 0],
    ]);
  });

  it('marks the caller already placed are kept, and nothing is added', () => {
    const messages: ChatMessage[] = [{ role: 'system', content: [{ type: 'text', text: LONG, cache_control: { type: 'ephemeral', ttl: '1h' } }] }, user(LONG), assistant('x'), user('y')];
    expect(placeCacheBreakpoints(messages, { mode: 'always', model: CLAUDE })).toBe(messages);
  });

  it('a user message whose text does not begin with the files is not split', () => {
    const messages = [user('question first')];
    expect(placeCacheBreakpoints(messages, { mode: 'always', model: CLAUDE, turnFiles: 'other' })).toBe(messages);
  });
});

describe('the mode of a run', () => {
  it('the flag wins over the setting; --cache-prompt is at least auto; the default is off', () => {
    expect(promptCacheMode(undefined, undefined)).toBe('off');
    expect(promptCacheMode(undefined, 'auto')).toBe('auto');
    expect(promptCacheMode(true, undefined)).toBe('auto');
    expect(promptCacheMode(true, 'off')).toBe('auto');
    expect(promptCacheMode(true, 'always')).toBe('always');
    expect(promptCacheMode(false, 'always')).toBe('off');
  });

  it('only OpenRouter sends marks; --cache-prompt elsewhere is said to be ignored', () => {
    const warnings: string[] = [];
    expect(promptCacheModeFor('lmstudio', true, { prompt_cache: 'always' }, (m) => warnings.push(m))).toBe('off');
    expect(warnings).toEqual(["--cache-prompt is OpenRouter's; lmstudio ignores it"]);
    expect(promptCacheModeFor('openrouter', undefined, { prompt_cache: 'always' }, (m) => warnings.push(m))).toBe('always');
    expect(promptCacheModeFor('openrouter', undefined, { max_tokens: 5 }, (m) => warnings.push(m))).toBe('off');
    expect(warnings).toHaveLength(1);
  });
});
