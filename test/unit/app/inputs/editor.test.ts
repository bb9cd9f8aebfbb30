// openInEditor and editPrompt with scripted editors (small sh scripts): the editor chosen as git
// chooses it, its failures as usage errors, the private temp file seeded, read back and removed,
// an empty result cancelling.
import { chmodSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from '@jest/globals';
import { editPrompt } from '../../../../src/app/inputs/edit-prompt.js';
import { editorCommand, openInEditor } from '../../../../src/app/inputs/editor.js';
import type { CliIO } from '../../../../src/app/runtime.js';

let dir: string;
/** An editor script: `body` runs with the file as "$1". */
const script = (name: string, body: string) => {
  const path = join(dir, name);
  writeFileSync(path, `#!/bin/sh\n${body}\n`);
  chmodSync(path, 0o755);
  return path;
};
/** An io whose stdin and stdout are "terminals": the editor inherits them (no /dev/tty needed). */
const io = (env: Record<string, string>): CliIO => ({
  stdin: Object.assign((async function* () {})(), { isTTY: true }),
  stdout: { write: () => true, isTTY: true },
  stderr: { write: () => true },
  env: { PATH: process.env.PATH ?? '', ...env },
  cwd: dir,
});

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'editor-test-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

describe('editorCommand', () => {
  it('is $VISUAL, else $EDITOR, else vi', () => {
    expect(editorCommand({ VISUAL: 'code --wait', EDITOR: 'nano' })).toBe('code --wait');
    expect(editorCommand({ VISUAL: ' ', EDITOR: 'nano' })).toBe('nano');
    expect(editorCommand({})).toBe('vi');
  });
});

describe('openInEditor', () => {
  it('runs an editor given with arguments through the shell, the file as one argument', async () => {
    const editor = script('ed.sh', 'printf "%s|%s" "$1" "$2" > "$2"');
    const file = join(dir, 'a file with spaces.md');
    writeFileSync(file, '');
    await openInEditor({ PATH: process.env.PATH ?? '', EDITOR: `${editor} --flag` }, file, 'ignore');
    expect(readFileSync(file, 'utf8')).toBe(`--flag|${file}`);
  });

  it('an editor that exits non-zero, or is not found, is a usage error saying nothing was sent', async () => {
    const failing = script('fail.sh', 'exit 1');
    const file = join(dir, 'p.md');
    writeFileSync(file, '');
    await expect(openInEditor({ EDITOR: failing }, file, 'ignore')).rejects.toMatchObject({
      kind: 'usage',
      message: `the editor (${failing}) exited with 1; nothing was sent`,
    });
    await expect(openInEditor({ PATH: '/nonexistent', EDITOR: 'no-such-editor' }, file, 'ignore')).rejects.toMatchObject({
      kind: 'usage',
      message: 'the editor (no-such-editor) was not found (the shell said 127); nothing was sent',
    });
  });
});

describe('editPrompt', () => {
  it('seeds a 0600 file in a 0700 directory with the words, returns what was written, removes both', async () => {
    const record = join(dir, 'record');
    const editor = script(
      'write.sh',
      `{ cat "$1"; stat -c %a "$1"; stat -c %a "$(dirname "$1")"; echo "$1"; } > ${record}\nprintf 'the edited prompt\\n\\n\\n' > "$1"`,
    );
    await expect(editPrompt(io({ EDITOR: editor }), 'seed words')).resolves.toBe('the edited prompt');
    const [seed, fileMode, dirMode, file] = readFileSync(record, 'utf8').split('\n');
    expect([seed, fileMode, dirMode]).toEqual(['seed words', '600', '700']);
    expect(existsSync(file!)).toBe(false);
    expect(existsSync(join(file!, '..'))).toBe(false);
  });

  it('an empty (whitespace-only) result cancels with a usage error, and the temp directory goes', async () => {
    const record = join(dir, 'record');
    const editor = script('blank.sh', `echo "$1" > ${record}\nprintf '  \\n\\t\\n' > "$1"`);
    await expect(editPrompt(io({ EDITOR: editor }), 'seed')).rejects.toMatchObject({
      kind: 'usage',
      message: 'the editor left the prompt empty; nothing was sent',
    });
    expect(existsSync(join(readFileSync(record, 'utf8').trim(), '..'))).toBe(false);
  });

  it('a failing editor: the usage error, and the temp directory goes too', async () => {
    const record = join(dir, 'record');
    const editor = script('fail.sh', `echo "$1" > ${record}\nexit 1`);
    await expect(editPrompt(io({ VISUAL: editor }), '')).rejects.toMatchObject({ kind: 'usage' });
    expect(existsSync(join(readFileSync(record, 'utf8').trim(), '..'))).toBe(false);
  });
});
