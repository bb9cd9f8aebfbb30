// Routing in the REPL, in a real terminal (tmux): every turn carries the routing of -m's alias
// and the flags, and the web plugin; /model @preset/x is taken unchecked (OpenRouter resolves
// presets); the provider that served each turn is kept in the session file.
import { execFileSync } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeAll, expect, it } from '@jest/globals';
import { type FakeOpenRouter, startFakeOpenRouter } from '../helpers/fake-openrouter.js';
import { BIN, type CliSandbox, cliSandbox } from '../helpers/run-cli.js';
import { ptyHarness, shellQuote as quote } from '../helpers/tmux.js';

const pty = ptyHarness('devsynth-routing', { config: '/dev/null', target: 'ui:0' });
const { tmux, waitFor } = pty;


let fake: FakeOpenRouter | undefined;
let cli: CliSandbox | undefined;

beforeAll(() => {
  execFileSync('tmux', ['-V']);
});
afterEach(async () => {
  pty.stop();
  await fake?.close();
  cli?.dispose();
});

it('each turn: alias routing under the flags, the web plugin; /model @preset/x; the serving provider kept', async () => {
  fake = await startFakeOpenRouter();
  cli = cliSandbox(fake.url);
  const dir = join(cli.env.XDG_CONFIG_HOME!, 'devsynth');
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, 'config.yml'), 'aliases:\n  cheap:\n    model: openai/gpt-4o-mini\n    routing: { sort: price, only: [openai] }\n');
  fake.script({ kind: 'reply', provider: 'Azure', content: ['one'] }, { kind: 'reply', provider: 'OpenAI', content: ['two'] });
  const env = Object.entries({ ...cli.env, TERM: 'xterm-256color' }).map(([k, v]) => `${k}=${quote(v)}`).join(' ');
  tmux('new-session', '-d', '-s', 'ui', '-x', '120', '-y', '30', `env -i ${env} ${quote(process.execPath)} ${quote(BIN)} chat -m cheap --session r --zdr --web; echo EXIT=$?; sleep 60`);
  await waitFor((text) => text.includes('/help for commands'));
  tmux('send-keys', '-t', 'ui:0', '-l', 'first');
  tmux('send-keys', '-t', 'ui:0', 'Enter');
  await waitFor((text) => text.includes('one'));
  tmux('send-keys', '-t', 'ui:0', '-l', '/model @preset/team');
  tmux('send-keys', '-t', 'ui:0', 'Enter');
  await waitFor((text) => text.includes('presets are resolved by OpenRouter'));
  tmux('send-keys', '-t', 'ui:0', '-l', 'second');
  tmux('send-keys', '-t', 'ui:0', 'Enter');
  await waitFor(() => fake!.requests.filter((r) => r.path === '/chat/completions').length === 2);
  await waitFor((text) => text.includes('two'));
  tmux('send-keys', '-t', 'ui:0', 'C-d');
  await waitFor((text) => text.includes('EXIT='));
  const chats = fake.requests.filter((r) => r.path === '/chat/completions');
  expect(chats.map((r) => r.invalid)).toEqual([undefined, undefined]);
  expect(chats.map((r) => r.body?.model)).toEqual(['openai/gpt-4o-mini', '@preset/team']);
  for (const chat of chats) {
    expect(chat.body?.provider).toEqual({ sort: 'price', only: ['openai'], zdr: true });
    expect(chat.body?.plugins).toEqual([{ id: 'web' }]);
  }
  const session = JSON.parse(readFileSync(join(cli.home, 'state', 'sessions', 'r.json'), 'utf8'));
  expect(session.messages.filter((m: { role: string }) => m.role === 'assistant').map((m: { provider?: string }) => m.provider)).toEqual(['Azure', 'OpenAI']);
}, 90_000);
