// The terminal UI with ink-testing-library: frames show tokens arriving, the footer's figures,
// the retry countdown, the error panel.
import { describe, expect, it } from '@jest/globals';
import { render } from 'ink-testing-library';
import { OpenRouterRateLimitError, type StreamEvent } from '../../../src/core/index.js';
import { ChatApp } from '../../../src/ui/ChatApp.js';
import { FRAME_MS } from '../../../src/ui/hooks/use-chat-stream.js';
import { terminalScreen } from '../../helpers/terminal-screen.js';

/** A stream the test feeds by hand. */
function controlledStream() {
  const queue: Array<StreamEvent[] | Error | null> = [];
  let wake: (() => void) | undefined;
  async function* batches(): AsyncGenerator<StreamEvent[]> {
    for (;;) {
      while (queue.length === 0) await new Promise<void>((resolve) => (wake = resolve));
      const next = queue.shift();
      if (next === null || next === undefined) return;
      if (next instanceof Error) throw next;
      yield next;
    }
  }
  const push = (item: StreamEvent[] | Error | null) => {
    queue.push(item);
    wake?.();
  };
  return { batches: batches(), push };
}

const frame = () => new Promise((resolve) => setTimeout(resolve, FRAME_MS * 2.5));
const usage = { prompt_tokens: 12, completion_tokens: 30, total_tokens: 42, cost: 0.00042 };

describe('ChatApp', () => {
  it('a cached answer (the response cache): the footer says so, and that nothing was spent', async () => {
    const stream = controlledStream();
    const app = render(<ChatApp batches={stream.batches} footer cached />);
    stream.push([{ type: 'meta', model: 'm/x' }, { type: 'token', text: 'Hi' }]);
    stream.push([{ type: 'usage', usage }, { type: 'done', finishReason: 'stop' }]);
    stream.push(null);
    await frame();
    expect(app.lastFrame()).toContain('cached, $0 spent (was $0.00042)');
    app.unmount();
  });

  it('with startedAt (the request went out before the UI loaded), the footer counts from it', async () => {
    const stream = controlledStream();
    const now = () => 10_000;
    const app = render(<ChatApp batches={stream.batches} footer now={now} startedAt={7_500} />);
    stream.push([{ type: 'meta', model: 'm/x' }, { type: 'token', text: 'Hi' }]);
    stream.push([{ type: 'usage', usage }, { type: 'done', finishReason: 'stop' }]);
    stream.push(null);
    await frame();
    expect(app.lastFrame()).toContain('first token 2.50 s');
    app.unmount();
  });

  it('shows a spinner, then the tokens as they arrive, then the footer', async () => {
    const stream = controlledStream();
    const app = render(<ChatApp batches={stream.batches} footer />);
    await frame();
    expect(app.lastFrame()).toContain('waiting for the first token');
    stream.push([{ type: 'meta', model: 'openai/gpt-4o-mini', provider: 'OpenAI' }, { type: 'token', text: 'Hello' }]);
    await frame();
    expect(app.lastFrame()).toContain('Hello');
    expect(app.lastFrame()).not.toContain('waiting');
    stream.push([{ type: 'token', text: ', world\nsecond line' }]);
    await frame();
    const seen = app.frames.join('');
    expect(seen).toContain('Hello, world');
    expect(app.lastFrame()).toContain('second line');
    stream.push([{ type: 'usage', usage }, { type: 'done', finishReason: 'stop' }]);
    stream.push(null);
    await frame();
    expect(app.lastFrame()).toMatch(/openai\/gpt-4o-mini via OpenAI · 12 \+ 30 tokens · \$0\.00042 · first token [\d.]+ s · \d+ tok\/s/);
    app.unmount();
  });

  it('renders in frames: many tiny batches make few frames', async () => {
    const stream = controlledStream();
    const app = render(<ChatApp batches={stream.batches} footer={false} />);
    for (let i = 0; i < 2000; i++) stream.push([{ type: 'token', text: `t${i} ` }]);
    stream.push(null);
    await frame();
    await frame();
    expect(app.frames.join('')).toContain('t1999');
    expect(app.frames.length).toBeLessThan(60);
    app.unmount();
  });

  it('counts down a retry, and shows an error as a panel with its hint', async () => {
    const stream = controlledStream();
    const app = render(<ChatApp batches={stream.batches} footer />);
    const limited = new OpenRouterRateLimitError('rate limited (429): slow down', { status: 429, hint: 'wait a moment' });
    stream.push([{ type: 'retry', attempt: 1, maxRetries: 3, delayMs: 3000, reason: '429', error: limited }]);
    await frame();
    expect(app.lastFrame()).toMatch(/429: retrying in 3 s \(attempt 2 of 4\)/);
    stream.push(limited);
    await frame();
    const last = app.lastFrame() ?? '';
    expect(last).toContain('rate limited (429): slow down');
    expect(last).toContain('hint: wait a moment');
    expect(last).toMatch(/╭|┌/);
    app.unmount();
  });

  it('keeps the reasoning on screen once the answer starts, dimmed, folded to its last three rows', async () => {
    const stream = controlledStream();
    const app = render(<ChatApp batches={stream.batches} footer />);
    stream.push([{ type: 'reasoning', text: 'Let me see.\nFirst, the pipe.\nThen the fork.\nThen exec.\nSo: ' }]);
    await frame();
    expect(app.lastFrame()).toContain('waiting for the first token');
    expect(app.lastFrame()).toContain('… 1 more line of reasoning');
    expect(app.lastFrame()).toContain('Then exec.');
    stream.push([{ type: 'reasoning', text: 'done.' }, { type: 'meta', model: 'm/think' }, { type: 'token', text: 'A pipe joins two programs.\n' }]);
    stream.push([{ type: 'token', text: 'That is all.' }, { type: 'usage', usage }, { type: 'done', finishReason: 'stop' }]);
    stream.push(null);
    await frame();
    const screen = terminalScreen(app.frames);
    expect(screen).toMatch(/… 2 more lines of reasoning\nThen the fork\.\nThen exec\.\nSo: done\.\nA pipe joins two programs\.\nThat is all\.\nm\/think · 12 \+ 30 tokens/);
    expect(screen).not.toContain('Let me see.');
    app.unmount();
  });

  it('shows no footer under an error panel (the time alone said nothing)', async () => {
    const stream = controlledStream();
    const app = render(<ChatApp batches={stream.batches} footer now={() => 1_000} startedAt={900} />);
    stream.push(new OpenRouterRateLimitError('rate limited (429): slow down', { status: 429 }));
    await frame();
    const screen = terminalScreen(app.frames);
    expect(screen).toContain('rate limited (429): slow down');
    expect(screen).not.toMatch(/\d\.\d+ s/);
    app.unmount();
  });

  it("the footer keeps to one row of the terminal's width, whatever the model's name", async () => {
    const stream = controlledStream();
    const app = render(<ChatApp batches={stream.batches} footer />);
    stream.push([{ type: 'meta', model: `vendor/${'a-very-long-model-name-'.repeat(5)}`, provider: 'Some Provider (Region)' }, { type: 'token', text: 'Hi' }]);
    stream.push([{ type: 'usage', usage: { ...usage, cost: 8.1e-7 } }, { type: 'done', finishReason: 'stop' }]);
    stream.push(null);
    await frame();
    const last = terminalScreen([app.lastFrame() ?? '']).split('\n');
    const footer = last.at(-1) ?? '';
    expect(footer).toMatch(/^vendor\/a-very-long.*… · 42 tokens · \$0\.00000081 · [\d.]+ s$/);
    // ink-testing-library's terminal is 100 columns wide.
    expect(footer.length).toBeLessThanOrEqual(100);
    app.unmount();
  });
});
