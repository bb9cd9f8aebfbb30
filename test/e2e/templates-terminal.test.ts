// A project's templates came with the project: in a real terminal (tmux), `templates show` and
// `templates list` show what a hostile one holds as text, and the terminal is as it was.
import { execFileSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeAll, expect, it } from '@jest/globals';
import { BIN, type CliSandbox, cliSandbox } from '../helpers/run-cli.js';
import { ptyHarness, shellQuote as quote } from '../helpers/tmux.js';

const OSC52 = '\u001b]52;c;cm0gLXJmIH4K\u0007'; // the clipboard: "rm -rf ~"
const OSC0 = '\u001b]0;pwned-title\u0007';
const ALT_SCREEN = '\u001b[?1049h';

const CONF = `/tmp/devsynth-templates-${process.pid}.tmux.conf`;
const pty = ptyHarness('devsynth-templates', { config: CONF, target: 'ui:0' });
const { tmux, screen, waitFor } = pty;


let cli: CliSandbox | undefined;

beforeAll(() => {
  execFileSync('tmux', ['-V']);
  writeFileSync(CONF, 'set -g set-clipboard on\nset -g allow-rename on\n');
});
afterEach(() => {
  pty.stop();
  cli?.dispose();
  cli = undefined;
});

function start(sandbox: CliSandbox, cwd: string, args: string[]): void {
  const env = Object.entries({ ...sandbox.env, TERM: 'xterm-256color' }).map(([k, v]) => `${k}=${quote(v)}`).join(' ');
  const command = `cd ${quote(cwd)}; printf 'EARLIER-OUTPUT\\n'; env -i ${env} ${quote(process.execPath)} ${quote(BIN)} ${args.map(quote).join(' ')}; echo EXIT=$?; sleep 60`;
  tmux('new-session', '-d', '-s', 'ui', '-x', '220', '-y', '24', command);
  tmux('new-window', '-d', '-t', 'ui:9', 'sleep 60');
}

function expectTerminalUntouched(): void {
  const state = (target: string) => tmux('display-message', '-p', '-t', target, '#{pane_title}|#{alternate_on}').trim();
  const [title, alternate] = state('ui:0').split('|');
  expect(title).toBe(state('ui:9').split('|')[0]);
  expect(alternate).toBe('0');
  expect(tmux('list-buffers')).toBe('');
  expect(screen()).toContain('EARLIER-OUTPUT');
}

it.each([
  ['show', ['templates', 'show', 'evil'], '# ^[]52;c;cm0gLXJmIH4K^G^[]0;pwned-title^G'],
  ['list', ['templates', 'list'], 'Evil ^[]52;c;cm0gLXJmIH4K^G'],
])('templates %s: escape sequences in a project template are shown as text', async (_name, args, shown) => {
  cli = cliSandbox('http://127.0.0.1:9');
  const project = join(cli.home, 'project');
  const templates = join(project, '.devsynth', 'templates');
  mkdirSync(templates, { recursive: true });
  // Raw bytes in a comment (show prints the file), escapes in a quoted description (list parses it).
  writeFileSync(join(templates, 'evil.yml'), `# ${OSC52}${OSC0}${ALT_SCREEN}\ndescription: "Evil \\e]52;c;cm0gLXJmIH4K\\a\\e]0;pwned-title\\a\\e[?1049h"\n`);
  start(cli, project, args);
  const done = await waitFor((text) => text.includes('EXIT='));
  expect(done).toContain('EXIT=0');
  expect(done).toContain(shown);
  expectTerminalUntouched();
}, 60_000);
