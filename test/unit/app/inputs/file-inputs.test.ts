// readFileInputs on real files: paths, directories and globs in the arguments' order, each file
// once; binary files skipped with one warning each; the caps; a FIFO named by mistake refused
// rather than waited on.
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from '@jest/globals';
import { filesPreamble, formatSize, MAX_FILE_BYTES, MAX_TOTAL_BYTES, readFileInputs } from '../../../../src/app/inputs/file-inputs.js';

let cwd: string;
let warnings: string[];
const put = (path: string, content: string | Buffer = 'x\n') => {
  mkdirSync(dirname(join(cwd, path)), { recursive: true });
  writeFileSync(join(cwd, path), content);
};
const read = (args: string[]) => readFileInputs(args, { cwd, warn: (message) => warnings.push(message) });
const paths = async (args: string[]) => (await read(args)).map((file) => file.path);

beforeEach(() => {
  cwd = mkdtempSync(join(tmpdir(), 'file-inputs-'));
  warnings = [];
});
afterEach(() => rmSync(cwd, { recursive: true, force: true }));

describe('readFileInputs', () => {
  it('keeps the arguments in order, sorts what a directory or glob finds, and sends a file once', async () => {
    put('z.md');
    put('src/b.ts');
    put('src/a.ts');
    put('src/c.js');
    expect(await paths(['z.md', 'src/*.ts', 'src', './z.md', join(cwd, 'src/a.ts')])).toEqual(['z.md', 'src/a.ts', 'src/b.ts', 'src/c.js']);
  });

  it('skips binary files with one warning each: by name, by NUL bytes, by invalid UTF-8', async () => {
    put('logo.png', 'not really a png\n');
    put('blob', Buffer.from([0x61, 0x00, 0x62]));
    put('latin1.txt', Buffer.from([0x63, 0x61, 0x66, 0xe9, 0x0a]));
    put('ok.txt', 'café\n');
    expect(await paths(['.'])).toEqual(['ok.txt']);
    expect(warnings).toEqual([
      'skipped blob: not text (it holds NUL bytes)',
      'skipped latin1.txt: not text (it is not UTF-8 text)',
      'skipped logo.png: not text (a png file)',
    ]);
  });

  it('a path that is neither there nor a glob, and a glob that matches nothing, are usage errors naming them', async () => {
    await expect(read(['missing.txt'])).rejects.toMatchObject({ kind: 'usage', message: '-f missing.txt: no such file or directory' });
    await expect(read(['src/**/*.nothing'])).rejects.toMatchObject({ kind: 'usage', message: '-f src/**/*.nothing: no files match' });
    put('.gitignore', 'gen/\n');
    put('gen/x.ts');
    await expect(read(['gen/*.ts'])).rejects.toMatchObject({ message: '-f gen/*.ts: no files match (1 did, but .gitignore excludes them)' });
  });

  it('a file name with glob characters that exists is that file', async () => {
    put('a[1].ts', 'one\n');
    put('a1.ts', 'other\n');
    expect(await paths(['a[1].ts'])).toEqual(['a[1].ts']);
  });

  it('a file over the per-file cap: an error when named, a warning when a directory holds it', async () => {
    put('dir/big.json', Buffer.alloc(MAX_FILE_BYTES + 1, 'a'));
    put('dir/small.ts');
    await expect(read(['dir/big.json'])).rejects.toMatchObject({ kind: 'usage', message: '-f dir/big.json: 1,048,577 bytes, over the 1 MB a file may be' });
    expect(await paths(['dir'])).toEqual(['dir/small.ts']);
    expect(warnings).toEqual(['skipped dir/big.json: 1,048,577 bytes, over the 1 MB a file may be for -f']);
  });

  it('over the total cap: refused, naming the total, the limit and the largest files', async () => {
    const part = 900 * 1024;
    for (let i = 0; i < 5; i++) put(`data/part${i}.txt`, Buffer.alloc(part + i * 1024, 'a'));
    put('data/tiny.txt');
    const error = (await read(['data']).catch((caught: unknown) => caught)) as Error;
    expect(error).toMatchObject({ kind: 'usage' });
    expect(error.message).toBe(
      `the files come to 4.4 MB, over the ${formatSize(MAX_TOTAL_BYTES)} limit for -f; the largest: data/part4.txt (904 KB), data/part3.txt (903 KB), data/part2.txt (902 KB)`,
    );
  });

  it('refuses a FIFO named by mistake instead of waiting for a writer', async () => {
    execFileSync('mkfifo', [join(cwd, 'pipe')]);
    await expect(read(['pipe'])).rejects.toMatchObject({ kind: 'usage', message: '-f pipe: not a file or a directory' });
  });

  it('shows a path outside the working directory as absolute', async () => {
    const elsewhere = mkdtempSync(join(tmpdir(), 'file-inputs-elsewhere-'));
    try {
      writeFileSync(join(elsewhere, 'x.txt'), 'x\n');
      expect(await paths([join(elsewhere, 'x.txt')])).toEqual([join(elsewhere, 'x.txt')]);
    } finally {
      rmSync(elsewhere, { recursive: true, force: true });
    }
  });

  it('the preamble is each file fenced under its path, one after the other', async () => {
    put('a.ts', 'let a;\n');
    put('b.py', 'b = 1\n');
    expect(filesPreamble(await read(['a.ts', 'b.py']))).toBe('## a.ts\n\n```typescript\nlet a;\n```\n\n## b.py\n\n```python\nb = 1\n```\n');
  });
});
