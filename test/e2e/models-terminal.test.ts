// `models` in a real pseudo-terminal (tmux runs the built binary against the fake OpenRouter;
// capture-pane reads the screen): the capability column and its legend, the same screen whether
// the fast cached path or the full CLI answered, and the filters in a terminal.
import { execFileSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from '@jest/globals';
import { type FakeOpenRouter, startFakeOpenRouter } from '../helpers/fake-openrouter.js';
import { BIN, type CliSandbox, cliSandbox } from '../helpers/run-cli.js';
import { renewingSocket } from '../helpers/tmux.js';

const socket = renewingSocket('devsynth-models');
const tmux = (...args: string[]) => execFileSync('tmux', ['-L', socket.name, ...args], { encoding: 'utf8', stdio: 'pipe' });
const screen = () => tmux('capture-pane', '-p', '-t', 'ui');
const quote = (value: string) => `'${value.replace(/'/g, "'\\''")}'`;

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
  socket.stop();
  await fake.close();
  cli.dispose();
});
afterAll(() => {
  socket.stop();
});

/** Runs the binary in a 100×30 terminal in `cwd` and returns the screen once it has exited. */
async function runInTerminal(args: string[], cwd = cli.home): Promise<string> {
  socket.stop();
  const env = Object.entries({ ...cli.env, TERM: 'xterm-256color' }).map(([k, v]) => `${k}=${quote(v)}`).join(' ');
  const command = `cd ${quote(cwd)} && env -i ${env} ${quote(process.execPath)} ${quote(BIN)} ${args.map(quote).join(' ')}; echo EXIT=$?; sleep 30`;
  tmux('new-session', '-d', '-s', 'ui', '-x', '100', '-y', '30', command);
  const until = Date.now() + 20_000;
  let text = '';
  while (Date.now() < until) {
    text = screen();
    if (text.includes('EXIT=')) return text.replace(/\n+$/, '\n');
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  throw new Error(`the command never ended; the screen shows:\n${text}`);
}

const catalogueFetches = () => fake.requests.filter((r) => r.path === '/models').length;

describe('models in a terminal', () => {
  it('shows the capability column and its legend, the same from the fast cached path as from the full CLI', async () => {
    const fetched = await runInTerminal(['models']);
    expect(fetched).toMatch(/^id +context +\$\/M in +\$\/M out +caps$/m);
    expect(fetched).toMatch(/^openai\/gpt-4o-mini +128000 +0\.15 +0\.6 +-VP---$/m);
    expect(fetched).toMatch(/^openrouter\/free +200000 +0 +0 +free +------$/m);
    expect(fetched).toContain('8 of 8 models · caps: T tools, V vision, P pdf, A audio, S structured, R reasoning\nEXIT=0\n');
    expect(catalogueFetches()).toBe(1);
    const fast = await runInTerminal(['models']);
    const project = join(cli.home, 'project');
    mkdirSync(project, { recursive: true });
    writeFileSync(join(project, '.devsynthrc.yml'), 'llm:\n  provider: openrouter\n');
    const full = await runInTerminal(['models'], project);
    expect(fast).toBe(fetched);
    expect(full).toBe(fetched);
    expect(catalogueFetches()).toBe(1);
  });

  it('filters in a terminal: the rows that match, counted against the catalogue', async () => {
    const shown = await runInTerminal(['models', '--supports', 'vision,pdf', '--max-price', '0.5']);
    const rows = shown.split('\n').filter((row) => /^\S+\/\S+ +\d/.test(row));
    expect(rows).toEqual([expect.stringMatching(/^openai\/gpt-4o-mini +128000 +0\.15 +0\.6 +-VP---$/)]);
    expect(shown).toContain('1 of 8 models · caps:');
    expect(shown).toContain('EXIT=0');
  });
});
