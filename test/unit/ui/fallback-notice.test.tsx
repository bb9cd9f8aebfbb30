// The terminal UI tells who answered when llm.fallback moved on: a line that stays after the
// answer, and the plain writer's line on stderr.
import { describe, expect, it } from '@jest/globals';
import { render } from 'ink-testing-library';
import { OpenRouterConnectionError, type StreamEvent } from '../../../src/core/index.js';
import { ChatApp } from '../../../src/ui/ChatApp.js';
import { finishView, initialViewState, reduceBatch } from '../../../src/ui/chat-view-state.js';
import { terminalScreen } from '../../helpers/terminal-screen.js';
import { FRAME_MS } from '../../../src/ui/hooks/use-chat-stream.js';
import { writePlain } from '../../../src/ui/plain-writer.js';
import { Repl } from '../../../src/ui/Repl.js';
import { turnEntries } from '../../../src/ui/repl-transcript.js';

const fallback: StreamEvent = {
  type: 'fallback',
  from: 'openrouter',
  to: 'lmstudio',
  reason: 'cannot reach OpenRouter at openrouter.ai: connection refused',
  error: new OpenRouterConnectionError('network', 'cannot reach OpenRouter'),
};
const answer: StreamEvent[][] = [
  [{ type: 'retry', attempt: 0, maxRetries: 1, delayMs: 1000, reason: 'connection refused', error: new OpenRouterConnectionError('network', 'x') }],
  [fallback],
  [{ type: 'meta', model: 'qwen2.5-7b-instruct' }, { type: 'token', text: 'Bonjour.' }],
  [{ type: 'done', finishReason: 'stop' }],
];
async function* batches(): AsyncGenerator<StreamEvent[]> {
  for (const batch of answer) yield batch;
}

describe('a fallback in the terminal UI', () => {
  it('the reducer keeps the notice and drops the pending retry', () => {
    let state = reduceBatch(initialViewState(0), answer[0]!, 1);
    expect(state.retry).toBeDefined();
    state = reduceBatch(state, answer[1]!, 2);
    expect(state.retry).toBeUndefined();
    expect(state.fallbacks).toEqual(['openrouter is unavailable (cannot reach OpenRouter at openrouter.ai: connection refused); answering with lmstudio']);
    state = reduceBatch(state, answer[2]!, 3);
    expect(state.fallbacks).toHaveLength(1);
  });

  it('the notice is on screen with the answer at the end', async () => {
    const app = render(<ChatApp batches={batches()} footer />);
    await new Promise((resolve) => setTimeout(resolve, FRAME_MS * 3));
    const last = terminalScreen(app.frames);
    expect(last).toContain('openrouter is unavailable');
    expect(last).toContain('answering with lmstudio');
    expect(app.frames.join('')).toContain('Bonjour.');
    app.unmount();
  });

  it('the REPL keeps the notice in the transcript, after the lines it streamed', () => {
    let state = initialViewState(0);
    for (const batch of answer) state = reduceBatch(state, batch, 1);
    const entries = turnEntries(7, finishView(state, 2), 'footer');
    expect(entries.map((entry) => [entry.kind, entry.text])).toEqual([
      ['answer', 'Bonjour.'],
      ['info', '⤳ openrouter is unavailable (cannot reach OpenRouter at openrouter.ai: connection refused); answering with lmstudio'],
      ['footer', 'footer'],
    ]);
  });

  it('plain mode: one line on stderr, and --json names who answered', async () => {
    const out: string[] = [];
    const err: string[] = [];
    const result = await writePlain(batches(), { json: true, usage: false, quiet: false, providerId: 'openrouter', stdout: { write: (t: string) => out.push(t) }, stderr: { write: (t: string) => err.push(t) } });
    expect(err.join('')).toBe('devsynth-or: openrouter is unavailable (cannot reach OpenRouter at openrouter.ai: connection refused); answering with lmstudio\n');
    expect(JSON.parse(out.join(''))).toMatchObject({
      content: 'Bonjour.',
      answered_by: 'lmstudio',
      fallbacks: [{ provider: 'openrouter', kind: 'connection', reason: expect.stringContaining('connection refused') }],
    });
    expect(result.answeredBy).toBe('lmstudio');
  });
});

describe('a fallback in the REPL', () => {
  it('prints the answer once and the notice after it, and both stay on screen', async () => {
    const ask = () =>
      (async function* (): AsyncGenerator<StreamEvent[]> {
        yield [fallback];
        yield [{ type: 'meta', model: 'qwen2.5-7b-instruct' }, { type: 'token', text: 'first line\nsecond line\n' }];
        yield [{ type: 'token', text: 'last line' }, { type: 'done', finishReason: 'stop' }];
      })();
    const app = render(<Repl initial={{ messages: [], model: 'm', name: 'test' }} ask={ask} save={() => undefined} footer={false} />);
    const pause = () => new Promise((resolve) => setTimeout(resolve, FRAME_MS * 3));
    app.stdin.write('hi');
    await pause();
    app.stdin.write('\r');
    await pause();
    const last = terminalScreen(app.frames);
    for (const text of ['first line', 'second line', 'last line', 'answering with lmstudio']) {
      expect(last.split(text).length - 1).toBe(1);
    }
    expect(last.indexOf('answering with lmstudio')).toBeGreaterThan(last.indexOf('last line'));
    app.unmount();
  });
});
