// A cached answer in a real pseudo-terminal (tmux runs the built binary against the fake
// OpenRouter): the live UI draws it as it would a live one, and its footer says it was cached.
import { execFileSync } from 'node:child_process';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from '@jest/globals';
import { defaultUsage, type FakeOpenRouter, startFakeOpenRouter } from '../helpers/fake-openrouter.js';
import { BIN, type CliSandbox, cliSandbox } from '../helpers/run-cli.js';
import { renewingSocket } from '../helpers/tmux.js';

const socket = renewingSocket('devsynth-rcache');
const tmux = (...args: string[]) => execFileSync('tmux', ['-L', socket.name, ...args], { encoding: 'utf8', stdio: 'pipe' });
const screen = () => tmux('capture-pane', '-p', '-t', 'ui');
const quote = (value: string) => `'${value.replace(/'/g, "'\\''")}'`;

async function waitFor(predicate: (text: string) => boolean, ms = 20_000): Promise<string> {
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

function run(args: string[]): void {
  socket.stop();
  const env = Object.entries({ ...cli.env, TERM: 'xterm-256color' }).map(([k, v]) => `${k}=${quote(v)}`).join(' ');
  const command = `env -i ${env} ${quote(process.execPath)} ${quote(BIN)} ${args.map(quote).join(' ')}; echo EXIT=$?; sleep 30`;
  tmux('new-session', '-d', '-s', 'ui', '-x', '100', '-y', '24', command);
}

describe('a cached answer in the terminal UI', () => {
  it('is drawn like a live one, and the footer says it was cached and spent nothing', async () => {
    fake.script({ kind: 'reply', content: ['Cached ', 'words.'], usage: { ...defaultUsage(10, 2), cost: 0.0031 } });
    run(['chat', '--cache', '-m', 'openai/gpt-4o-mini', 'hello']);
    const live = await waitFor((text) => text.includes('EXIT='));
    expect(live).toContain('Cached words.');
    expect(live).toContain('$0.0031');
    expect(live).not.toContain('cached, $0 spent');
    run(['chat', '--cache', '-m', 'openai/gpt-4o-mini', 'hello']);
    const replayed = await waitFor((text) => text.includes('EXIT='));
    expect(replayed).toContain('Cached words.');
    expect(replayed).toContain('cached, $0 spent (was $0.0031)');
    expect(replayed).toContain('EXIT=0');
    expect(fake.requests.filter((r) => r.path === '/chat/completions')).toHaveLength(1);
  }, 120_000);
});
