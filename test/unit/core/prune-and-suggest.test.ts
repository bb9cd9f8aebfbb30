import { describe, expect, it } from '@jest/globals';
import { estimateTokens, pruneToContext } from '../../../src/core/prune-context.js';
import { suggestModels } from '../../../src/core/suggest-models.js';
import type { ChatMessage } from '../../../src/core/types.js';

const msg = (role: ChatMessage['role'], words: number): ChatMessage => ({ role, content: 'word '.repeat(words) });

describe('pruneToContext', () => {
  const conversation: ChatMessage[] = [
    { role: 'system', content: 'be brief' },
    msg('user', 100),
    msg('assistant', 100),
    msg('user', 100),
    msg('assistant', 100),
    { role: 'user', content: 'latest question' },
  ];

  it('keeps everything when it fits', () => {
    const result = pruneToContext(conversation, 100_000, 1000);
    expect(result.dropped).toBe(0);
    expect(result.messages).toEqual(conversation);
  });

  it('drops the oldest whole turns first, keeping the system prompt and the newest message', () => {
    const oneTurn = estimateTokens(conversation[1]!) + estimateTokens(conversation[2]!);
    const all = conversation.reduce((sum, m) => sum + estimateTokens(m), 0);
    const result = pruneToContext(conversation, all - oneTurn + 10, 10);
    expect(result.dropped).toBe(2);
    expect(result.messages[0]).toEqual(conversation[0]);
    expect(result.messages.slice(1)).toEqual(conversation.slice(3));
  });

  it('never drops the newest message, even when nothing fits', () => {
    const result = pruneToContext(conversation, 10, 5);
    expect(result.messages.map((m) => m.content)).toEqual(['be brief', 'latest question']);
    expect(result.dropped).toBe(4);
  });
});

describe('suggestModels', () => {
  const ids = ['openai/gpt-4o', 'openai/gpt-4o-mini', 'anthropic/claude-haiku-4.5', 'meta-llama/llama-3.3-70b-instruct:free'];

  it('finds ids that contain what was typed', () => {
    expect(suggestModels('gpt-4o', ids)).toEqual(['openai/gpt-4o', 'openai/gpt-4o-mini']);
  });

  it('finds near misses by edit distance', () => {
    expect(suggestModels('openai/gtp-4o', ids)[0]).toBe('openai/gpt-4o');
    expect(suggestModels('anthropic/claude-haiku-45', ids)).toContain('anthropic/claude-haiku-4.5');
  });

  it('suggests nothing for something unlike any id', () => {
    expect(suggestModels('zzzzzzzz/qqqqqq', ids)).toEqual([]);
  });
});
