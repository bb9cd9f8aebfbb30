// The REPL's history file: kept as a shell keeps one (no blank lines, no repeat of the line
// before, the newest 1000), 0600, never through a link, and untrusted when read.
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from '@jest/globals';
import { createReplHistory, MAX_HISTORY_ENTRIES, MAX_HISTORY_ENTRY_CHARS } from '../../../src/state/repl-history.js';

const dirs: string[] = [];
const tempDir = () => {
  const dir = mkdtempSync(join(tmpdir(), 'devsynth-history-'));
  dirs.push(dir);
  return dir;
};
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

describe('REPL history file', () => {
  it('adds lines in order, skips blanks and a repeat of the previous line, and writes 0600', async () => {
    const dir = tempDir();
    const history = createReplHistory(dir);
    for (const line of ['one', 'two', 'two', '   ', 'one', 'multi\nline']) await history.add(line);
    expect(createReplHistory(dir).read()).toEqual(['one', 'two', 'one', 'multi\nline']);
    expect(statSync(history.path).mode & 0o777).toBe(0o600);
  });

  it(`keeps the newest ${MAX_HISTORY_ENTRIES} lines, and leaves a very long line out of the file`, async () => {
    const dir = tempDir();
    const history = createReplHistory(dir);
    writeFileSync(history.path, JSON.stringify({ entries: Array.from({ length: MAX_HISTORY_ENTRIES }, (_, i) => `line ${i}`) }));
    await history.add('newest');
    await history.add('x'.repeat(MAX_HISTORY_ENTRY_CHARS + 1));
    const entries = history.read();
    expect(entries).toHaveLength(MAX_HISTORY_ENTRIES);
    expect(entries[0]).toBe('line 1');
    expect(entries.at(-1)).toBe('newest');
  });

  it('never writes through a link planted at its name', async () => {
    const dir = tempDir();
    const target = join(dir, 'target');
    writeFileSync(target, 'precious');
    symlinkSync(target, join(dir, 'repl-history.json'));
    const warnings: string[] = [];
    const history = createReplHistory(dir, { warn: (message) => warnings.push(message) });
    expect(history.read()).toEqual([]);
    await history.add('typed');
    expect(readFileSync(target, 'utf8')).toBe('precious');
    expect(warnings.join('\n')).toContain('symbolic link');
  });

  it('a file that is not a history is set aside with a warning, not trusted', async () => {
    const dir = tempDir();
    const warnings: string[] = [];
    const history = createReplHistory(dir, { warn: (message) => warnings.push(message) });
    writeFileSync(history.path, JSON.stringify({ entries: ['fine', { evil: true }] }));
    expect(history.read()).toEqual([]);
    expect(warnings.join('\n')).toContain('unexpected content');
    expect(readdirSync(dir).some((name) => name.startsWith('repl-history.json.corrupt-'))).toBe(true);
  });

  it('the API keys in use never reach the file', async () => {
    const dir = tempDir();
    const history = createReplHistory(dir, { secrets: () => ['sk-or-v1-secretvalue1234'] });
    await history.add('my key is sk-or-v1-secretvalue1234');
    expect(readFileSync(history.path, 'utf8')).not.toContain('sk-or-v1-secretvalue1234');
  });
});
