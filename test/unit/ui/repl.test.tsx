// The REPL with ink-testing-library: stdin.write types, frames show what a person sees.
import { describe, expect, it } from '@jest/globals';
import { render } from 'ink-testing-library';
import { CancelledError, type ChatMessage, type StreamEvent, textOf } from '../../../src/core/index.js';
import { type Conversation, Repl } from '../../../src/ui/Repl.js';
import { FRAME_MS } from '../../../src/ui/hooks/use-chat-stream.js';
import { terminalScreen } from '../../helpers/terminal-screen.js';

const pause = (ms = FRAME_MS * 3) => new Promise((resolve) => setTimeout(resolve, ms));
const ENTER = '\r';

/** An `ask` that answers "echo: <prompt>" in two chunks, or hangs until aborted for "slow". */
function fakeAsk(log: Array<{ messages: ChatMessage[]; model: string }>) {
  return (messages: ChatMessage[], model: string, signal: AbortSignal) =>
    (async function* (): AsyncGenerator<StreamEvent[]> {
      log.push({ messages, model });
      const prompt = textOf(messages.at(-1)?.content ?? '');
      yield [{ type: 'meta', model }, { type: 'token', text: 'echo: ' }];
      if (prompt === 'slow') {
        await new Promise((resolve) => signal.addEventListener('abort', resolve));
        throw new CancelledError('cancelled by the user', { partialContent: 'echo: ' });
      }
      yield [{ type: 'token', text: prompt }, { type: 'usage', usage: { prompt_tokens: 3, completion_tokens: 2, total_tokens: 5, cost: 0 } }, { type: 'done', finishReason: 'stop' }];
    })();
}

/** Whether the REPL still reads keys: Ink stops reading stdin once the app has exited. */
const listening = (app: ReturnType<typeof render>) => app.stdin.listenerCount('readable') > 0;

function setup(initial: Partial<Conversation> = {}, stop?: AbortSignal) {
  const asked: Array<{ messages: ChatMessage[]; model: string }> = [];
  const saved: Conversation[] = [];
  const app = render(
    <Repl initial={{ messages: [], model: 'm/one', name: 'test', ...initial }} ask={fakeAsk(asked)} save={(c) => saved.push(c)} footer {...(stop ? { stop } : {})} />,
  );
  const type = async (text: string) => {
    app.stdin.write(text);
    await pause(20);
  };
  return { app, asked, saved, type, screen: () => app.frames.join('') };
}

describe('Repl', () => {
  it('sends a prompt, streams the answer, keeps the conversation, and saves each turn', async () => {
    const { app, asked, saved, type, screen } = setup();
    await type('hello');
    await type(ENTER);
    await pause();
    expect(screen()).toContain('› hello');
    expect(screen()).toContain('echo: hello');
    await type('again');
    await type(ENTER);
    await pause();
    expect(asked[1]?.messages.map((m) => m.content)).toEqual(['hello', 'echo: hello', 'again']);
    expect(saved.at(-1)?.messages).toHaveLength(4);
    // Each answer is shown once: a new turn never re-shows the previous one.
    const shown = terminalScreen(app.frames);
    expect(shown.split('echo: hello').length - 1).toBe(1);
    expect(shown.split('echo: again').length - 1).toBe(1);
    expect(shown.indexOf('› again')).toBeGreaterThan(shown.indexOf('echo: hello'));
    app.unmount();
  });

  it('slash commands change the model and the system prompt, clear, and list help', async () => {
    const { app, asked, type, screen } = setup({ messages: [{ role: 'user', content: 'old' }, { role: 'assistant', content: 'older' }] });
    await type('/model m/two');
    await type(ENTER);
    await type('/system be brief');
    await type(ENTER);
    await type('/clear');
    await type(ENTER);
    await type('/help');
    await type(ENTER);
    await type('/nope');
    await type(ENTER);
    await type('hi');
    await type(ENTER);
    await pause();
    expect(screen()).toContain('model set to m/two');
    expect(screen()).toContain('/usage           tokens and cost of this session');
    expect(screen()).toContain('unknown command /nope');
    expect(asked[0]).toEqual({ model: 'm/two', messages: [{ role: 'system', content: 'be brief' }, { role: 'user', content: 'hi' }] });
    app.unmount();
  });

  it('continues a line ending in \\ and recalls history with the up arrow', async () => {
    const { app, asked, type } = setup({ messages: [{ role: 'user', content: 'earlier prompt' }, { role: 'assistant', content: 'x' }] });
    await type('first\\');
    await type(ENTER);
    await type('second');
    await type(ENTER);
    await pause();
    expect(asked[0]?.messages.at(-1)?.content).toBe('first\nsecond');
    await type('\u001b[A');
    await type(ENTER);
    await pause();
    expect(asked[1]?.messages.at(-1)?.content).toBe('first\nsecond');
    app.unmount();
  });

  it('Ctrl+C cancels a generation and keeps the partial answer; the next Ctrl+C exits', async () => {
    const { app, saved, type, screen } = setup();
    await type('slow');
    await type(ENTER);
    await pause();
    await type('\u0003');
    await pause();
    expect(screen()).toContain('cancelled; the partial answer is kept');
    expect(saved.at(-1)?.messages).toEqual([{ role: 'user', content: 'slow' }, { role: 'assistant', content: 'echo: ' }]);
    expect(listening(app)).toBe(true);
    await type('\u0003');
    await pause();
    expect(listening(app)).toBe(false);
    app.unmount();
  });

  it('at the prompt: the first Ctrl+C warns, a second exits; a prompt sent in between disarms it', async () => {
    const { app, type, screen } = setup();
    await type('\u0003');
    expect(screen()).toContain('press Ctrl+C again');
    await type('hi');
    await type(ENTER);
    await pause();
    await type('\u0003');
    expect(listening(app)).toBe(true);
    await type('\u0003');
    await pause();
    expect(listening(app)).toBe(false);
    app.unmount();
  });

  it('two Ctrl+C in one read (a quick double press) exit, at the prompt and during a generation', async () => {
    const idle = setup();
    await idle.type('\u0003\u0003');
    await pause();
    expect(listening(idle.app)).toBe(false);
    idle.app.unmount();

    const busy = setup();
    await busy.type('slow');
    await busy.type(ENTER);
    await pause();
    await busy.type('\u0003\u0003');
    await pause();
    expect(listening(busy.app)).toBe(false);
    // Left before the cancelled turn wound down: its partial answer is kept all the same.
    expect(busy.saved.at(-1)?.messages).toEqual([{ role: 'user', content: 'slow' }, { role: 'assistant', content: 'echo: ' }]);
    busy.app.unmount();
  });

  it('the stop signal (SIGTERM, SIGHUP) leaves mid-generation and keeps the partial answer', async () => {
    const stop = new AbortController();
    const { app, saved, type } = setup({}, stop.signal);
    await type('slow');
    await type(ENTER);
    await pause();
    stop.abort();
    await pause();
    expect(listening(app)).toBe(false);
    expect(saved.at(-1)?.messages).toEqual([{ role: 'user', content: 'slow' }, { role: 'assistant', content: 'echo: ' }]);
    app.unmount();
  });

  it("shows the app's warnings in the transcript while it runs, and gives them back when it ends", async () => {
    let show: ((message: string) => void) | undefined;
    let undone = false;
    const warnings = (sink: (message: string) => void) => {
      show = sink;
      return () => {
        undone = true;
      };
    };
    const app = render(<Repl initial={{ messages: [], model: 'm/one', name: 'test' }} ask={fakeAsk([])} save={() => undefined} footer={false} warnings={warnings} />);
    await pause();
    show?.('state not saved (ENOTDIR); point DEVSYNTH_HOME at a writable folder');
    await pause();
    expect(terminalScreen(app.frames).split('⚠ state not saved').length - 1).toBe(1);
    app.unmount();
    expect(undone).toBe(true);
  });
});

