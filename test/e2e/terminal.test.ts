// The terminal UI in a real pseudo-terminal: tmux runs the built binary against the fake
// OpenRouter, capture-pane reads the screen, send-keys types Ctrl+C. .ci/run installs tmux.
import { execFileSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from '@jest/globals';
import { type FakeOpenRouter, startFakeOpenRouter } from '../helpers/fake-openrouter.js';
import { BIN, type CliSandbox, cliSandbox } from '../helpers/run-cli.js';
import { renewingSocket } from '../helpers/tmux.js';

const socket = renewingSocket('devsynth-test');
const tmux = (...args: string[]) => execFileSync('tmux', ['-L', socket.name, ...args], { encoding: 'utf8' });
const screen = () => tmux('capture-pane', '-p', '-t', 'ui');
const quote = (value: string) => `'${value.replace(/'/g, "'\\''")}'`;

async function waitFor(predicate: (text: string) => boolean, ms = 8000): Promise<string> {
  const until = Date.now() + ms;
  let text = '';
  while (Date.now() < until) {
    text = screen();
    if (predicate(text)) return text;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  throw new Error(`the screen never matched; it shows:\n${text}`);
}

let fake: FakeOpenRouter;
let cli: CliSandbox;
const chatRequestBodies = () =>
  fake.requests.filter((r) => r.path === '/chat/completions').map((r) => r.body as { messages: Array<{ content: string }> });

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

function start(args: string[], options: { pipe?: boolean; stdoutTo?: string; env?: Record<string, string> } = {}): void {
  const env = Object.entries({ ...cli.env, TERM: 'xterm-256color', ...options.env }).map(([k, v]) => `${k}=${quote(v)}`).join(' ');
  const pipe = options.pipe ? ' | cat' : options.stdoutTo ? ` > ${options.stdoutTo}` : '';
  const command = `env -i ${env} ${quote(process.execPath)} ${quote(BIN)} ${args.map(quote).join(' ')}${pipe}; echo EXIT=$?; sleep 30`;
  tmux('new-session', '-d', '-s', 'ui', '-x', '80', '-y', '24', command);
}

describe('the terminal UI in a pseudo-terminal', () => {
  it('streams the answer live, styled, then shows the usage footer', async () => {
    fake.script({ kind: 'reply', content: ['# Pipes\n', 'A pipe joins ', 'two programs.\n', '- one\n', '- two'], chunkDelayMs: 150, provider: 'OpenAI', model: 'openai/gpt-4o-mini', keepAlives: 2 });
    start(['chat', 'explain pipes']);
    const midway = await waitFor((text) => text.includes('A pipe joins') && !text.includes('EXIT='));
    expect(midway).not.toContain('• two');
    const done = await waitFor((text) => text.includes('EXIT='));
    expect(done).toContain('Pipes');
    expect(done).not.toContain('# Pipes');
    expect(done).toContain('• one');
    // At 80 columns the footer keeps to one row (format-usage.ts: the token split and first token go first).
    expect(done).toMatch(/openai\/gpt-4o-mini via OpenAI · \d+ tokens · \$0\.\d+ · [\d.]+ s\n/);
    expect(done).toContain('EXIT=0');
  });

  it('Ctrl+C cancels a long stream, keeps the partial answer, and exits 130', async () => {
    fake.script({ kind: 'reply', content: Array.from({ length: 40 }, (_, i) => `chunk${i} `), chunkDelayMs: 100 });
    start(['chat', '--session', 'pty', 'go on']);
    await waitFor((text) => text.includes('chunk3'));
    tmux('send-keys', '-t', 'ui', 'C-c');
    const done = await waitFor((text) => text.includes('EXIT='));
    expect(done).toContain('cancelled; the partial answer is kept');
    expect(done).toContain('EXIT=130');
    expect(done).not.toContain('chunk39');
  });

  it('plain output, no escape codes and no footer, when stdout is piped from a terminal', async () => {
    fake.script({ kind: 'reply', content: ['# Title\n', 'plain text'] });
    start(['chat', 'hi'], { pipe: true });
    await waitFor((text) => text.includes('EXIT='));
    const raw = tmux('capture-pane', '-p', '-e', '-t', 'ui');
    expect(raw).toContain('# Title\nplain text\nEXIT=0');
    expect(raw).not.toMatch(/\u001b\[/);
    expect(raw).not.toContain('tokens');
  });

  it('the REPL: type a prompt, see the streamed answer and usage, cancel a long stream, exit with Ctrl+D', async () => {
    fake.script(
      { kind: 'reply', content: ['Paris ', 'is the capital.'], chunkDelayMs: 100, model: 'openai/gpt-4o-mini', provider: 'OpenAI' },
      { kind: 'reply', content: Array.from({ length: 60 }, (_, i) => `word${i} `), chunkDelayMs: 100 },
    );
    start(['chat', '--session', 'repl']);
    await waitFor((text) => text.includes('/help for commands'));
    tmux('send-keys', '-t', 'ui', 'Capital of France?', 'Enter');
    const answered = await waitFor((text) => /via OpenAI · \d+ tokens · \$0\.\d+ · [\d.]+ s/.test(text));
    expect(answered).toContain('› Capital of France?');
    expect(answered).toContain('Paris is the capital.');
    expect(answered).toContain('openai/gpt-4o-mini via OpenAI');
    tmux('send-keys', '-t', 'ui', 'Tell me a long story', 'Enter');
    await waitFor((text) => text.includes('word3'));
    tmux('send-keys', '-t', 'ui', 'C-c');
    const cancelled = await waitFor((text) => text.includes('cancelled; the partial answer is kept'));
    expect(cancelled).not.toContain('word59');
    tmux('send-keys', '-t', 'ui', 'C-d');
    const done = await waitFor((text) => text.includes('EXIT='));
    expect(done).toContain('EXIT=0');
    const saved = JSON.parse(readFileSync(join(cli.env.DEVSYNTH_HOME!, 'sessions', 'repl.json'), 'utf8'));
    expect(saved.messages.map((m: { role: string }) => m.role)).toEqual(['user', 'assistant', 'user', 'assistant']);
    expect(saved.messages[3].content).toMatch(/^word0 word1 word2 word3/);
    expect(chatRequestBodies().at(-1)?.messages.map((m) => m.content)).toEqual(['Capital of France?', 'Paris is the capital.', 'Tell me a long story']);
  });

  it('the REPL shows a warning in its transcript, not over its drawing (state not saved)', async () => {
    fake.script({ kind: 'reply', content: ['first answer'] }, { kind: 'reply', content: ['second answer'] });
    const notAFolder = join(cli.home, 'not-a-folder');
    writeFileSync(notAFolder, '');
    start(['chat'], { env: { DEVSYNTH_HOME: join(notAFolder, 'state') } });
    await waitFor((text) => text.includes('/help for commands'));
    tmux('send-keys', '-t', 'ui', 'first', 'Enter');
    await waitFor((text) => text.includes('first answer') && /tokens/.test(text));
    tmux('send-keys', '-t', 'ui', 'second', 'Enter');
    const shown = await waitFor((text) => text.includes('second answer') && text.split('tokens').length - 1 === 2);
    // Said once, in the transcript's colour and place, and nothing of the live part left behind.
    expect(shown.split('⚠ state not saved').length - 1).toBe(1);
    expect(shown).not.toContain('waiting for');
    tmux('send-keys', '-t', 'ui', 'C-d');
    expect(await waitFor((text) => text.includes('EXIT='))).toContain('EXIT=0');
  });

  it('-i answers the prompt, then enters the REPL on the same conversation', async () => {
    fake.script({ kind: 'reply', content: ['first answer'] }, { kind: 'reply', content: ['second answer'] });
    start(['chat', '-i', 'first question']);
    await waitFor((text) => text.includes('first answer') && text.includes('2 earlier messages'));
    tmux('send-keys', '-t', 'ui', 'second question', 'Enter');
    await waitFor((text) => text.includes('second answer'));
    tmux('send-keys', '-t', 'ui', 'C-d');
    expect(await waitFor((text) => text.includes('EXIT='))).toContain('EXIT=0');
    expect(chatRequestBodies()[1]?.messages.map((m) => m.content)).toEqual(['first question', 'first answer', 'second question']);
  });

  it('honours NO_COLOR in the terminal UI', async () => {
    fake.script({ kind: 'reply', content: ['# Title\n', 'text'] });
    start(['chat', 'hi'], { env: { NO_COLOR: '1' } });
    await waitFor((text) => text.includes('EXIT='));
    const raw = tmux('capture-pane', '-p', '-e', '-t', 'ui');
    expect(raw).toContain('Title');
    expect(raw).toContain('tokens');
    expect(raw).not.toMatch(/\u001b\[[0-9;]*m/);
  });

  it('embed shows a progress line on a terminal for a large input', async () => {
    const file = join(cli.home, 'many.txt');
    writeFileSync(file, Array.from({ length: 300 }, (_, i) => `line ${i}`).join('\n'));
    start(['embed', '-f', file, '--batch-size', '50'], { stdoutTo: '/dev/null' });
    const done = await waitFor((text) => text.includes('EXIT='));
    expect(done).toContain('embedding 300/300');
  });
});
