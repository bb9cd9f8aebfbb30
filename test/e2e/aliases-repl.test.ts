// `/model <alias>` in the REPL, in a real terminal (tmux): the model the alias stands for is
// checked, named, and sent.
import { execFileSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeAll, expect, it } from '@jest/globals';
import { type FakeOpenRouter, startFakeOpenRouter } from '../helpers/fake-openrouter.js';
import { BIN, type CliSandbox, cliSandbox } from '../helpers/run-cli.js';
import { ptyHarness, shellQuote as quote } from '../helpers/tmux.js';

const pty = ptyHarness('devsynth-aliases', { config: '/dev/null', target: 'ui:0' });
const { tmux, screen, waitFor } = pty;


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

it('/model fast: the model the alias stands for is taken and sent', async () => {
  fake = await startFakeOpenRouter();
  cli = cliSandbox(fake.url);
  const dir = join(cli.env.XDG_CONFIG_HOME!, 'devsynth');
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, 'config.yml'), 'aliases:\n  fast: openai/gpt-4o-mini\n');
  const env = Object.entries({ ...cli.env, TERM: 'xterm-256color' }).map(([k, v]) => `${k}=${quote(v)}`).join(' ');
  tmux('new-session', '-d', '-s', 'ui', '-x', '120', '-y', '30', `env -i ${env} ${quote(process.execPath)} ${quote(BIN)} chat -m openai/gpt-4; echo EXIT=$?; sleep 60`);
  await waitFor((text) => text.includes('/help for commands'));
  tmux('send-keys', '-t', 'ui:0', '-l', '/model fast');
  tmux('send-keys', '-t', 'ui:0', 'Enter');
  await waitFor((text) => text.includes('model set to openai/gpt-4o-mini'));
  tmux('send-keys', '-t', 'ui:0', '-l', 'hello');
  tmux('send-keys', '-t', 'ui:0', 'Enter');
  await waitFor(() => fake!.requests.some((r) => r.path === '/chat/completions'));
  tmux('send-keys', '-t', 'ui:0', 'C-d');
  await waitFor((text) => text.includes('EXIT='));
  const chat = fake.requests.find((r) => r.path === '/chat/completions');
  expect((chat?.body as { model?: string } | undefined)?.model).toBe('openai/gpt-4o-mini');
}, 90_000);
