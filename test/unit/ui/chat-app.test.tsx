// The terminal UI with ink-testing-library: frames show tokens arriving, the footer's figures,
// the retry countdown, the error panel.
import { describe, expect, it } from '@jest/globals';
import { render } from 'ink-testing-library';
import { OpenRouterRateLimitError, type StreamEvent } from '../../../src/core/index.js';
import { ChatApp } from '../../../src/ui/ChatApp.js';
import { FRAME_MS } from '../../../src/ui/hooks/use-chat-stream.js';

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
});
