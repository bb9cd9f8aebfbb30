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

const reasoning = (text: string) => ({ type: 'reasoning' as const, text });
const texts = (state: { lines: Array<{ kind: string; text: string }> }) => state.lines.map((l) => `${l.kind}: ${l.text}`);

describe('reasoning in the view', () => {
  const steps = Array.from({ length: 10 }, (_, i) => `step ${i + 1}`).join('\n');

  it('folded: while it streams only its last lines are kept; when the answer starts they are committed under a count of the rest', () => {
    let state = reduceBatch(initialViewState(0), [reasoning(`${steps}\nstill thin`)], 1, 2000, { fold: 3, width: 80 });
    expect(state.reasoning).toMatchObject({ hidden: 7, tail: ['step 8', 'step 9', 'step 10'], live: 'still thin' });
    expect(state.lines).toEqual([]);
    state = reduceBatch(state, [reasoning('king'), ...tokens('The answer\nis 4')], 2, 2000, { fold: 3, width: 80 });
    expect(texts(state)).toEqual(['reasoning: … 8 more lines of reasoning', 'reasoning: step 9', 'reasoning: step 10', 'reasoning: still thinking', 'text: The answer']);
    expect(state.reasoning).toBeUndefined();
    expect(state).toMatchObject({ live: 'is 4', phase: 'streaming', firstTokenAt: 2 });
  });

  it('whole: each line is committed as it ends, the rest when the answer starts', () => {
    let state = reduceBatch(initialViewState(0), [reasoning('first\nsec')], 1, 2000, { width: 80 });
    expect(texts(state)).toEqual(['reasoning: first']);
    expect(state.reasoning?.live).toBe('sec');
    state = reduceBatch(state, [reasoning('ond\n\nthird'), ...tokens('answer')], 2, 2000, { width: 80 });
    expect(texts(state)).toEqual(['reasoning: first', 'reasoning: second', 'reasoning: ', 'reasoning: third']);
    expect(state.live).toBe('answer');
  });

  it('a stream that ends (or fails) before any answer keeps its reasoning', () => {
    const state = reduceBatch(initialViewState(0), [reasoning('a\nb\nc\nd\ne')], 1, 2000, { fold: 3, width: 80 });
    const failed = finishView(state, 2, new Error('boom'));
    expect(texts(failed)).toEqual(['reasoning: … 2 more lines of reasoning', 'reasoning: c', 'reasoning: d', 'reasoning: e']);
    expect(failed.phase).toBe('error');
  });

  it('reasoning after some of the answer comes after it: the answer line so far is committed first', () => {
    let state = reduceBatch(initialViewState(0), [...tokens('half a'), reasoning('wait\n'), ...tokens(' line\n')], 1, 2000, { width: 80 });
    state = finishView(state, 2);
    expect(texts(state)).toEqual(['text: half a', 'reasoning: wait', 'text:  line']);
  });

  it('a long reasoning keeps the live part small: lines cut at the width, and only the count of the folded ones', () => {
    const paragraph = Array.from({ length: 20_000 }, (_, i) => `word${i}`).join(' ');
    let state = initialViewState(0);
    for (let i = 0; i < paragraph.length; i += 997) state = reduceBatch(state, [reasoning(paragraph.slice(i, i + 997))], 1, 2000, { fold: 3, width: 60 });
    const block = state.reasoning;
    expect(block?.tail).toHaveLength(3);
    expect(block?.tail.every((line) => line.length <= 60)).toBe(true);
    expect(block?.live.length).toBeLessThanOrEqual(60);
    expect(block?.hidden).toBeGreaterThan(paragraph.length / 60 - 10);
    expect(JSON.stringify(state).length).toBeLessThan(1000);
    const done = finishView(state, 2);
    expect(done.lines).toHaveLength(4);
    expect(done.lines[0]?.text).toMatch(/^… \d+ more lines of reasoning$/);
    expect(done.lines.at(-1)?.text.endsWith('word19999')).toBe(true);
  });
});
