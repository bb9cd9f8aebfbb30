// The REPL's keys in a real pseudo-terminal (tmux, as test/e2e/terminal.test.ts): text and
// Enter sent by two tmux calls in a row, keys typed ahead before the REPL took the terminal
// (cooked mode: Enter arrives as LF), a bracketed paste, the history kept across runs, and
// bracketed paste turned off again however the REPL ends.
import { execFileSync } from 'node:child_process';
import { readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from '@jest/globals';
import { type FakeOpenRouter, startFakeOpenRouter } from '../helpers/fake-openrouter.js';
import { BIN, type CliSandbox, cliSandbox } from '../helpers/run-cli.js';
import { ptyHarness, shellQuote as quote, sleep } from '../helpers/tmux.js';

const pty = ptyHarness('devsynth-repl-keys', { waitMs: 15_000 });
const { tmux, screen, waitFor } = pty;


async function eventually(predicate: () => boolean, ms: number): Promise<boolean> {
  for (const end = Date.now() + ms; Date.now() < end; await sleep(50)) if (predicate()) return true;
  return predicate();
}

const killServer = () => pty.stop();

let fake: FakeOpenRouter;
let cli: CliSandbox;
const prompts = () =>
  fake.requests.filter((r) => r.path === '/chat/completions').map((r) => (r.body as { messages: Array<{ content: string }> }).messages.at(-1)?.content);

beforeAll(() => {
  // Fails loudly rather than skipping: a skipped terminal test proves nothing.
  execFileSync('tmux', ['-V']);
});
beforeEach(async () => {
  fake = await startFakeOpenRouter();
  cli = cliSandbox(fake.url);
});
afterEach(async () => {
  killServer();
  await fake.close();
  cli.dispose();
});
afterAll(killServer);

function startRepl(options: { record?: string } = {}): void {
  const env = Object.entries({ ...cli.env, TERM: 'xterm-256color' }).map(([k, v]) => `${k}=${quote(v)}`).join(' ');
  const command = `env -i ${env} ${quote(process.execPath)} ${quote(BIN)} chat; echo EXIT=$?; sleep 30`;
  tmux('new-session', '-d', '-s', 'ui', '-x', '100', '-y', '30', command);
  // Everything the program writes to the terminal, escape codes included.
  if (options.record) tmux('pipe-pane', '-o', '-t', 'ui', `cat >> ${quote(options.record)}`);
}

describe('the REPL in a pseudo-terminal', () => {
  it('text, then Enter from a second send-keys right after, is sent: 20 of 20', async () => {
    startRepl();
    await waitFor((text) => text.includes('/help for commands'));
    let sent = 0;
    for (let round = 0; round < 20; round++) {
      tmux('send-keys', '-t', 'ui', '-l', `question ${round}`);
      tmux('send-keys', '-t', 'ui', 'Enter');
      if (await eventually(() => prompts().length > round, 8000)) sent += prompts()[round] === `question ${round}` ? 1 : 0;
    }
    expect(sent).toBe(20);
    tmux('send-keys', '-t', 'ui', 'C-d');
    expect(await waitFor((text) => text.includes('EXIT='))).toContain('EXIT=0');
  }, 240_000);

  it('a prompt typed ahead while the REPL starts (Enter as LF, cooked mode) is sent: 10 of 10', async () => {
    let sent = 0;
    for (let round = 0; round < 10; round++) {
      startRepl();
      // No wait: these keys reach the terminal before the REPL has put it in raw mode.
      tmux('send-keys', '-t', 'ui', '-l', `early ${round}`);
      tmux('send-keys', '-t', 'ui', 'Enter');
      if (await eventually(() => prompts().length > round, 15_000)) sent += prompts()[round] === `early ${round}` ? 1 : 0;
      killServer();
    }
    expect(sent).toBe(10);
  }, 300_000);

  it('a bracketed paste is one prompt, sent by the Enter after it', async () => {
    startRepl();
    await waitFor((text) => text.includes('/help for commands'));
    tmux('set-buffer', '-b', 'p', 'first line\nsecond line\nthird line');
    tmux('paste-buffer', '-p', '-b', 'p', '-t', 'ui');
    await waitFor((text) => text.includes('third line'));
    await sleep(300);
    expect(prompts()).toEqual([]);
    tmux('send-keys', '-t', 'ui', 'Enter');
    expect(await eventually(() => prompts().length === 1, 8000)).toBe(true);
    expect(prompts()).toEqual(['first line\nsecond line\nthird line']);
    tmux('send-keys', '-t', 'ui', 'C-d');
    await waitFor((text) => text.includes('EXIT='));
  }, 60_000);

  it('keeps the history across runs in a 0600 file; Up recalls the last run\'s prompt', async () => {
    startRepl();
    await waitFor((text) => text.includes('/help for commands'));
    tmux('send-keys', '-t', 'ui', '-l', 'remember me');
    tmux('send-keys', '-t', 'ui', 'Enter');
    await eventually(() => prompts().length === 1, 8000);
    tmux('send-keys', '-t', 'ui', 'C-d');
    await waitFor((text) => text.includes('EXIT='));
    killServer();
    const file = join(cli.env.DEVSYNTH_HOME!, 'repl-history.json');
    expect(JSON.parse(readFileSync(file, 'utf8'))).toEqual({ entries: ['remember me'] });
    expect(statSync(file).mode & 0o777).toBe(0o600);

    startRepl();
    await waitFor((text) => text.includes('/help for commands'));
    tmux('send-keys', '-t', 'ui', 'Up');
    tmux('send-keys', '-t', 'ui', 'Enter');
    expect(await eventually(() => prompts().length === 2, 8000)).toBe(true);
    expect(prompts()).toEqual(['remember me', 'remember me']);
  }, 60_000);

  it('/model checks the id against the catalogue, fetched once when none is cached', async () => {
    startRepl();
    await waitFor((text) => text.includes('/help for commands'));
    tmux('send-keys', '-t', 'ui', '-l', '/model gpt-4o-mni');
    tmux('send-keys', '-t', 'ui', 'Enter');
    const unknown = await waitFor((text) => text.includes('unknown model'));
    expect(unknown).toContain('did you mean openai/gpt-4o-mini');
    tmux('send-keys', '-t', 'ui', '-l', '/model openai/gpt-4');
    tmux('send-keys', '-t', 'ui', 'Enter');
    await waitFor((text) => text.includes('model set to openai/gpt-4'));
    tmux('send-keys', '-t', 'ui', '-l', 'hello');
    tmux('send-keys', '-t', 'ui', 'Enter');
    await eventually(() => prompts().length === 1, 8000);
    const chat = fake.requests.find((r) => r.path === '/chat/completions');
    expect((chat?.body as { model: string }).model).toBe('openai/gpt-4');
    expect(fake.requests.filter((r) => r.path === '/models')).toHaveLength(1);
    tmux('send-keys', '-t', 'ui', 'C-d');
    await waitFor((text) => text.includes('EXIT='));
  }, 60_000);

  it.each([
    ['Ctrl+D', 'EXIT=0'],
    ['SIGTERM', 'EXIT=143'],
  ])('turns bracketed paste on while it runs and off again when it ends (%s)', async (how, code) => {
    const record = join(cli.home, 'terminal-output');
    startRepl({ record });
    await waitFor((text) => text.includes('/help for commands'));
    if (how === 'Ctrl+D') tmux('send-keys', '-t', 'ui', 'C-d');
    else {
      const shell = Number(tmux('list-panes', '-t', 'ui', '-F', '#{pane_pid}').trim());
      const node = Number(readFileSync(`/proc/${shell}/task/${shell}/children`, 'utf8').trim().split(/\s+/)[0]);
      process.kill(node, 'SIGTERM');
    }
    expect(await waitFor((text) => text.includes('EXIT='))).toContain(code);
    const output = readFileSync(record, 'latin1');
    expect(output).toContain('\u001b[?2004h');
    expect(output.lastIndexOf('\u001b[?2004l')).toBeGreaterThan(output.lastIndexOf('\u001b[?2004h'));
  }, 60_000);
});
