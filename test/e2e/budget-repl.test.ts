// Spend limits in the REPL, in a real terminal (tmux): --max-cost holds for the whole REPL run.
// Each turn's worst case is reserved before it is sent and settled with the answer's real cost,
// so a turn that fits only once the earlier ones are settled at their real cost is sent, and the
// turn past the limit is refused on screen with nothing sent; the REPL goes on.
// Prices are the fake catalogue's: openai/gpt-4 at $0.00003 a prompt token and $0.00006 a
// completion token, so 1,000 max tokens are a worst case of about $0.0601; each answer costs $0.05.
import { execFileSync } from 'node:child_process';
import { afterEach, beforeAll, expect, it } from '@jest/globals';
import { defaultUsage, type FakeOpenRouter, startFakeOpenRouter } from '../helpers/fake-openrouter.js';
import { BIN, type CliSandbox, cliSandbox } from '../helpers/run-cli.js';
import { ptyHarness, shellQuote as quote } from '../helpers/tmux.js';

const pty = ptyHarness('devsynth-budget-repl', { config: '/dev/null', target: 'ui:0' });
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

const chats = () => fake!.requests.filter((r) => r.method === 'POST' && r.path === '/chat/completions').length;

it('--max-cost across REPL turns: settled at the real cost, the turn past the limit refused with nothing sent', async () => {
  fake = await startFakeOpenRouter({
    replyFor: (prompt) => ({ kind: 'reply', content: [`answer to ${prompt}`], usage: { ...defaultUsage(5, 3), cost: 0.05 } }),
  });
  cli = cliSandbox(fake.url);
  const env = Object.entries({ ...cli.env, TERM: 'xterm-256color' }).map(([k, v]) => `${k}=${quote(v)}`).join(' ');
  // $0.115: the second turn fits only if the first was settled at $0.05 (0.05 + 0.0601), not
  // kept at its worst case (0.0601 + 0.0601); the third never fits (0.10 + 0.0601).
  tmux('new-session', '-d', '-s', 'ui', '-x', '120', '-y', '30', `env -i ${env} ${quote(process.execPath)} ${quote(BIN)} chat -m openai/gpt-4 --max-tokens 1000 --max-cost 0.115; echo EXIT=$?; sleep 60`);
  await waitFor((text) => text.includes('/help for commands'));
  for (const [turn, expected] of [['one', 'answer to one'], ['two', 'answer to two']] as const) {
    tmux('send-keys', '-t', 'ui:0', '-l', turn);
    tmux('send-keys', '-t', 'ui:0', 'Enter');
    await waitFor((text) => text.includes(expected));
  }
  tmux('send-keys', '-t', 'ui:0', '-l', 'three');
  tmux('send-keys', '-t', 'ui:0', 'Enter');
  await waitFor((text) => /more than is left of --max-cost \$0\.1/.test(text.replace(/\s*\n\s*/g, ' ')));
  expect(chats()).toBe(2);
  tmux('send-keys', '-t', 'ui:0', 'C-d');
  await waitFor((text) => text.includes('EXIT='));
  expect(chats()).toBe(2);
}, 90_000);
