// `batch`'s progress line in a real pseudo-terminal (tmux): done/total, failed and cost while
// it runs, one line redrawn in place; then the summary. In a pipe there is no progress line.
import { execFileSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeAll, expect, it } from '@jest/globals';
import { type FakeOpenRouter, startFakeOpenRouter } from '../helpers/fake-openrouter.js';
import { BIN, type CliSandbox, cliSandbox } from '../helpers/run-cli.js';
import { ptyHarness, shellQuote as quote } from '../helpers/tmux.js';

const pty = ptyHarness('devsynth-batch', { config: '/dev/null', target: 'ui:0' });
let fake: FakeOpenRouter | undefined;
let cli: CliSandbox | undefined;

beforeAll(() => {
  // Fails loudly rather than skipping: CI installs tmux.
  execFileSync('tmux', ['-V']);
});
afterEach(async () => {
  pty.stop();
  await fake?.close();
  cli?.dispose();
});

it('shows done/total, failures and cost on one redrawn line while it runs, then the summary', async () => {
  fake = await startFakeOpenRouter({
    replyFor: (prompt) =>
      prompt === 'q3'
        ? { kind: 'http-error', status: 400, body: { error: { message: 'bad \u001b[31mred\u001b[0m request', code: 400 } } }
        : { kind: 'delay', ms: 150, then: { kind: 'reply', content: ['ok'] } },
  });
  cli = cliSandbox(fake.url);
  const file = join(cli.home, 'items.txt');
  writeFileSync(file, Array.from({ length: 30 }, (_, i) => `q${i}`).join('\n'));
  const env = Object.entries({ ...cli.env, TERM: 'xterm-256color' }).map(([k, v]) => `${k}=${quote(v)}`).join(' ');
  pty.tmux('new-session', '-d', '-s', 'ui', '-x', '120', '-y', '30', `cd ${quote(cli.home)}; env -i ${env} ${quote(process.execPath)} ${quote(BIN)} batch items.txt -o out.ndjson --concurrency 2 -m openai/gpt-4o-mini; echo EXIT=$?; sleep 60`);
  const midway = await pty.waitFor((text) => /batch \d+\/30 · 1 failed · \$/.test(text) && !text.includes('EXIT='));
  // One line, redrawn: never two progress lines on the screen.
  expect(midway.match(/batch \d+\/30/g)).toHaveLength(1);
  expect(midway).toMatch(/ETA \d/);
  const end = await pty.waitFor((text) => text.includes('EXIT='));
  expect(end).toMatch(/30 items: 29 succeeded, 1 failed \(1 rejected\) · \$[\d.e-]+ · [\d.]+s/);
  expect(end).toContain('EXIT=12');
  expect(end).not.toMatch(/batch \d+\/30/);
}, 60_000);

it('in a pipe: no progress line, only the summary', async () => {
  fake = await startFakeOpenRouter();
  cli = cliSandbox(fake.url);
  const result = await cli.run(['batch', '-', '-m', 'openai/gpt-4o-mini'], { stdin: 'a\nb\n' });
  expect(result.code).toBe(0);
  expect(result.stderr).toMatch(/^2 items: 2 succeeded, 0 failed · \$[\d.e-]+ · [\d.]+s\n$/);
  const quiet = await cli.run(['batch', '-', '-q', '-m', 'openai/gpt-4o-mini'], { stdin: 'a\n' });
  expect(quiet.stderr).toBe('');
});
