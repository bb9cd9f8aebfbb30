// -f, --file from the built binary against the fake OpenRouter: what reaches the server for a
// directory with .gitignore files (nested ones too), a glob, binary files, a symlinked loop; and
// the refusals (total size, a missing path, a glob that matches nothing) that send nothing.
import { mkdirSync, symlinkSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from '@jest/globals';
import { type FakeOpenRouter, startFakeOpenRouter } from '../helpers/fake-openrouter.js';
import { type CliSandbox, cliSandbox } from '../helpers/run-cli.js';

let fake: FakeOpenRouter;
let cli: CliSandbox;
let project: string;

const put = (path: string, content: string | Buffer = `${path}\n`) => {
  mkdirSync(dirname(join(project, path)), { recursive: true });
  writeFileSync(join(project, path), content);
};
const chats = () => fake.requests.filter((r) => r.path === '/chat/completions');
/** The user message of the one chat request made. */
const sent = () => {
  expect(chats()).toHaveLength(1);
  const messages = (chats()[0]!.body as { messages: Array<{ role: string; content: string }> }).messages;
  return messages.filter((m) => m.role === 'user').at(-1)!.content;
};
/** The paths under the headings of what was sent, in order. */
const headings = (text: string) => [...text.matchAll(/^## (.+)$/gm)].map((match) => match[1]);
const run = (args: string[], stdin?: string) => cli.run(['chat', ...args], { cwd: project, ...(stdin !== undefined ? { stdin } : {}) });

beforeEach(async () => {
  fake = await startFakeOpenRouter();
  cli = cliSandbox(fake.url);
  project = join(cli.home, 'project');
  mkdirSync(join(project, '.git'), { recursive: true });
});
afterEach(async () => {
  await fake.close();
  cli.dispose();
  expect(fake.violations).toEqual([]);
});

describe('-f with a directory', () => {
  it('obeys .gitignore files at every level, skips .git/ and hidden files, and puts the question last', async () => {
    put('.gitignore', 'node_modules/\n*.log\n');
    put('.git/config', '[core]\n');
    put('.env', 'SECRET=1\n');
    put('README.md', '# Demo\n');
    put('app.log');
    put('node_modules/lib/index.js');
    put('src/.gitignore', 'generated/\n!important.log\n');
    put('src/main.ts', 'export const a = "```";\n');
    put('src/important.log');
    put('src/generated/types.ts');
    const result = await run(['-f', '.', 'What does this do?']);
    expect(result.code).toBe(0);
    const text = sent();
    expect(headings(text)).toEqual(['README.md', 'src/important.log', 'src/main.ts']);
    expect(text).not.toMatch(/SECRET|node_modules|generated|app\.log|\[core\]/);
    // A fence longer than the file's own backticks, with the language; the question last.
    expect(text).toContain('## src/main.ts\n\n````typescript\nexport const a = "```";\n````\n');
    expect(text.endsWith('\n\nWhat does this do?')).toBe(true);
  });

  it('a symlinked directory that loops, or leads outside, is not followed', async () => {
    const outside = join(cli.home, 'outside');
    mkdirSync(outside);
    writeFileSync(join(outside, 'secret.txt'), 'do not send\n');
    put('src/a.ts');
    symlinkSync(project, join(project, 'src', 'loop'));
    symlinkSync(outside, join(project, 'out'));
    const result = await run(['-f', '.', 'q'], undefined);
    expect(result.code).toBe(0);
    expect(headings(sent())).toEqual(['src/a.ts']);
    expect(sent()).not.toContain('do not send');
  });

  it('files alone are a prompt; piped stdin comes after the words', async () => {
    put('notes.txt', 'remember this\n');
    expect((await run(['-f', 'notes.txt', 'summarise'], 'piped text')).code).toBe(0);
    expect(sent()).toBe('## notes.txt\n\n```text\nremember this\n```\n\nsummarise\n\npiped text');
    fake.requests.length = 0;
    expect((await run(['-f', 'notes.txt'])).code).toBe(0);
    expect(sent()).toBe('## notes.txt\n\n```text\nremember this\n```\n');
  });
});

describe('-f with a glob', () => {
  it('sends the files it matches, sorted, .gitignore obeyed', async () => {
    put('.gitignore', 'dist/\n');
    put('src/b.ts');
    put('src/a.ts');
    put('src/deep/c.ts');
    put('src/d.js');
    put('dist/out.ts');
    expect((await run(['-f', '**/*.ts', 'review'])).code).toBe(0);
    expect(headings(sent())).toEqual(['src/a.ts', 'src/b.ts', 'src/deep/c.ts']);
  });

  it('a glob that matches nothing, or a path that does not exist: exit 2 naming it, nothing sent', async () => {
    put('src/a.ts');
    const glob = await run(['-f', 'src/**/*.py', 'q']);
    expect(glob.code).toBe(2);
    expect(glob.stderr).toContain('-f src/**/*.py: no files match');
    const missing = await run(['-f', 'src/a.ts', '-f', 'nope.ts', 'q']);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toContain('-f nope.ts: no such file or directory');
    expect(chats()).toHaveLength(0);
  });
});

describe('binary files and the caps', () => {
  it('skips each binary file with one warning naming it, and sends the rest', async () => {
    put('logo.png', Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 0x0d]));
    put('data.bin.txt', Buffer.from([0x61, 0, 0x62]));
    put('latin1.txt', Buffer.from([0x63, 0x61, 0x66, 0xe9]));
    put('ok.md', 'text\n');
    const result = await run(['-f', '.', 'q']);
    expect(result.code).toBe(0);
    expect(headings(sent())).toEqual(['ok.md']);
    const warnings = result.stderr.split('\n').filter((line) => line.includes('warning: skipped'));
    expect(warnings).toEqual([
      'devsynth-or: warning: skipped data.bin.txt: not text (it holds NUL bytes)',
      'devsynth-or: warning: skipped latin1.txt: not text (it is not UTF-8 text)',
      'devsynth-or: warning: skipped logo.png: not text (a png file)',
    ]);
  });

  it('over the total size: exit 2 naming the total, the limit and the largest files; no request', async () => {
    for (let i = 0; i < 6; i++) put(`dump/part${i}.txt`, Buffer.alloc(800 * 1024 + i * 1024, 'a'));
    const result = await run(['-f', 'dump', 'q'], undefined);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('devsynth-or: the files come to 4.7 MB, over the 4 MB limit for -f; the largest: dump/part5.txt (805 KB), dump/part4.txt (804 KB), dump/part3.txt (803 KB)');
    expect(fake.requests).toHaveLength(0);
  });

  it('a terminal-unsafe file name is shown safely in the warning', async () => {
    put('evil\u001b[31mred.png', 'x');
    put('ok.txt');
    const result = await run(['-f', '.', 'q']);
    expect(result.code).toBe(0);
    expect(result.stderr).not.toContain('\u001b[31m');
    expect(result.stderr).toContain('skipped evil');
  });
});
