// The REPL's keys as a terminal delivers them: several keys in one go, before React has
// rendered what the previous one did (each must see it), type-ahead, pastes, and the slash
// commands that check against the catalogue.
import { describe, expect, it } from '@jest/globals';
import { render } from 'ink-testing-library';
import { type ChatMessage, OpenRouterInvalidModelError, type StreamEvent, textOf } from '../../../src/core/index.js';
import { type ModelCheck, Repl, type ReplProps } from '../../../src/ui/Repl.js';
import { FRAME_MS } from '../../../src/ui/hooks/use-chat-stream.js';
import { terminalScreen } from '../../helpers/terminal-screen.js';

const pause = (ms = FRAME_MS * 3) => new Promise((resolve) => setTimeout(resolve, ms));
const ENTER = '\r';

interface Asked {
  prompt: string;
  model: string;
  signal: AbortSignal;
  messages: ChatMessage[];
}

/** Answers "echo: <prompt>"; "slow" waits until aborted (already aborted: ends at once). */
function fakeAsk(log: Asked[], running = { now: 0, most: 0 }) {
  return (messages: ChatMessage[], model: string, signal: AbortSignal) =>
    (async function* (): AsyncGenerator<StreamEvent[]> {
      const prompt = textOf(messages.at(-1)?.content ?? '');
      log.push({ prompt, model, signal, messages });
      running.now++;
      running.most = Math.max(running.most, running.now);
      try {
        yield [{ type: 'meta', model }, { type: 'token', text: 'echo: ' }];
        if (prompt.startsWith('slow')) {
          if (!signal.aborted) await new Promise((resolve) => signal.addEventListener('abort', resolve));
          const { CancelledError } = await import('../../../src/core/index.js');
          throw new CancelledError('cancelled by the user', { partialContent: 'echo: ' });
        }
        if (prompt === 'bad') throw new OpenRouterInvalidModelError('no such model', { status: 400, hint: 'did you mean m/one?' });
        yield [{ type: 'token', text: prompt }, { type: 'done', finishReason: 'stop' }];
      } finally {
        running.now--;
      }
    })();
}

function setup(props: Partial<ReplProps> = {}) {
  const asked: Asked[] = [];
  const running = { now: 0, most: 0 };
  const remembered: string[] = [];
  const app = render(
    <Repl
      initial={{ messages: [], model: 'm/one', name: 'test' }}
      ask={fakeAsk(asked, running)}
      save={() => undefined}
      footer={false}
      remember={(line) => remembered.push(line)}
      {...props}
    />,
  );
  return { app, asked, running, remembered, screen: () => terminalScreen(app.frames) };
}

const listening = (app: ReturnType<typeof render>) => app.stdin.listenerCount('readable') > 0;

/** Waits (generously: a loaded machine) until `predicate` holds; false if it never does. */
async function until(predicate: () => boolean, ms = 3000): Promise<boolean> {
  for (const end = Date.now() + ms; Date.now() < end; await pause(5)) if (predicate()) return true;
  return predicate();
}

describe('Repl keys read in one go', () => {
  it('text, then Enter in a second write with no pause in between, is sent (20 of 20)', async () => {
    let sent = 0;
    for (let round = 0; round < 20; round++) {
      const { app, asked } = setup();
      // The test's stdin keeps only its last write until Ink reads it (a terminal keeps it all).
      await until(() => listening(app));
      app.stdin.write(`prompt ${round}`);
      app.stdin.write(ENTER);
      if (await until(() => asked.length > 0)) sent += asked[0]?.prompt === `prompt ${round}` ? 1 : 0;
      app.unmount();
    }
    expect(sent).toBe(20);
  });

  it('a quick double Up recalls two entries back; an edit then Enter sends the edited line', async () => {
    const { app, asked } = setup({ history: ['first', 'second', 'third'] });
    await until(() => listening(app));
    app.stdin.write('\u001b[A');
    app.stdin.write('\u001b[A');
    app.stdin.write('\u0001');
    app.stdin.write('>');
    app.stdin.write(ENTER);
    await pause();
    expect(asked.map((a) => a.prompt)).toEqual(['>second']);
    app.unmount();
  });

  it('lines typed ahead (LF, as cooked mode gives them) run one after the other, in order', async () => {
    const { app, asked, running, screen } = setup();
    // Read with the first render, before any effect: what a start-up's type-ahead looks like.
    app.stdin.write('one\ntwo\nthree\n');
    await pause(300);
    expect(asked.map((a) => a.prompt)).toEqual(['one', 'two', 'three']);
    expect(running.most).toBe(1);
    // Each later turn is sent with the answers before it.
    expect(asked[2]?.messages.map((m) => m.content)).toEqual(['one', 'echo: one', 'two', 'echo: two', 'three']);
    expect(screen().indexOf('echo: two')).toBeGreaterThan(screen().indexOf('echo: one'));
    app.unmount();
  });

  it('a second prompt sent before the first turn shows waits for it: never two turns at once', async () => {
    const { app, asked, running } = setup();
    await until(() => listening(app));
    app.stdin.write('slow one');
    app.stdin.write(ENTER);
    app.stdin.write('next');
    app.stdin.write(ENTER);
    await pause();
    expect(asked.map((a) => a.prompt)).toEqual(['slow one']);
    expect(running.most).toBe(1);
    expect(terminalScreen(app.frames)).toContain('› next  (waiting)');
    app.unmount();
  });

  it('text typed while an answer streams stays in the prompt; Enter queues it until the turn ends', async () => {
    const gate: { open?: () => void } = {};
    const asked: string[] = [];
    const ask: ReplProps['ask'] = (messages) =>
      (async function* () {
        asked.push(textOf(messages.at(-1)?.content ?? ''));
        yield [{ type: 'token', text: 'part ' }];
        if (asked.length === 1) await new Promise<void>((resolve) => (gate.open = resolve));
        yield [{ type: 'token', text: 'end' }, { type: 'done', finishReason: 'stop' }];
      })() as AsyncIterable<StreamEvent[]>;
    const { app } = setup({ ask });
    await until(() => listening(app));
    app.stdin.write(`first${ENTER}`);
    await pause();
    app.stdin.write('second');
    await pause();
    expect(app.lastFrame()).toContain('› second');
    app.stdin.write(ENTER);
    await pause();
    expect(asked).toEqual(['first']);
    gate.open?.();
    await pause();
    expect(asked).toEqual(['first', 'second']);
    app.unmount();
  });

  it('Ctrl+C right after Enter cancels the turn that Enter started, and drops what waits', async () => {
    const { app, asked, screen } = setup();
    await until(() => listening(app));
    app.stdin.write('slow');
    app.stdin.write(ENTER);
    app.stdin.write(`queued${ENTER}`);
    app.stdin.write('\u0003');
    await pause();
    expect(asked[0]?.signal.aborted).toBe(true);
    expect(screen()).toContain('cancelled; the partial answer is kept');
    expect(screen()).toContain('1 queued prompt dropped');
    expect(asked.map((a) => a.prompt)).toEqual(['slow']);
    expect(listening(app)).toBe(true);
    app.unmount();
  });

  it('Ctrl+C on a line with text clears it (as readline) rather than arming the exit', async () => {
    const { app, screen } = setup();
    await until(() => listening(app));
    app.stdin.write('some text');
    app.stdin.write('\u0003');
    await pause();
    expect(app.lastFrame()).not.toContain('some text');
    expect(screen()).not.toContain('press Ctrl+C again');
    app.unmount();
  });

  it('Ctrl+D typed ahead after a prompt leaves once that prompt is answered', async () => {
    const { app, asked, screen } = setup();
    app.stdin.write('last one\n\u0004');
    await pause(300);
    expect(asked.map((a) => a.prompt)).toEqual(['last one']);
    expect(screen()).toContain('echo: last one');
    expect(listening(app)).toBe(false);
    app.unmount();
  });

  it('a bracketed paste is one multi-line prompt: its line breaks do not send it; Enter does', async () => {
    const { app, asked, remembered } = setup();
    await until(() => listening(app));
    app.stdin.write('\u001b[200~line one\rline two\rline three\u001b[201~');
    await pause();
    expect(asked).toHaveLength(0);
    expect(app.lastFrame()).toContain('line three');
    app.stdin.write(ENTER);
    await pause();
    expect(asked.map((a) => a.prompt)).toEqual(['line one\nline two\nline three']);
    expect(remembered).toEqual(['line one\nline two\nline three']);
    app.unmount();
  });

  it('keeps wide characters and emoji whole while moving over and deleting them', async () => {
    const { app, asked } = setup();
    await until(() => listening(app));
    app.stdin.write('漢字👍🏽!');
    app.stdin.write('\u001b[D');
    app.stdin.write('\u001b[D');
    app.stdin.write('\u007f');
    app.stdin.write(ENTER);
    await pause();
    expect(asked.map((a) => a.prompt)).toEqual(['漢👍🏽!']);
    app.unmount();
  });

  it('Ctrl+R finds an earlier line; the prompt shows the search; Enter runs it', async () => {
    const { app, asked } = setup({ history: ['explain pipes', 'list files', 'explain signals'] });
    await until(() => listening(app));
    app.stdin.write('\u0012');
    app.stdin.write('expl');
    app.stdin.write('\u0012');
    await pause();
    expect(app.lastFrame()).toContain("(reverse-i-search)`expl': explain pipes");
    app.stdin.write(ENTER);
    await pause();
    expect(asked.map((a) => a.prompt)).toEqual(['explain pipes']);
    app.unmount();
  });

  it('history from earlier runs is offered first; resumed prompts it lacks come after', async () => {
    const { app, asked } = setup({
      history: ['from the file'],
      initial: { messages: [{ role: 'user', content: 'from the session' }, { role: 'assistant', content: 'x' }], model: 'm/one', name: 'test' },
    });
    await until(() => listening(app));
    app.stdin.write('\u001b[A\u001b[A');
    app.stdin.write(ENTER);
    await pause();
    expect(asked.map((a) => a.prompt)).toEqual(['from the file']);
    app.unmount();
  });

  it('an error keeps its hint in the transcript', async () => {
    const { app, screen } = setup();
    await until(() => listening(app));
    app.stdin.write(`bad${ENTER}`);
    await pause();
    expect(screen()).toContain('✗ no such model');
    expect(screen()).toContain('hint: did you mean m/one?');
    app.unmount();
  });
});

describe('/model against the catalogue', () => {
  const checker = (result: ModelCheck, seen: string[] = []) => async (id: string) => {
    seen.push(id);
    return result;
  };

  it('an unknown id: "did you mean", and the model stays as it was', async () => {
    const seen: string[] = [];
    const { app, asked, screen } = setup({ checkModel: checker({ known: false, suggestions: ['openai/gpt-4o', 'openai/gpt-4o-mini'] }, seen) });
    await until(() => listening(app));
    app.stdin.write(`/model gpt-4o${ENTER}hi${ENTER}`);
    await pause();
    expect(seen).toEqual(['gpt-4o']);
    expect(screen()).toContain('unknown model gpt-4o; did you mean openai/gpt-4o, openai/gpt-4o-mini? The model is still m/one.');
    // The prompt typed behind the command waited for the check, then went to the old model.
    expect(asked.map((a) => [a.prompt, a.model])).toEqual([['hi', 'm/one']]);
    app.unmount();
  });

  it('a known id is taken; with no catalogue reachable the id is taken with a note', async () => {
    const known = setup({ checkModel: checker({ known: true }) });
    await until(() => listening(known.app));
    known.app.stdin.write(`/model m/two${ENTER}hi${ENTER}`);
    await pause();
    expect(known.screen()).toContain('model set to m/two');
    expect(known.asked.map((a) => a.model)).toEqual(['m/two']);
    known.app.unmount();

    const offline = setup({ checkModel: checker({ unchecked: 'could not load the model list: offline' }) });
    await until(() => listening(offline.app));
    offline.app.stdin.write(`/model m/three${ENTER}hi${ENTER}`);
    await pause();
    expect(offline.screen()).toContain('model set to m/three (not checked: could not load the model list: offline)');
    expect(offline.asked.map((a) => a.model)).toEqual(['m/three']);
    offline.app.unmount();
  });

  it('an alias is checked as the model it stands for, and that model is the one taken', async () => {
    const seen: string[] = [];
    const { app, asked, screen } = setup({ checkModel: checker({ known: true, id: 'm/two' }, seen) });
    await until(() => listening(app));
    app.stdin.write(`/model fast${ENTER}hi${ENTER}`);
    await pause();
    expect(seen).toEqual(['fast']);
    expect(screen()).toContain('model set to m/two');
    expect(asked.map((a) => a.model)).toEqual(['m/two']);
    app.unmount();
  });
});
