// The terminal UI in a real pseudo-terminal: tmux runs the built binary against the fake
// OpenRouter, capture-pane reads the screen, send-keys types Ctrl+C. .ci/run installs tmux.
import { execFileSync } from 'node:child_process';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from '@jest/globals';
import { type FakeOpenRouter, startFakeOpenRouter } from '../helpers/fake-openrouter.js';
import { BIN, type CliSandbox, cliSandbox } from '../helpers/run-cli.js';

const SOCKET = `devsynth-test-${process.pid}`;
const tmux = (...args: string[]) => execFileSync('tmux', ['-L', SOCKET, ...args], { encoding: 'utf8' });
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

beforeAll(() => {
  // Fails loudly rather than skipping: CI installs tmux, and a skipped terminal test proves nothing.
  execFileSync('tmux', ['-V']);
});
beforeEach(async () => {
  fake = await startFakeOpenRouter();
  cli = cliSandbox(fake.url);
});
afterEach(async () => {
  try {
    tmux('kill-server');
  } catch {
    // Already gone.
  }
  await fake.close();
  cli.dispose();
});
afterAll(() => {
  try {
    tmux('kill-server');
  } catch {
    // Already gone.
  }
});

function start(args: string[], options: { pipe?: boolean } = {}): void {
  const env = Object.entries({ ...cli.env, TERM: 'xterm-256color' }).map(([k, v]) => `${k}=${quote(v)}`).join(' ');
  const pipe = options.pipe ? ' | cat' : '';
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
    expect(done).toMatch(/openai\/gpt-4o-mini via OpenAI · \d+ \+ 5 tokens · \$[\d.e-]+ · first token [\d.]+ s/);
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
});
