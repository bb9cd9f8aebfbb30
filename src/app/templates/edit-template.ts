// `templates edit NAME`: the template that applies opened in the user's editor; a new one is
// made in the user's folder from a commented skeleton first. Checked when the editor closes,
// so that a mistake is reported now rather than at the next chat.
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { openInEditor } from '../inputs/editor.js';
import type { Runtime } from '../runtime.js';
import { checkTemplateName, findTemplate, readTemplateFile, type TemplateFile, userTemplateDir } from './template-files.js';

/** A template's folder may hold prompts that are nobody else's business: the user's alone. */
const DIR_MODE = 0o700;
const FILE_MODE = 0o600;

export function templateSkeleton(name: string): string {
  return `# devsynth-or template "${name}": devsynth-or chat --template ${name} -p focus=security "input"
# Every key is optional: remove the "# " before the ones you want. {{input}} is the prompt
# typed and piped stdin; {{name}} is -p name=value (a missing one is an error).
# description: what this template is for
# system: You are a careful reviewer.
# prompt: |
#   Review this with a focus on {{focus}}:
#
#   {{input}}
# model: openai/gpt-4o-mini          # a model id, or an alias from the config
# temperature: 0.2                   # 0 to 2
# max_tokens: 2048
# attach: [diagram.png]              # files (relative to this one) or URLs, added to -a
# schema: "title, score int"         # as --schema takes it: a file, JSON, or the concise form
# defaults: { focus: correctness }   # values for the variables -p leaves out
`;
}

/** Edits (or creates, then edits) the template `name`; returns its file and whether it is new. */
export async function editTemplate(runtime: Runtime, name: string): Promise<TemplateFile & { created: boolean }> {
  checkTemplateName(name);
  const existing = findTemplate(runtime.io, name);
  let file: TemplateFile & { created: boolean };
  if (existing) {
    file = { ...existing, created: false };
  } else {
    const dir = userTemplateDir(runtime.io.env);
    mkdirSync(dir, { recursive: true, mode: DIR_MODE });
    const path = join(dir, `${name}.yml`);
    // wx: never over a file that appeared meanwhile (or a link planted in its place).
    writeFileSync(path, templateSkeleton(name), { mode: FILE_MODE, flag: 'wx' });
    file = { name, path, scope: 'user', created: true };
  }
  await openInEditor(runtime.io.env, file.path);
  readTemplateFile(file.path);
  return file;
}
