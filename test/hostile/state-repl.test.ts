// The REPL's saves against another run on the same session, in a real pseudo-terminal (tmux,
// as test/e2e/terminal.test.ts): a turn is appended to the conversation as the file holds it,
// and a reserved name typed with /save is refused in the transcript.
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeAll, beforeEach, expect, it } from '@jest/globals';
import { type FakeOpenRouter, startFakeOpenRouter } from '../helpers/fake-openrouter.js';
import { BIN, type CliSandbox, cliSandbox } from '../helpers/run-cli.js';
import { renewingSocket } from '../helpers/tmux.js';

const socket = renewingSocket('devsynth-state');
const tmux = (...args: string[]) => execFileSync('tmux', ['-L', socket.name, ...args], { encoding: 'utf8' });
const quote = (value: string) => `'${value.replace(/'/g, "'\\''")}'`;

async function waitFor(predicate: (text: string) => boolean, ms = 10_000): Promise<string> {
  const until = Date.now() + ms;
  let text = '';
  while (Date.now() < until) {
    text = tmux('capture-pane', '-p', '-t', 'ui');
    if (predicate(text)) return text;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  throw new Error(`the screen never matched; it shows:\n${text}`);
}

let fake: FakeOpenRouter;
let cli: CliSandbox;

beforeAll(() => {
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

it("the REPL's turn is appended to the session as it is now: another run's turn meanwhile is kept", async () => {
  const env = Object.entries({ ...cli.env, TERM: 'xterm-256color' }).map(([k, v]) => `${k}=${quote(v)}`).join(' ');
  tmux('new-session', '-d', '-s', 'ui', '-x', '100', '-y', '30', `env -i ${env} ${quote(process.execPath)} ${quote(BIN)} chat --session shared; echo EXIT=$?; sleep 30`);
  await waitFor((text) => text.includes('/help for commands'));
  // Another run adds a turn to the same session while the REPL is open.
  expect((await cli.run(['chat', '--session', 'shared', 'from another run'])).code).toBe(0);
  tmux('send-keys', '-t', 'ui', 'from the repl', 'Enter');
  await waitFor((text) => /\d+ tokens · \$/.test(text));
  tmux('send-keys', '-t', 'ui', '/save _last', 'Enter');
  await waitFor((text) => text.includes('reserved'));
  tmux('send-keys', '-t', 'ui', 'C-d');
  expect(await waitFor((text) => text.includes('EXIT='))).toContain('EXIT=0');
  const saved = JSON.parse(readFileSync(join(cli.env.DEVSYNTH_HOME!, 'sessions', 'shared.json'), 'utf8'));
  expect(saved.messages.filter((m: { role: string }) => m.role === 'user').map((m: { content: string }) => m.content)).toEqual(['from another run', 'from the repl']);
  expect(saved.messages).toHaveLength(4);
  // The refused name was not written.
  expect(JSON.parse(readFileSync(join(cli.env.DEVSYNTH_HOME!, 'last-session.json'), 'utf8'))).toEqual({ last: 'shared' });
  expect(existsSync(join(cli.env.DEVSYNTH_HOME!, 'sessions', '_last.json'))).toBe(false);
}, 60_000);

it('a REPL without --session starts a new unnamed conversation: its turn replaces the last one, not appended to it', async () => {
  expect((await cli.run(['chat', 'an earlier one-shot question'])).code).toBe(0);
  const env = Object.entries({ ...cli.env, TERM: 'xterm-256color' }).map(([k, v]) => `${k}=${quote(v)}`).join(' ');
  tmux('new-session', '-d', '-s', 'ui', '-x', '100', '-y', '30', `env -i ${env} ${quote(process.execPath)} ${quote(BIN)} chat; echo EXIT=$?; sleep 30`);
  await waitFor((text) => text.includes('/help for commands'));
  tmux('send-keys', '-t', 'ui', 'a new conversation', 'Enter');
  await waitFor((text) => /\d+ tokens · \$/.test(text));
  tmux('send-keys', '-t', 'ui', 'C-d');
  expect(await waitFor((text) => text.includes('EXIT='))).toContain('EXIT=0');
  const saved = JSON.parse(readFileSync(join(cli.env.DEVSYNTH_HOME!, 'sessions', '_last.json'), 'utf8'));
  expect(saved.messages.map((m: { content: string }) => m.content)).toEqual(['a new conversation', 'Hello from fake']);
}, 60_000);
