import { describe, expect, it } from '@jest/globals';
import { finishView, initialViewState, reduceBatch } from '../../../src/ui/chat-view-state.js';
import { CancelledError } from '../../../src/core/index.js';

const tokens = (...texts: string[]) => texts.map((text) => ({ type: 'token' as const, text }));

describe('chat view state', () => {
  it('commits complete lines and keeps the unfinished one live', () => {
    let state = reduceBatch(initialViewState(0), tokens('Hello', ' world\nSecond'), 10);
    expect(state.lines.map((l) => l.text)).toEqual(['Hello world']);
    expect(state.live).toBe('Second');
    expect(state).toMatchObject({ phase: 'streaming', firstTokenAt: 10 });
    state = reduceBatch(state, tokens(' line\n'), 20);
    expect(state.lines.map((l) => l.text)).toEqual(['Hello world', 'Second line']);
    expect(state.live).toBe('');
    expect(state.firstTokenAt).toBe(10);
  });

  it('styles lines as markdown as they complete, code blocks included', () => {
    const state = finishView(reduceBatch(initialViewState(0), tokens('# Title\n- item\n```js\nconst a = 1;\n```\n> quoted\nplain'), 1), 2);
    expect(state.lines.map((l) => l.kind)).toEqual(['heading', 'list', 'fence', 'code', 'fence', 'quote', 'text']);
    expect(state.phase).toBe('done');
  });

  it('commits an endless line in pieces, cut at spaces, so frames stay small', () => {
    const long = Array.from({ length: 200 }, (_, i) => `word${i}`).join(' ');
    const state = reduceBatch(initialViewState(0), tokens(long), 1, 100);
    expect(state.live.length).toBeLessThanOrEqual(100);
    expect(state.lines.length).toBeGreaterThan(5);
    expect(state.lines.every((l) => !l.text.startsWith(' ') && l.text.length <= 100)).toBe(true);
    expect([...state.lines.map((l) => l.text), state.live].join(' ').replace(/\s+/g, ' ')).toBe(long);
  });

  it('shows a retry until the first token, keeps the reasoning, and records the end', () => {
    let state = reduceBatch(initialViewState(0), [{ type: 'reasoning', text: 'thinking' }], 5);
    state = reduceBatch(state, [{ type: 'retry', attempt: 1, maxRetries: 3, delayMs: 2000, reason: '429', error: new CancelledError() }], 10);
    expect(state.retry).toEqual({ reason: '429', attempt: 1, maxRetries: 3, until: 2010 });
    expect(state.reasoning?.live).toBe('thinking');
    state = reduceBatch(state, tokens('ok'), 2100);
    expect(state.retry).toBeUndefined();
    const failed = finishView(state, 3000, new Error('boom'));
    expect(failed).toMatchObject({ phase: 'error', endedAt: 3000, live: '' });
    expect(failed.lines.map((l) => [l.kind, l.text])).toEqual([['reasoning', 'thinking'], ['text', 'ok']]);
  });
});
