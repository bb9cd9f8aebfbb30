// What the REPL's transcript shows of a turn: the reasoning (dimmed, folded to its last lines
// once the answer starts; /reasoning shows it whole), the answer, and the one-shot UI's
// footer; costs in fixed notation in the footer and in /usage.
import { describe, expect, it } from '@jest/globals';
import { render } from 'ink-testing-library';
import type { ChatMessage, StreamEvent } from '../../../src/core/index.js';
import { FRAME_MS } from '../../../src/ui/hooks/use-chat-stream.js';
import { Repl } from '../../../src/ui/Repl.js';

const pause = (ms = FRAME_MS * 3) => new Promise((resolve) => setTimeout(resolve, ms));
const ENTER = '\r';

/** Waits (generously: the machine may be loaded) until what was written shows `pattern`. */
async function until(app: { frames: string[] }, pattern: RegExp | string, ms = 10_000): Promise<void> {
  const end = Date.now() + ms;
  const seen = () => (typeof pattern === 'string' ? app.frames.join('').includes(pattern) : pattern.test(app.frames.join('')));
  while (!seen() && Date.now() < end) await pause(20);
}
const REASONING = Array.from({ length: 12 }, (_, i) => `thought ${i + 1}`).join('\n');

/** An `ask` that thinks in twelve lines, then answers, at a tiny cost. */
function thinkingAsk() {
  return (_messages: ChatMessage[], model: string) =>
    (async function* (): AsyncGenerator<StreamEvent[]> {
      yield [{ type: 'meta', model }, { type: 'reasoning', text: REASONING.slice(0, 40) }];
      await pause(FRAME_MS * 2);
      yield [{ type: 'reasoning', text: REASONING.slice(40) }];
      await pause(FRAME_MS * 2);
      yield [{ type: 'token', text: 'the answer' }];
      yield [{ type: 'usage', usage: { prompt_tokens: 3, completion_tokens: 2, total_tokens: 5, cost: 8.1e-7 } }, { type: 'done', finishReason: 'stop' }];
    })();
}

describe('the REPL transcript', () => {
  it('keeps the last lines of the reasoning above the answer, then the footer in the one-shot format; /usage in fixed notation', async () => {
    const app = render(<Repl initial={{ messages: [], model: 'm/one', name: 'test' }} ask={thinkingAsk()} save={() => undefined} footer />);
    app.stdin.write('why?');
    await until(app, 'why?');
    await pause(50);
    app.stdin.write(ENTER);
    await until(app, /tokens · \$/);
    await pause();
    app.stdin.write('/usage');
    await until(app, '/usage');
    await pause(50);
    app.stdin.write(ENTER);
    await until(app, 'in this session');
    const screen = app.frames.join('');
    // Folded as in the one-shot UI: a count of the others, then the last three, in order.
    expect(screen).toContain('… 9 more lines of reasoning\nthought 10\nthought 11\nthought 12\n');
    expect(screen).not.toContain('thought 1\n');
    expect(screen.indexOf('the answer')).toBeGreaterThan(screen.indexOf('thought 12\n'));
    expect(screen).toMatch(/the answer\n›?m\/one · 3 \+ 2 tokens · \$0\.00000081 · first token [\d.]+ s( · \d+ tok\/s)? · [\d.]+ s/);
    expect(screen).toContain('1 answers, 3 prompt + 2 completion tokens, $0.00000081 in this session');
    expect(screen).not.toMatch(/\de-\d/);
    app.unmount();
  });

  it('/reasoning shows the last answer\'s reasoning whole, made terminal-safe; before any, says there is none', async () => {
    const app = render(<Repl initial={{ messages: [], model: 'm/one', name: 'test' }} ask={thinkingAsk()} save={() => undefined} footer={false} />);
    app.stdin.write('/reasoning');
    await until(app, '/reasoning');
    await pause(50);
    app.stdin.write(ENTER);
    await until(app, 'no reasoning');
    expect(app.frames.join('')).toContain('the last answer came with no reasoning');
    app.stdin.write('why?');
    await until(app, 'why?');
    await pause(50);
    app.stdin.write(ENTER);
    await until(app, 'the answer');
    await pause();
    app.stdin.write('/reasoning');
    await until(app, /\/reasoning[\s\S]*\/reasoning/);
    await pause(50);
    app.stdin.write(ENTER);
    await until(app, 'thought 1\n');
    const screen = app.frames.join('');
    const shown = screen.slice(screen.lastIndexOf('/reasoning'));
    const at = REASONING.split('\n').map((line) => shown.indexOf(`${line}\n`));
    expect(at.every((index, i) => index >= 0 && (i === 0 || index > (at[i - 1] as number)))).toBe(true);
    app.unmount();
  });
});
