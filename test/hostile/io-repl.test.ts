// The REPL in a real pseudo-terminal (tmux, as test/e2e/terminal.test.ts): Ctrl+C pressed twice
// as fast as a terminal can send it exits every time, during a generation (whose partial answer
// is kept) and at the prompt. In raw mode Ctrl+C is a key, not a signal: two of them can arrive
// in one read, or the second before the first one's render. SIGTERM and SIGHUP are signals:
// they leave the REPL as that second Ctrl+C does, with their own exit codes.
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from '@jest/globals';
import { type FakeOpenRouter, startFakeOpenRouter } from '../helpers/fake-openrouter.js';
import { BIN, type CliSandbox, cliSandbox } from '../helpers/run-cli.js';
import { renewingSocket } from '../helpers/tmux.js';

const socket = renewingSocket('devsynth-io-test');
const tmux = (...args: string[]) => execFileSync('tmux', ['-L', socket.name, ...args], { encoding: 'utf8' });
const screen = () => tmux('capture-pane', '-p', '-t', 'ui');
const quote = (value: string) => `'${value.replace(/'/g, "'\\''")}'`;
const ROUNDS = 10;

async function waitFor(predicate: (text: string) => boolean, ms = 15_000): Promise<string> {
  const until = Date.now() + ms;
  let text = '';
  while (Date.now() < until) {
    text = screen();
    if (predicate(text)) return text;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  throw new Error(`the screen never matched; it shows:\n${text}`);
}

const killServer = () => socket.stop();

let fake: FakeOpenRouter;
let cli: CliSandbox;

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

function startRepl(session: string): void {
  const env = Object.entries({ ...cli.env, TERM: 'xterm-256color' }).map(([k, v]) => `${k}=${quote(v)}`).join(' ');
  const command = `env -i ${env} ${quote(process.execPath)} ${quote(BIN)} chat --session ${session}; echo EXIT=$?; sleep 30`;
  tmux('new-session', '-d', '-s', 'ui', '-x', '80', '-y', '24', command);
}

/** Both ways a double press reaches the program: one tmux call (one write), or two in a row. */
const doublePress = (round: number) => {
  if (round % 2 === 0) tmux('send-keys', '-t', 'ui', 'C-c', 'C-c');
  else {
    tmux('send-keys', '-t', 'ui', 'C-c');
    tmux('send-keys', '-t', 'ui', 'C-c');
  }
};

describe('the REPL: Ctrl+C twice in quick succession', () => {
  it(`exits during a generation, keeping the partial answer (${ROUNDS} of ${ROUNDS})`, async () => {
    for (let round = 0; round < ROUNDS; round++) {
      fake.script({ kind: 'reply', content: Array.from({ length: 80 }, (_, i) => `part${i} `), chunkDelayMs: 100 });
      startRepl(`r${round}`);
      await waitFor((text) => text.includes('/help for commands'));
      tmux('send-keys', '-t', 'ui', 'tell me a story', 'Enter');
      await waitFor((text) => text.includes('part2'));
      doublePress(round);
      const done = await waitFor((text) => text.includes('EXIT='));
      expect([round, done.match(/EXIT=\d+/)?.[0]]).toEqual([round, 'EXIT=130']);
      const saved = JSON.parse(readFileSync(join(cli.env.DEVSYNTH_HOME!, 'sessions', `r${round}.json`), 'utf8'));
      expect(saved.messages.at(-1)).toMatchObject({ role: 'assistant', content: expect.stringMatching(/^part0 part1 part2/) });
      killServer();
    }
  }, 180_000);

  it(`exits at the prompt (${ROUNDS} of ${ROUNDS})`, async () => {
    for (let round = 0; round < ROUNDS; round++) {
      startRepl(`p${round}`);
      await waitFor((text) => text.includes('/help for commands'));
      doublePress(round);
      const done = await waitFor((text) => text.includes('EXIT='));
      expect([round, done.match(/EXIT=\d+/)?.[0]]).toEqual([round, 'EXIT=130']);
      killServer();
    }
  }, 180_000);
});

/** The REPL's node process: the child of the pane's shell (`env` execs node). */
function replPid(): number {
  const shell = Number(tmux('list-panes', '-t', 'ui', '-F', '#{pane_pid}').trim());
  const children = readFileSync(`/proc/${shell}/task/${shell}/children`, 'utf8').trim().split(/\s+/);
  return Number(children[0]);
}

describe.each([
  ['SIGTERM', 143],
  ['SIGHUP', 129],
] as const)('the REPL and %s', (signal, code) => {
  it(`mid-stream: the partial turn is kept, exit ${code}`, async () => {
    fake.script({ kind: 'reply', content: Array.from({ length: 80 }, (_, i) => `part${i} `), chunkDelayMs: 100 });
    startRepl('sig');
    await waitFor((text) => text.includes('/help for commands'));
    tmux('send-keys', '-t', 'ui', 'tell me a story', 'Enter');
    await waitFor((text) => text.includes('part2'));
    process.kill(replPid(), signal);
    const done = await waitFor((text) => text.includes('EXIT='));
    expect(done).toContain(`EXIT=${code}`);
    const saved = JSON.parse(readFileSync(join(cli.env.DEVSYNTH_HOME!, 'sessions', 'sig.json'), 'utf8'));
    expect(saved.messages.map((m: { role: string }) => m.role)).toEqual(['user', 'assistant']);
    expect(saved.messages[1].content).toMatch(/^part0 part1 part2/);
    expect(saved.messages[1].content).not.toContain('part79');
  }, 60_000);
});
