// applyTemplate as runChat uses it, on real files: the template's attachments (next to the
// template file) after -a's, its schema in the form --schema takes, defaults for -p, flags
// winning, and stdin read once into the prompt.
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from '@jest/globals';
import { applyTemplate } from '../../../../src/app/templates/apply-template.js';
import { Runtime } from '../../../../src/app/runtime.js';
import { chatOptionsSchema } from '../../../../src/cli/commands/chat-options.js';
import { UsageError } from '../../../../src/core/index.js';

let home: string;
let dir: string;
let stderr: string;

beforeEach(() => {
  home = mkdtempSync(join(tmpdir(), 'devsynth-templates-'));
  dir = join(home, 'project', '.devsynth', 'templates');
  mkdirSync(dir, { recursive: true });
  stderr = '';
});
afterEach(() => rmSync(home, { recursive: true, force: true }));

function runtime(stdin?: string): Runtime {
  const input = stdin === undefined ? Object.assign((async function* () {})(), { isTTY: true }) : (async function* () { yield Buffer.from(stdin); })();
  return new Runtime(
    {
      stdin: input,
      stdout: { write: () => true },
      stderr: { write: (text: string) => (stderr += text) },
      env: { HOME: home, XDG_CONFIG_HOME: join(home, '.config'), DEVSYNTH_HOME: join(home, 'state') },
      cwd: join(home, 'project'),
    },
    {},
  );
}

const options = (flags: Record<string, unknown>) => chatOptionsSchema.parse({ words: [], ...flags });

describe('applyTemplate', () => {
  it("appends the template's attachments to -a's, relative paths beside the template file, URLs as they are", async () => {
    writeFileSync(join(dir, 'look.yml'), 'attach: [diagram.png, sub/photo.jpg, /abs/x.pdf, "https://img.invalid/a.png"]\n');
    const applied = await applyTemplate(runtime(), options({ template: 'look', attach: ['mine.png'], words: ['what', 'is', 'this'] }));
    expect(applied.attach).toEqual(['mine.png', join(dir, 'diagram.png'), join(dir, 'sub/photo.jpg'), '/abs/x.pdf', 'https://img.invalid/a.png']);
    // No prompt in the template: the words are left for the chat to read as usual.
    expect(applied.words).toEqual(['what', 'is', 'this']);
  });

  it('gives the schema as --schema takes it: an object as JSON, a file beside the template as its path, other text as it is', async () => {
    writeFileSync(join(dir, 'obj.yml'), 'schema:\n  type: object\n  properties: { name: { type: string } }\n');
    writeFileSync(join(dir, 'person.schema.json'), '{}');
    writeFileSync(join(dir, 'file.yml'), 'schema: person.schema.json\n');
    writeFileSync(join(dir, 'concise.yml'), 'schema: "name, age int"\n');
    expect((await applyTemplate(runtime(), options({ template: 'obj' }))).schema).toBe('{"type":"object","properties":{"name":{"type":"string"}}}');
    expect((await applyTemplate(runtime(), options({ template: 'file' }))).schema).toBe(join(dir, 'person.schema.json'));
    expect((await applyTemplate(runtime(), options({ template: 'concise' }))).schema).toBe('name, age int');
    // A --schema flag wins.
    expect((await applyTemplate(runtime(), options({ template: 'concise', schema: 'title' }))).schema).toBe('title');
  });

  it('fills variables from defaults unless -p gives them; warns about a -p the template does not use', async () => {
    writeFileSync(join(dir, 'tr.yml'), 'system: "Translate into {{lang}}, {{tone}}."\ndefaults: { lang: French, tone: formal }\n');
    const applied = await applyTemplate(runtime(), options({ template: 'tr', param: ['tone=casual', 'extra=1'] }));
    expect(applied.system).toBe('Translate into French, casual.');
    expect(stderr).toContain('template "tr" has no {{extra}}: -p extra not used');
  });

  it('reads stdin once into {{input}}; a prompt around an empty input makes no message', async () => {
    writeFileSync(join(dir, 'sum.yml'), 'prompt: "Summarise {{input}}"\n');
    const rt = runtime('piped text\n');
    expect((await applyTemplate(rt, options({ template: 'sum', words: ['this:'] }))).words).toEqual(['Summarise this:\n\npiped text']);
    expect((await applyTemplate(runtime(), options({ template: 'sum' }))).words).toEqual([]);
  });

  it('-p without --template is a usage error; without either, the options are untouched', async () => {
    await expect(applyTemplate(runtime(), options({ param: ['a=b'] }))).rejects.toThrow(UsageError);
    const plain = options({ words: ['hi'], model: 'm/x' });
    expect(await applyTemplate(runtime(), plain)).toBe(plain);
  });
});
