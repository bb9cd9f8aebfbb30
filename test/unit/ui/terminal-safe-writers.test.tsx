// Every writer to a terminal makes untrusted text safe before it styles it: the plain writer (on a
// terminal; to a pipe the answer's bytes are kept), the view state behind the Ink UI, the error
// panel, the REPL transcript, the tables. And the waiting display: the spinner's seconds, plain
// mode's one "still waiting" line.
import { afterEach, describe, expect, it, jest } from '@jest/globals';
import { render } from 'ink-testing-library';
import { OpenRouterRateLimitError, type StreamEvent } from '../../../src/core/index.js';
import { ChatApp } from '../../../src/ui/ChatApp.js';
import { finishView, initialViewState, reduceBatch } from '../../../src/ui/chat-view-state.js';
import { ErrorBox } from '../../../src/ui/components/ErrorBox.js';
import { TurnView } from '../../../src/ui/components/TurnView.js';
import { FRAME_MS } from '../../../src/ui/hooks/use-chat-stream.js';
import { WAIT_NOTICE_MS, writePlain } from '../../../src/ui/plain-writer.js';
import { renderTable } from '../../../src/ui/render-table.js';
import { infoEntry, transcriptText, turnEntries, warningEntry } from '../../../src/ui/repl-transcript.js';

const FORBIDDEN = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]/;
/** Our own styling, the only escape sequences a writer may add: SGR colours and weights. */
const OUR_SGR = /\u001b\[(?:1|2|3|22|23|31|33|36|39)m/g;

const OSC52 = '\u001b]52;c;cm0gLXJmIH4K\u0007';
const HOSTILE = `${OSC52}\u001b]0;title\u0007\u001b[2J\u001b[?1049h\u001b[?25l\u009b31m\u202Eevil`;
const usage = { prompt_tokens: 1, completion_tokens: 2, total_tokens: 3 };

/** The hostile text cut at every point, one token per piece, over several reads. */
function splitEverywhere(text: string): StreamEvent[][] {
  return Array.from(text, (char) => [{ type: 'token', text: char }]);
}

async function* batchesOf(...batches: StreamEvent[][]): AsyncGenerator<StreamEvent[]> {
  for (const batch of batches) yield batch;
}

function sink(isTTY?: boolean) {
  const out = { text: '', isTTY, write: (t: string) => (out.text += t) };
  return out;
}

describe('the plain writer', () => {
  it('on a terminal, the answer is made safe, whichever reads an escape sequence is cut across', async () => {
    const stdout = sink(true);
    const stderr = sink();
    const outcome = await writePlain(batchesOf(...splitEverywhere(`before ${HOSTILE} after`)), { json: false, usage: false, quiet: false, stdout, stderr });
    expect(stdout.text).not.toMatch(FORBIDDEN);
    expect(stdout.text).toContain('^[]52;c;cm0gLXJmIH4K^G');
    expect(stdout.text).toContain('<U+202E>evil after');
    // What is kept (the session, --json) is the answer as it was sent.
    expect(outcome.content).toBe(`before ${HOSTILE} after`);
  });

  it('to a pipe or a file, the answer\'s bytes pass through unchanged', async () => {
    const stdout = sink(false);
    await writePlain(batchesOf([{ type: 'token', text: `x${HOSTILE}` }], [{ type: 'token', text: '\r\nend\n' }]), { json: false, usage: false, quiet: false, stdout, stderr: sink() });
    expect(stdout.text).toBe(`x${HOSTILE}\r\nend\n`);
  });

  it('stderr: retry reasons, fallback notices and the usage line (the stream\'s model and provider) are made safe', async () => {
    const stderr = sink();
    const error = new OpenRouterRateLimitError('bad', { status: 429 });
    await writePlain(
      batchesOf(
        [{ type: 'retry', attempt: 0, maxRetries: 3, delayMs: 10, reason: `502 ${OSC52}`, error }],
        [{ type: 'fallback', from: 'openrouter', to: 'lmstudio', reason: HOSTILE, error }],
        [{ type: 'meta', model: `m/${OSC52}`, provider: HOSTILE }, { type: 'token', text: 'hi' }, { type: 'usage', usage }],
      ),
      { json: false, usage: true, quiet: false, stdout: sink(false), stderr },
    );
    expect(stderr.text).toContain('retrying in');
    expect(stderr.text).toContain('answering with lmstudio');
    expect(stderr.text).toContain('usage: 1 prompt');
    expect(stderr.text).not.toMatch(FORBIDDEN);
  });

  it('--json: the same answer for a parser, with no raw C1 or bidi control for a terminal', async () => {
    const stdout = sink(true);
    await writePlain(batchesOf([{ type: 'meta', model: HOSTILE }, { type: 'token', text: HOSTILE }]), { json: true, usage: false, quiet: false, stdout, stderr: sink() });
    expect(stdout.text).not.toMatch(FORBIDDEN);
    expect(JSON.parse(stdout.text)).toMatchObject({ content: HOSTILE, model: HOSTILE });
  });
});

/** A stream the test feeds by hand. */
function controlledStream() {
  const queue: Array<StreamEvent[] | null> = [];
  let wake: (() => void) | undefined;
  async function* batches(): AsyncGenerator<StreamEvent[]> {
    for (;;) {
      while (queue.length === 0) await new Promise<void>((resolve) => (wake = resolve));
      const next = queue.shift();
      if (!next) return;
      yield next;
    }
  }
  return {
    batches: batches(),
    push: (item: StreamEvent[] | null) => {
      queue.push(item);
      wake?.();
    },
  };
}

describe('plain mode says once that it is still waiting for a first token', () => {
  afterEach(() => {
    jest.useRealTimers();
  });

  async function waiting(options: { quiet?: boolean; json?: boolean; model?: string; tokenAtMs?: number; meta?: string }) {
    jest.useFakeTimers();
    const stream = controlledStream();
    const stderr = sink();
    const done = writePlain(stream.batches, {
      json: options.json ?? false,
      usage: false,
      quiet: options.quiet ?? false,
      stdout: sink(false),
      stderr,
      ...(options.model ? { model: options.model } : {}),
    });
    if (options.meta) stream.push([{ type: 'meta', model: options.meta }]);
    for (let i = 0; i < 5; i++) await Promise.resolve();
    if (options.tokenAtMs !== undefined) {
      jest.advanceTimersByTime(options.tokenAtMs);
      stream.push([{ type: 'token', text: 'hi' }]);
      // Let the writer take the token before the clock moves on.
      for (let i = 0; i < 5; i++) await Promise.resolve();
    }
    jest.advanceTimersByTime(WAIT_NOTICE_MS - 1 - (options.tokenAtMs ?? 0));
    const before = stderr.text;
    jest.advanceTimersByTime(1);
    const at = stderr.text;
    jest.advanceTimersByTime(120_000);
    const later = stderr.text;
    stream.push(null);
    await done;
    return { before, at, later };
  }

  it('after 10 s, naming the model asked for; once, however long it goes on', async () => {
    const seen = await waiting({ model: 'openai/gpt-4o-mini' });
    expect(seen.before).toBe('');
    expect(seen.at).toBe('devsynth-or: still waiting for openai/gpt-4o-mini (10 s)…\n');
    expect(seen.later).toBe(seen.at);
  });

  it('names the model the stream named, made safe', async () => {
    const seen = await waiting({ model: 'asked/for', meta: `served/${OSC52}` });
    expect(seen.at).toBe('devsynth-or: still waiting for served/^[]52;c;cm0gLXJmIH4K^G (10 s)…\n');
  });

  it('not with -q, not with --json, not once the first token came', async () => {
    expect((await waiting({ quiet: true })).later).toBe('');
    expect((await waiting({ json: true })).later).toBe('');
    expect((await waiting({ tokenAtMs: 4_000 })).later).toBe('');
  });
});

describe('the view state behind the Ink UI', () => {
  it('holds only safe text: answer lines and live line (cut anywhere), reasoning, model, provider, retry, fallback', () => {
    let state = initialViewState(0);
    const error = new OpenRouterRateLimitError('bad', { status: 429 });
    state = reduceBatch(state, [{ type: 'meta', model: HOSTILE, provider: HOSTILE }, { type: 'reasoning', text: HOSTILE }], 1);
    state = reduceBatch(state, [{ type: 'retry', attempt: 0, maxRetries: 3, delayMs: 10, reason: HOSTILE, error }], 2);
    state = reduceBatch(state, [{ type: 'fallback', from: 'a', to: 'b', reason: HOSTILE, error }], 3);
    for (const batch of splitEverywhere(`${HOSTILE}\nline two ${HOSTILE}\nlive ${OSC52}`)) state = reduceBatch(state, batch, 4);
    const shown = JSON.stringify([state.model, state.provider, state.reasoning, state.fallbacks, state.lines, state.live]);
    expect(JSON.parse(shown).flat(3).join(' ')).not.toMatch(FORBIDDEN);
    expect(state.live).toBe('live ^[]52;c;cm0gLXJmIH4K^G');
    const retried = reduceBatch(initialViewState(0), [{ type: 'retry', attempt: 0, maxRetries: 3, delayMs: 10, reason: HOSTILE, error }], 1);
    expect(retried.retry?.reason).not.toMatch(FORBIDDEN);
    expect(finishView(state, 5).lines.map((l) => l.text).join('\n')).not.toMatch(FORBIDDEN);
  });
});

const frame = () => new Promise((resolve) => setTimeout(resolve, FRAME_MS * 2.5));

describe('the Ink UI', () => {
  it('draws a hostile answer, model and provider with no escape sequence but its own styling', async () => {
    const stream = controlledStream();
    const app = render(<ChatApp batches={stream.batches} footer />);
    // A provider short enough for the footer to keep at 100 columns (a longer one is left out).
    stream.push([{ type: 'meta', model: `m/${OSC52}`, provider: `\u202E${OSC52}` }]);
    for (const batch of splitEverywhere(`# ${HOSTILE}\n${HOSTILE}\nlive ${HOSTILE}`)) stream.push(batch);
    stream.push([{ type: 'usage', usage }, { type: 'done', finishReason: 'stop' }]);
    stream.push(null);
    await frame();
    await frame();
    const everything = app.frames.join('').replace(OUR_SGR, '');
    expect(everything).toContain('m/^[]52;c;cm0gLXJmIH4K^G via');
    expect(everything).toContain('via <U+202E>^[]52;c;cm0gLXJmIH4K^G · 3 tokens');
    expect(everything).toContain('live ^[]52');
    expect(everything).not.toMatch(FORBIDDEN);
    app.unmount();
  });

  it('the error panel shows a server\'s message and hint made safe', () => {
    const app = render(<ErrorBox message={`upstream said ${HOSTILE}`} hint={OSC52} />);
    const last = (app.lastFrame() ?? '').replace(OUR_SGR, '');
    expect(last).toContain('upstream said ^[]52');
    expect(last).toContain('hint: ^[]52');
    expect(last).not.toMatch(FORBIDDEN);
    app.unmount();
  });

  it('the spinner says how long it has waited for the first token', () => {
    let clock = 1_000;
    const state = { ...initialViewState(1_000), model: 'm/slow' };
    const app = render(<TurnView state={state} footer now={() => clock} />);
    expect(app.lastFrame()).toContain('waiting for m/slow');
    expect(app.lastFrame()).not.toMatch(/\(\d+ s\)/);
    clock = 13_700;
    app.rerender(<TurnView state={state} footer now={() => clock} />);
    expect(app.lastFrame()).toContain('waiting for m/slow (12 s)');
    app.unmount();
  });
});

describe('the REPL transcript', () => {
  it('every entry (errors, notes, warnings, footers, prompts from the session) is made safe, then styled', () => {
    const state = finishView(reduceBatch(initialViewState(0), [{ type: 'token', text: HOSTILE }], 1), 2, new OpenRouterRateLimitError(`limited ${HOSTILE}`, { status: 429 }));
    const entries = [
      ...turnEntries(1, state, `footer ${HOSTILE}`),
      infoEntry(`model set to ${HOSTILE}`),
      warningEntry(`could not save: ${HOSTILE}`),
      { id: 'p', kind: 'prompt' as const, text: HOSTILE },
    ];
    for (const color of [false, true]) {
      const text = transcriptText(entries, 400, color);
      expect(text).toContain('limited ^[]52');
      expect(text.replace(OUR_SGR, '')).not.toMatch(FORBIDDEN);
    }
  });
});

describe('tables', () => {
  it('a hostile catalogue entry is made safe and keeps to its cell, aligned or tab-separated', () => {
    const rows = [[`evil/${HOSTILE}\tfake\ncell`, '8192', '0.15', '0.60', 'free']];
    const tsv = renderTable(rows, { tty: false });
    expect(tsv.split('\n').filter(Boolean)).toHaveLength(1);
    expect(tsv.split('\t')).toHaveLength(5);
    const aligned = renderTable(rows, { tty: true, header: ['id', 'context', 'in', 'out', ''] });
    for (const text of [tsv, aligned]) {
      expect(text).toContain('evil/^[]52;c;');
      expect(text.replace(/[\t\n]/g, '')).not.toMatch(FORBIDDEN);
    }
  });
});
