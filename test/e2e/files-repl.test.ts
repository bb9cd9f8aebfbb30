// The REPL's /file in a real pseudo-terminal (tmux, as repl-keys.test.ts): a file and a
// directory (.gitignore obeyed) are shown pending, then go before the next prompt's words, with
// [file: path size] in the transcript; a path that is not there is an error and adds nothing.
import { execFileSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from '@jest/globals';
import { type FakeOpenRouter, startFakeOpenRouter } from '../helpers/fake-openrouter.js';
import { BIN, type CliSandbox, cliSandbox } from '../helpers/run-cli.js';
import { ptyHarness, shellQuote as quote, sleep } from '../helpers/tmux.js';

const pty = ptyHarness('devsynth-files-repl');
const { tmux, screen, waitFor } = pty;


async function eventually(predicate: () => boolean, ms: number): Promise<boolean> {
  for (const end = Date.now() + ms; Date.now() < end; await sleep(50)) if (predicate()) return true;
  return predicate();
}

let fake: FakeOpenRouter;
let cli: CliSandbox;
let project: string;
const put = (path: string, content: string) => {
  mkdirSync(dirname(join(project, path)), { recursive: true });
  writeFileSync(join(project, path), content);
};
const prompts = () =>
  fake.requests.filter((r) => r.path === '/chat/completions').map((r) => (r.body as { messages: Array<{ content: string }> }).messages.at(-1)?.content);
const type = (line: string) => {
  tmux('send-keys', '-t', 'ui', '-l', line);
  tmux('send-keys', '-t', 'ui', 'Enter');
};

beforeAll(() => {
  execFileSync('tmux', ['-V']);
});
beforeEach(async () => {
  fake = await startFakeOpenRouter();
  cli = cliSandbox(fake.url);
  project = join(cli.home, 'project');
  mkdirSync(join(project, '.git'), { recursive: true });
});
afterEach(async () => {
  pty.stop();
  await fake.close();
  cli.dispose();
});
afterAll(() => pty.stop());

function startRepl(): void {
  const env = Object.entries({ ...cli.env, TERM: 'xterm-256color' }).map(([k, v]) => `${k}=${quote(v)}`).join(' ');
  const command = `cd ${quote(project)} && env -i ${env} ${quote(process.execPath)} ${quote(BIN)} chat; echo EXIT=$?; sleep 30`;
  tmux('new-session', '-d', '-s', 'ui', '-x', '100', '-y', '40', command);
}

describe('/file in the REPL', () => {
  it('adds a file and a directory to the next prompt, shown pending and then in the transcript', async () => {
    put('.gitignore', 'secret/\n');
    put('notes.md', 'remember the cache\n');
    put('src/a.ts', 'export const a = 1;\n'.repeat(100));
    put('secret/key.txt', 'do not send\n');
    startRepl();
    await waitFor((text) => text.includes('/help for commands'));
    type('/file notes.md');
    await waitFor((text) => text.includes('[file: notes.md 19 B] (pending)'));
    type('/file src');
    await waitFor((text) => text.includes('[file: src/a.ts 2 KB] (pending)'));
    type('/file missing.txt');
    await waitFor((text) => text.includes('✗ /file missing.txt: no such file or directory'));
    expect(prompts()).toEqual([]);
    type('What do these say?');
    expect(await eventually(() => prompts().length === 1, 15_000)).toBe(true);
    expect(prompts()[0]).toBe(
      `## notes.md\n\n\`\`\`markdown\nremember the cache\n\`\`\`\n\n## src/a.ts\n\n\`\`\`typescript\n${'export const a = 1;\n'.repeat(100)}\`\`\`\n\nWhat do these say?`,
    );
    // Waited for until the screen settles: Ink writes the transcript above before it redraws the
    // live area below, and a capture in between still shows the old live area (its pending files).
    const after = await waitFor((text) => /\[file: src\/a\.ts 2 KB\]\s*\n› What do these say\?/.test(text) && !text.includes('(pending)'));
    expect(after).not.toContain('(pending)');
    // Sent once: the next prompt carries no files.
    type('and then?');
    expect(await eventually(() => prompts().length === 2, 15_000)).toBe(true);
    expect(prompts()[1]).toBe('and then?');
    tmux('send-keys', '-t', 'ui', 'C-d');
    expect(await waitFor((text) => text.includes('EXIT='))).toContain('EXIT=0');
  }, 90_000);
});
