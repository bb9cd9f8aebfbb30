// Prompt caching at a terminal, in a real pseudo-terminal of 80 columns (tmux runs the built
// binary against the fake OpenRouter; capture-pane reads the screen): the footer says what the
// cache did, on one row with the cost, and the REPL marks each turn's stable prefix afresh.
import { execFileSync } from 'node:child_process';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from '@jest/globals';
import { type FakeOpenRouter, startFakeOpenRouter } from '../helpers/fake-openrouter.js';
import { BIN, type CliSandbox, cliSandbox } from '../helpers/run-cli.js';
import { ptyHarness, shellQuote as quote } from '../helpers/tmux.js';

const pty = ptyHarness('devsynth-cache', { waitMs: 15_000 });
const { tmux, waitFor } = pty;
const type = (line: string) => {
  tmux('send-keys', '-t', 'ui', '-l', line);
  tmux('send-keys', '-t', 'ui', 'Enter');
};
type Message = { role: string; content: unknown };
const chatBodies = () => fake.requests.filter((r) => r.path === '/chat/completions').map((r) => r.body as { messages: Message[] });

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
  pty.stop();
  await fake.close();
  cli.dispose();
  expect(fake.violations).toEqual([]);
});
afterAll(() => {
  pty.stop();
});

function start(args: string[]): void {
  const env = Object.entries({ ...cli.env, TERM: 'xterm-256color' }).map(([k, v]) => `${k}=${quote(v)}`).join(' ');
  const command = `env -i ${env} ${quote(process.execPath)} ${quote(BIN)} ${args.map(quote).join(' ')}; echo EXIT=$?; sleep 30`;
  tmux('new-session', '-d', '-s', 'ui', '-x', '80', '-y', '24', command);
}

describe('the footer with a cached prompt, at 80 columns', () => {
  it('says how many prompt tokens were cached and what that saved, beside the cost', async () => {
    fake.script({
      kind: 'reply',
      content: ['Cached ', 'answer.'],
      chunkDelayMs: 100,
      model: 'anthropic/claude-haiku-4.5',
      provider: 'Anthropic',
      usage: { prompt_tokens: 12_500, completion_tokens: 2, total_tokens: 12_502, cost: 0.0045, prompt_tokens_details: { cached_tokens: 12_400 }, cache_discount: 0.0031 },
    });
    start(['chat', '--cache-prompt', '-m', 'anthropic/claude-haiku-4.5', 'hi']);
    const done = await waitFor((text) => text.includes('EXIT='));
    const rows = done.split('\n');
    const footer = rows.findIndex((row) => row.startsWith('anthropic/claude-haiku-4.5'));
    expect(rows[footer]).toMatch(/^anthropic\/claude-haiku-4\.5 · 12\.4k cached \(\u2212\$0\.0031\) · \$0\.0045 · \d+\.\d+ s$/);
    expect(rows[footer + 1]).toBe('EXIT=0');
  });
});

describe('the REPL with --cache-prompt', () => {
  it('marks the long system prompt and the earlier turn of each new request, and its footer says what was cached', async () => {
    const rules = 'Answer in the house style, with references. '.repeat(200).trim();
    fake.script(
      { kind: 'reply', content: ['First answer.'], cache: { written: 3_100 } },
      { kind: 'reply', content: ['Second answer.'], cache: { read: 3_400 } },
    );
    // Two answers in a REPL on a loaded machine: more than the default 20 s.
    start(['chat', '--cache-prompt', '-m', 'anthropic/claude-haiku-4.5', '-s', rules]);
    await waitFor((text) => text.includes('/help for commands'));
    type('first question');
    await waitFor((text) => text.includes('First answer.') && text.includes('3.1k cache write'));
    type('second question');
    await waitFor((text) => text.includes('Second answer.') && text.includes('3.4k cached'));
    const [first, second] = chatBodies();
    const ephemeral = { type: 'ephemeral' };
    expect(first!.messages.map((m) => m.content)).toEqual([[{ type: 'text', text: rules, cache_control: ephemeral }], 'first question']);
    expect(second!.messages.map((m) => m.content)).toEqual([
      [{ type: 'text', text: rules, cache_control: ephemeral }],
      'first question',
      [{ type: 'text', text: 'First answer.', cache_control: ephemeral }],
      'second question',
    ]);
  }, 60_000);
});
