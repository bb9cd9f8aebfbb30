// walkFiles and GitignoreRules on real directories: .gitignore at every level (a deeper rule
// wins, nothing comes back from under an excluded directory), .git/ and hidden entries left
// out, symbolic links never followed (a loop ends, nothing outside is reached), a stable order.
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, relative } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from '@jest/globals';
import { GitignoreRules, repositoryRoot } from '../../../../src/app/inputs/gitignore-rules.js';
import { walkFiles } from '../../../../src/app/inputs/walk-files.js';

let root: string;
const put = (path: string, text = 'x\n') => {
  mkdirSync(dirname(join(root, path)), { recursive: true });
  writeFileSync(join(root, path), text);
};
const walk = async (dir = root, max = 1000) => (await walkFiles(dir, new GitignoreRules(root), max)).map((file) => relative(root, file));

beforeEach(() => {
  root = mkdtempSync(join(tmpdir(), 'walk-files-'));
});
afterEach(() => rmSync(root, { recursive: true, force: true }));

describe('walkFiles', () => {
  it('obeys .gitignore at every level: a deeper rule wins, an excluded directory is not entered', async () => {
    put('.gitignore', '*.log\nbuild/\n/top-only.txt\n');
    put('a.ts');
    put('debug.log');
    put('top-only.txt');
    put('build/out.js');
    put('src/top-only.txt');
    put('src/.gitignore', '!keep.log\ngenerated/\n');
    put('src/keep.log');
    put('src/other.log');
    put('src/generated/g.ts');
    put('src/deep/.gitignore', '*.tmp\n');
    put('src/deep/x.tmp');
    put('src/deep/y.ts');
    put('notes.tmp');
    expect(await walk()).toEqual(['a.ts', 'notes.tmp', 'src/deep/y.ts', 'src/keep.log', 'src/top-only.txt']);
  });

  it('never enters .git/, and leaves hidden entries out', async () => {
    put('.git/config');
    put('.git/objects/ab/cdef');
    put('.env', 'SECRET=1\n');
    put('.github/workflows/ci.yml');
    put('visible.md');
    expect(await walk()).toEqual(['visible.md']);
  });

  it('does not follow symbolic links: a loop ends, a link outside the tree is not read', async () => {
    const outside = mkdtempSync(join(tmpdir(), 'walk-outside-'));
    try {
      writeFileSync(join(outside, 'secret.txt'), 'secret\n');
      put('dir/file.ts');
      symlinkSync(root, join(root, 'dir', 'loop'));
      symlinkSync(outside, join(root, 'out'));
      symlinkSync(join(outside, 'secret.txt'), join(root, 'secret-link.txt'));
      expect(await walk()).toEqual(['dir/file.ts']);
    } finally {
      rmSync(outside, { recursive: true, force: true });
    }
  });

  it('lists each directory sorted by code point, depth first', async () => {
    for (const name of ['b.ts', 'a/z.ts', 'a.ts', 'B.ts', 'a/b/c.ts']) put(name);
    expect(await walk()).toEqual(['B.ts', 'a/b/c.ts', 'a/z.ts', 'a.ts', 'b.ts']);
  });

  it('stops once it has found more than the most it may', async () => {
    for (let i = 0; i < 30; i++) put(`f${String(i).padStart(2, '0')}.txt`);
    expect(await walk(root, 5)).toHaveLength(6);
  });
});

describe('GitignoreRules', () => {
  it("a file below an excluded directory stays excluded, whatever a deeper rule says (git's rule)", () => {
    put('.gitignore', 'vendor/\n');
    put('vendor/.gitignore', '!*.ts\n');
    put('vendor/lib.ts');
    const rules = new GitignoreRules(root);
    expect(rules.ignoresWithParents(join(root, 'vendor', 'lib.ts'), false)).toBe(true);
    expect(rules.ignores(join(root, 'vendor', 'lib.ts'), false)).toBe(false);
  });

  it('finds the repository root above a directory, and none where there is none', () => {
    put('.git/HEAD');
    put('src/a/b.ts');
    expect(repositoryRoot(join(root, 'src', 'a'))).toBe(root);
    const bare = mkdtempSync(join(tmpdir(), 'walk-bare-'));
    try {
      // A temp directory is in no repository (unless the machine's / is one: then this says so).
      expect(repositoryRoot(bare)).toBe(repositoryRoot('/'));
    } finally {
      rmSync(bare, { recursive: true, force: true });
    }
  });
});
