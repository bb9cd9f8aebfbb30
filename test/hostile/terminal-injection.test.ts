// Terminal injection (issue 13, item 1): a hostile server puts escape sequences in the answer,
// the stream's `model` and `provider`, an error's message and metadata, and the catalogue's ids.
// tmux runs the built binary in a real pseudo-terminal (with set-clipboard on, so that OSC 52
// would fill a paste buffer) and is asked afterwards what state the terminal is in: its title,
// which screen it shows, whether the cursor is visible, the clipboard, and whether what was on
// the screen before is still there.
import { execFileSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeAll, describe, expect, it } from '@jest/globals';
import { defaultModels } from '../helpers/fake-catalogue.js';
import { type FakeOpenRouter, type FakeOptions, startFakeOpenRouter } from '../helpers/fake-openrouter.js';
import { BIN, type CliSandbox, cliSandbox } from '../helpers/run-cli.js';
import { renewingSocket } from '../helpers/tmux.js';

const OSC52 = '\u001b]52;c;cm0gLXJmIH4K\u0007'; // the clipboard: "rm -rf ~"
const OSC0 = '\u001b]0;pwned-title\u0007'; // the window title
const OSC2 = '\u001b]2;pwned-title2\u001b\\'; // the pane title, ended by ST
const OSC8 = '\u001b]8;;https://evil.invalid/\u0007click\u001b]8;;\u0007'; // a hyperlink
const CLEAR = '\u001b[2J\u001b[H'; // erase the screen
const ALT_SCREEN = '\u001b[?1049h';
const HIDE_CURSOR = '\u001b[?25l';
const C1_CSI = '\u009b?1049h'; // CSI as one C1 character
const RLO = '\u202Egnp.exe'; // right-to-left override
const ATTACK = `${OSC52}${OSC0}${OSC2}${OSC8}${CLEAR}${ALT_SCREEN}${HIDE_CURSOR}${C1_CSI}${RLO}`;
/** The attack cut into pieces as a stream might send them: an ESC alone at the end of one. */
const ATTACK_CHUNKS = ['Here you go \u001b', `]52;c;cm0gLXJmIH4K\u0007${OSC0}\u001b`, `]2;pwned-title2\u001b\\${OSC8}\u001b[`, `2J\u001b[H${ALT_SCREEN}\u001b`, `[?25l${C1_CSI}${RLO} done`];

const socket = renewingSocket('devsynth-hostile');
const CONF = `/tmp/devsynth-hostile-${process.pid}.tmux.conf`;
const tmux = (...args: string[]) => execFileSync('tmux', ['-L', socket.name, '-f', CONF, ...args], { encoding: 'utf8' });
const screen = () => tmux('capture-pane', '-p', '-t', 'ui:0');
const quote = (value: string) => `'${value.replace(/'/g, "'\\''")}'`;

async function waitFor(predicate: (text: string) => boolean, ms = 15000): Promise<string> {
  const until = Date.now() + ms;
  let text = '';
  while (Date.now() < until) {
    text = screen();
    if (predicate(text)) return text;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  throw new Error(`the screen never matched; it shows:\n${text}`);
}

let fake: FakeOpenRouter | undefined;
let cli: CliSandbox | undefined;

async function serve(options: FakeOptions = {}): Promise<{ fake: FakeOpenRouter; cli: CliSandbox }> {
  fake = await startFakeOpenRouter(options);
  cli = cliSandbox(fake.url);
  return { fake, cli };
}

beforeAll(() => {
  // Fails loudly rather than skipping: a skipped terminal test proves nothing.
  execFileSync('tmux', ['-V']);
  // OSC 52 from a program fills a tmux paste buffer only with set-clipboard on.
  writeFileSync(CONF, 'set -g set-clipboard on\nset -g allow-rename on\n');
});
afterEach(async () => {
  socket.stop();
  await fake?.close();
  cli?.dispose();
  fake = undefined;
  cli = undefined;
});

/** Runs the binary in a fresh 80×24 pane, after a line that must still be on screen afterwards. */
function start(sandbox: CliSandbox, args: string[], options: { stdoutTo?: string; env?: Record<string, string> } = {}): void {
  const env = Object.entries({ ...sandbox.env, TERM: 'xterm-256color', ...options.env }).map(([k, v]) => `${k}=${quote(v)}`).join(' ');
  const redirect = options.stdoutTo ? ` > ${quote(options.stdoutTo)}` : '';
  const command = `printf 'EARLIER-OUTPUT\\n'; env -i ${env} ${quote(process.execPath)} ${quote(BIN)} ${args.map(quote).join(' ')}${redirect}; echo EXIT=$?; sleep 60`;
  tmux('new-session', '-d', '-s', 'ui', '-x', '80', '-y', '24', command);
  // A pane nobody writes to: what the title is when no one has set it.
  tmux('new-window', '-d', '-t', 'ui:9', 'sleep 60');
}

/** The terminal as the user left it: same title, main screen, cursor shown, clipboard empty, screen kept. */
function expectTerminalUntouched(): string {
  const state = (target: string) => tmux('display-message', '-p', '-t', target, '#{pane_title}|#{alternate_on}|#{cursor_flag}').trim();
  const [title, alternate, cursor] = state('ui:0').split('|');
  expect(title).not.toContain('pwned');
  expect(title).toBe(state('ui:9').split('|')[0]);
  expect(alternate).toBe('0');
  expect(cursor).toBe('1');
  expect(tmux('list-buffers')).toBe('');
  const raw = tmux('capture-pane', '-p', '-e', '-t', 'ui:0');
  expect(raw).toContain('EARLIER-OUTPUT');
  // No hyperlink, no C1 and no bidi control made it onto the screen.
  expect(raw).not.toMatch(/\u001b\]8|[\u0080-\u009f\u202a-\u202e\u2066-\u2069]/);
  return screen();
}

describe('terminal injection: a hostile server cannot change the terminal', () => {
  it('the Ink UI: escape sequences in the answer, the model and the provider are shown as text', async () => {
    const { cli } = await serve();
    fake!.script({ kind: 'reply', content: ATTACK_CHUNKS, model: `evil/model${OSC52}${ALT_SCREEN}`, provider: `Prov${OSC0}${HIDE_CURSOR}${RLO}`, chunkDelayMs: 30 });
    start(cli, ['chat', 'hi']);
    const done = await waitFor((text) => text.includes('EXIT='));
    expect(done).toContain('EXIT=0');
    expect(done).toContain('Here you go');
    expect(done).toContain('^[]52;c;cm0gLXJmIH4K^G^[]0;pwned-title^G');
    expect(done).toContain('evil/model^[]52');
    expectTerminalUntouched();
  });

  it('the Ink UI: a server error\'s message and metadata in the error panel are shown as text', async () => {
    const { cli } = await serve();
    fake!.script({ kind: 'http-error', status: 400, body: { error: { code: 400, message: 'Provider returned error', metadata: { raw: `upstream ${ATTACK}`, provider_name: `Up${OSC0}` } } } });
    start(cli, ['chat', 'hi']);
    const done = await waitFor((text) => text.includes('EXIT='));
    expect(done).toMatch(/EXIT=[1-9]/);
    expect(done).toContain('upstream ^[]52');
    expectTerminalUntouched();
  });

  it('plain mode with stdout a terminal (CI): the answer is made safe there too', async () => {
    const { cli } = await serve();
    fake!.script({ kind: 'reply', content: ATTACK_CHUNKS, chunkDelayMs: 30 });
    start(cli, ['chat', '--usage', 'hi'], { env: { CI: '1' } });
    const done = await waitFor((text) => text.includes('EXIT='));
    expect(done).toContain('EXIT=0');
    expect(done).toContain('^[]52;c;cm0gLXJmIH4K^G^[]0;pwned-title^G');
    expectTerminalUntouched();
  });

  it('stdout to a file, the error on the terminal\'s stderr: made safe there', async () => {
    const { cli } = await serve();
    fake!.script({ kind: 'http-error', status: 400, body: { error: { code: 400, message: `bad request ${ATTACK}`, metadata: { raw: ATTACK } } } });
    const file = join(cli.home, 'answer.txt');
    start(cli, ['chat', 'hi'], { stdoutTo: file });
    const done = await waitFor((text) => text.includes('EXIT='));
    expect(done).toMatch(/EXIT=[1-9]/);
    expect(done).toContain('bad request ^[]52');
    expectTerminalUntouched();
    expect(readFileSync(file, 'utf8')).toBe('');
  });

  it('the REPL: a hostile answer and model in the live turn and the transcript', async () => {
    const { cli } = await serve();
    fake!.script({ kind: 'reply', content: ATTACK_CHUNKS, model: `evil/model${OSC52}`, provider: `Prov${CLEAR}`, chunkDelayMs: 30 });
    start(cli, ['chat', '--session', 'hostile']);
    await waitFor((text) => text.includes('/help for commands'));
    tmux('send-keys', '-t', 'ui:0', 'hello', 'Enter');
    await waitFor((text) => /tokens/.test(text) && /\bdone\b/.test(text));
    tmux('send-keys', '-t', 'ui:0', 'C-d');
    const done = await waitFor((text) => text.includes('EXIT='));
    expect(done).toContain('EXIT=0');
    expect(done).toContain('^[]52;c;cm0gLXJmIH4K^G^[]0;pwned-title^G');
    expect(done).toContain('evil/model^[]52');
    expectTerminalUntouched();
    // The session keeps the answer as it was sent: it is the user's data.
    const saved = JSON.parse(readFileSync(join(cli.env.DEVSYNTH_HOME!, 'sessions', 'hostile.json'), 'utf8'));
    expect(saved.messages[1].content).toBe(ATTACK_CHUNKS.join(''));
  });

  it('the models table: hostile catalogue ids and names are shown as text', async () => {
    const models = [{ ...defaultModels()[0], id: `evil/${ATTACK}`, name: `Evil ${OSC0}` }, ...defaultModels().slice(1, 3)];
    const { cli } = await serve({ models });
    start(cli, ['models', 'evil']);
    const done = await waitFor((text) => text.includes('EXIT='));
    expect(done).toContain('EXIT=0');
    expect(done).toContain('evil/^[]52;c;cm0gLXJmIH4K^G');
    expectTerminalUntouched();
  });
});

describe('to a pipe', () => {
  it('shell completion offers only plain model ids: a hostile catalogue id never reaches the prompt line', async () => {
    const models = [{ ...defaultModels()[0], id: `evil/${ATTACK}` }, { ...defaultModels()[1], id: 'spaced id' }, ...defaultModels().slice(2, 4)];
    const { cli } = await serve({ models });
    // Through the command (the catalogue fetched and cached) and through the fast path that
    // answers from the fresh cache before the CLI loads.
    expect((await cli.run(['models', '--refresh'])).code).toBe(0);
    for (const args of [['__models'], ['--provider', 'openrouter', '__models']]) {
      const listed = await cli.run(args);
      expect(listed.code).toBe(0);
      expect(listed.stdout.trim().split('\n').sort()).toEqual(models.slice(2).map((model) => model.id).sort());
    }
  });

  it('the answer\'s bytes pass through unchanged: they are the user\'s data', async () => {
    const { cli } = await serve();
    fake!.script({ kind: 'reply', content: ATTACK_CHUNKS });
    const result = await cli.run(['chat', 'hi']);
    expect(result.code).toBe(0);
    expect(result.stdout).toBe(`${ATTACK_CHUNKS.join('')}\n`);
  });

  it('what goes to stderr (the error, --debug lines, the --usage line) is made safe even there: a log is read on a terminal later', async () => {
    const { cli } = await serve();
    fake!.script(
      { kind: 'reply', content: ['fine'], model: `evil/${ATTACK}`, provider: ATTACK },
      { kind: 'http-error', status: 400, body: { error: { code: 400, message: `bad request ${ATTACK}`, metadata: { raw: ATTACK } } } },
    );
    const forbidden = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]/;
    const answered = await cli.run(['chat', '--usage', 'hi']);
    expect(answered.code).toBe(0);
    expect(answered.stderr).toContain('evil/^[]52');
    expect(answered.stderr.replace(/\n/g, '')).not.toMatch(forbidden);
    const failed = await cli.run(['chat', '--debug', 'hi']);
    expect(failed.code).toBe(6);
    expect(failed.stderr).toContain('[debug]');
    expect(failed.stderr).toContain('bad request ^[]52');
    expect(failed.stderr.replace(/[\n\t]/g, '')).not.toMatch(forbidden);
  });
});
