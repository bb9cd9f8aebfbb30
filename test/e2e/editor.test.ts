// -e, --editor from the built binary with scripted editors (sh scripts standing in for vi), in a
// real terminal (tmux): the seed words reach the editor, the temp file is private and removed,
// what was written is sent (with piped stdin after it, the editor given the terminal through
// /dev/tty); an empty file or a failing editor sends nothing (exit 2). Without any terminal,
// -e is refused at once.
import { execFileSync, spawn } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from '@jest/globals';
import { type FakeOpenRouter, startFakeOpenRouter } from '../helpers/fake-openrouter.js';
import { BIN, type CliSandbox, cliSandbox } from '../helpers/run-cli.js';
import { ptyHarness, shellQuote as quote } from '../helpers/tmux.js';

const pty = ptyHarness('devsynth-editor', { captureFlags: ['-J'] });
const { tmux, screen, waitFor } = pty;


let fake: FakeOpenRouter;
let cli: CliSandbox;
let record: string;

const chats = () => fake.requests.filter((r) => r.path === '/chat/completions');
const sentPrompt = () => (chats()[0]?.body as { messages: Array<{ content: string }> }).messages.at(-1)?.content;

/** An editor script: records what it sees (the seed, the modes, whether it has the terminal), then runs `then`. */
function editor(name: string, then: string): string {
  const path = join(cli.home, name);
  writeFileSync(
    path,
    `#!/bin/sh
in=pipe; [ -t 0 ] && in=tty; out=pipe; [ -t 1 ] && out=tty
{ echo "file=$1"; echo "mode=$(stat -c %a "$1") dir=$(stat -c %a "$(dirname "$1")")"
  echo "stdin=$in"; echo "stdout=$out"; echo "seed:"; cat "$1"; } > ${quote(record)}
${then}
`,
  );
  chmodSync(path, 0o755);
  return path;
}

/** `devsynth-or chat <args>` in the terminal, with `$EDITOR` set; `pipe` wraps it (`printf x | … > out`). */
function start(args: string, editorPath: string, pipe = { before: '', after: '' }): void {
  const env = Object.entries({ ...cli.env, TERM: 'xterm-256color', EDITOR: editorPath })
    .map(([k, v]) => `${k}=${quote(v)}`)
    .join(' ');
  const command = `cd ${quote(cli.home)} && ${pipe.before} env -i ${env} ${quote(process.execPath)} ${quote(BIN)} chat ${args} ${pipe.after}; echo EXIT=$?; sleep 30`;
  tmux('new-session', '-d', '-s', 'ui', '-x', '120', '-y', '30', command);
}

const recorded = () => readFileSync(record, 'utf8');

beforeAll(() => {
  execFileSync('tmux', ['-V']);
});
beforeEach(async () => {
  fake = await startFakeOpenRouter();
  cli = cliSandbox(fake.url);
  record = join(cli.home, 'editor-saw');
});
afterEach(async () => {
  pty.stop();
  await fake.close();
  cli.dispose();
  expect(fake.violations).toEqual([]);
});
afterAll(() => pty.stop());

describe('-e in a terminal', () => {
  it('the editor is seeded with the words, in a private temp file that is removed; its text is sent', async () => {
    start('-e explain this', editor('write.sh', `printf 'Explain SSE\\nin two lines\\n' > "$1"`));
    expect(await waitFor((text) => text.includes('EXIT='))).toContain('EXIT=0');
    expect(sentPrompt()).toBe('Explain SSE\nin two lines');
    const saw = recorded();
    expect(saw).toContain('seed:\nexplain this\n');
    expect(saw).toContain('mode=600 dir=700');
    expect(saw).toContain('stdin=tty\nstdout=tty');
    const file = /^file=(.+)$/m.exec(saw)![1]!;
    expect(existsSync(file)).toBe(false);
    expect(existsSync(join(file, '..'))).toBe(false);
  }, 60_000);

  it('with stdin piped and stdout redirected, the editor still gets the terminal; the piped text follows', async () => {
    const out = join(cli.home, 'answer.txt');
    start('-e', editor('write.sh', `echo 'Review this diff' > "$1"`), { before: `printf 'the piped diff' |`, after: `> ${quote(out)}` });
    expect(await waitFor((text) => text.includes('EXIT='))).toContain('EXIT=0');
    expect(recorded()).toContain('stdin=tty\nstdout=tty\nseed:\n');
    expect(sentPrompt()).toBe('Review this diff\n\nthe piped diff');
    expect(readFileSync(out, 'utf8').length).toBeGreaterThan(0);
  }, 60_000);

  it('an editor that leaves the file empty cancels: exit 2, nothing sent', async () => {
    start('-e seed', editor('blank.sh', `printf '  \\n\\n' > "$1"`));
    const text = await waitFor((t) => t.includes('EXIT='));
    expect(text).toContain('EXIT=2');
    expect(text).toContain('the editor left the prompt empty; nothing was sent');
    expect(chats()).toHaveLength(0);
  }, 60_000);

  it('an editor that exits 1: exit 2 naming it, nothing sent', async () => {
    const path = editor('fail.sh', `echo 'half written' > "$1"; exit 1`);
    start('-e seed', path);
    const text = await waitFor((t) => t.includes('EXIT='));
    expect(text).toContain('EXIT=2');
    expect(text).toContain(`the editor (${path}) exited with 1; nothing was sent`);
    expect(chats()).toHaveLength(0);
  }, 60_000);
});

describe('-e without a terminal', () => {
  it('is refused with exit 2 and a clear message before any editor starts', async () => {
    mkdirSync(join(cli.home, 'x'), { recursive: true });
    const path = editor('write.sh', `echo never > "$1"`);
    // detached: a new session with no controlling terminal, so /dev/tty cannot be opened.
    const child = spawn(process.execPath, [BIN, 'chat', '-e', 'seed'], {
      cwd: cli.home,
      env: { ...cli.env, EDITOR: path },
      detached: true,
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    let stderr = '';
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
    child.stdout.resume();
    child.stdin.end('piped');
    const code = await new Promise<number | null>((resolve) => child.on('close', resolve));
    expect(code).toBe(2);
    expect(stderr).toContain('devsynth-or: -e needs a terminal for the editor, and this run has none');
    expect(existsSync(record)).toBe(false);
    expect(chats()).toHaveLength(0);
  }, 30_000);
});
