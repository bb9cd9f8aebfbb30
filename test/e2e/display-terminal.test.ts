// What the terminal shows, in a real pseudo-terminal of 80 columns (tmux runs the built binary
// against the fake OpenRouter; capture-pane reads the screen): the reasoning kept above the
// answer, the footer on one row, no footer under an error panel, prices aligned on the point.
import { execFileSync } from 'node:child_process';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from '@jest/globals';
import { errorBodies, type FakeOpenRouter, startFakeOpenRouter } from '../helpers/fake-openrouter.js';
import { BIN, type CliSandbox, cliSandbox } from '../helpers/run-cli.js';
import { renewingSocket } from '../helpers/tmux.js';

const socket = renewingSocket('devsynth-display');
// stdio piped: tmux's own complaints ("no server running") must not reach the test run's output.
const tmux = (...args: string[]) => execFileSync('tmux', ['-L', socket.name, ...args], { encoding: 'utf8', stdio: 'pipe' });
const screen = (...flags: string[]) => tmux('capture-pane', '-p', ...flags, '-t', 'ui');
const quote = (value: string) => `'${value.replace(/'/g, "'\\''")}'`;

async function waitFor(predicate: (text: string) => boolean, ms = 15_000): Promise<string> {
  const until = Date.now() + ms;
  let text = '';
  while (Date.now() < until) {
    text = screen();
    if (predicate(text)) return text;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  throw new Error(`the screen never matched; it shows:\n${text}`);
}

/** The parameters of the last SGR sequence before `needle` in capture-pane -e output (tmux writes a style once per run). */
function styleAt(raw: string, needle: string): string {
  const before = raw.slice(0, raw.indexOf(needle));
  return [...before.matchAll(/\u001b\[([0-9;]*)m/g)].at(-1)?.[1] ?? '';
}

let fake: FakeOpenRouter;
let cli: CliSandbox;

beforeAll(() => {
  // Fails loudly rather than skipping: CI installs tmux, and a skipped terminal test proves nothing.
  execFileSync('tmux', ['-V']);
});
beforeEach(async () => {
  fake = await startFakeOpenRouter();
  cli = cliSandbox(fake.url);
});
afterEach(async () => {
  socket.stop();
  await fake.close();
  cli.dispose();
});
afterAll(() => {
  socket.stop();
});

function start(args: string[]): void {
  const env = Object.entries({ ...cli.env, TERM: 'xterm-256color' }).map(([k, v]) => `${k}=${quote(v)}`).join(' ');
  const command = `env -i ${env} ${quote(process.execPath)} ${quote(BIN)} ${args.map(quote).join(' ')}; echo EXIT=$?; sleep 30`;
  tmux('new-session', '-d', '-s', 'ui', '-x', '80', '-y', '24', command);
}

describe('what the terminal shows, at 80 columns', () => {
  it('keeps the reasoning above the answer once it starts: dimmed, its last three lines under a count of the rest', async () => {
    const reasoning = ['Step one.\n', 'Step two.\n', 'Step three.\n', 'Step four.\n', 'Step five.\n', 'Last step.'];
    fake.script({ kind: 'reply', reasoning, content: ['The answer ', 'is 42.'], chunkDelayMs: 1500 });
    start(['chat', 'think first']);
    const thinking = await waitFor((text) => text.includes('Last step.') && !text.includes('The answer'));
    expect(thinking).toContain('waiting for');
    const done = await waitFor((text) => text.includes('EXIT='));
    expect(done).toContain('… 3 more lines of reasoning\nStep four.\nStep five.\nLast step.\nThe answer is 42.\n');
    expect(done).not.toContain('Step one.');
    expect(done).toContain('EXIT=0');
    // Dimmed (SGR 2), the answer not: the styling in force where each begins.
    const raw = screen('-e');
    expect(styleAt(raw, 'Last step.')).toMatch(/^(2|2;.*|.*;2|.*;2;.*)$/);
    expect(styleAt(raw, 'The answer')).not.toMatch(/^(2|2;.*|.*;2|.*;2;.*)$/);
  });

  it('the footer takes one row, however long the model and provider names; its cost has no exponent', async () => {
    fake.script({ kind: 'reply', content: ['Short ', 'answer.'], chunkDelayMs: 100, model: 'anthropic/claude-3.7-sonnet:thinking', provider: 'Google Vertex (Europe)' });
    start(['chat', 'hi']);
    const done = await waitFor((text) => text.includes('EXIT='));
    const rows = done.split('\n');
    const footer = rows.findIndex((row) => row.startsWith('anthropic/claude-3.7-sonnet:thinking'));
    expect(rows[footer]).toMatch(/^anthropic\/claude-3\.7-sonnet:thinking · \d+ tokens · \$0\.\d+ · \d+\.\d+ s$/);
    expect(rows[footer]?.length).toBeLessThanOrEqual(80);
    expect(rows[footer + 1]).toBe('EXIT=0');
  });

  it('shows no footer under an error panel', async () => {
    fake.script(errorBodies.insufficientCredits());
    start(['chat', 'hi']);
    const done = await waitFor((text) => text.includes('EXIT='));
    expect(done).toMatch(/╭|┌/);
    expect(done).not.toMatch(/\d\.\d+ s/);
    expect(done).toMatch(/EXIT=[1-9]/);
  });

  it('`models` lines up the decimal points of its price columns', async () => {
    start(['models']);
    const done = await waitFor((text) => text.includes('EXIT='));
    const rows = done.split('\n').filter((row) => /^\S+\s+(\d+|\?)\s+(\d|varies)/.test(row));
    expect(rows.length).toBeGreaterThan(5);
    // Where each price's point is (or would be, for a whole number), column by column.
    const points = (column: number) =>
      new Set(
        rows
          .filter((row) => !row.includes('varies'))
          .map((row) => {
            const cells = [...row.matchAll(/\S+/g)];
            const cell = cells[column] as RegExpMatchArray;
            const dot = (cell[0] as string).indexOf('.');
            return (cell.index as number) + (dot === -1 ? (cell[0] as string).length : dot);
          }),
      );
    expect(points(2).size).toBe(1);
    expect(points(3).size).toBe(1);
  });
});
