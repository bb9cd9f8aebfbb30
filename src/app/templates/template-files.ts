// Where templates live and how one is read. Project templates (.devsynth/templates/ in the
// working directory or any folder above it, nearest first) win over the user's
// ($XDG_CONFIG_HOME/devsynth/templates/), as a project's config file wins over the user's.
// Files are read as config files are: capped, tags and alias bombs refused, schema checked
// with each problem at its file:line.
import { existsSync, readdirSync, statSync } from 'node:fs';
import { homedir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { ConfigError, UsageError } from '../../core/index.js';
import { describeIssue } from '../../config/format-config-issues.js';
import { readConfigFile } from '../../config/read-config-file.js';
import { lineOf, parseYamlFile } from '../../config/yaml-file.js';
import { type TemplateData, templateSchema, TEMPLATE_NAME, TEMPLATE_NAME_RULE } from './template-schema.js';

/** A template is a prompt and a few settings: a few kilobytes; a megabyte is not one. */
export const MAX_TEMPLATE_BYTES = 256 * 1024;
const EXTENSIONS = ['.yml', '.yaml'] as const;
const TEMPLATE_FILE = /^([\w.-]+)\.ya?ml$/;

export interface TemplateDir {
  path: string;
  scope: 'project' | 'user';
}

export interface TemplateFile {
  name: string;
  path: string;
  scope: TemplateDir['scope'];
}

export interface Template extends TemplateFile {
  data: TemplateData;
}

interface Where {
  cwd: string;
  env: Record<string, string | undefined>;
}

/** The user's template folder: $XDG_CONFIG_HOME/devsynth/templates (beside config.yml). */
export function userTemplateDir(env: Record<string, string | undefined>): string {
  return join(env.XDG_CONFIG_HOME || join(env.HOME || homedir(), '.config'), 'devsynth', 'templates');
}

/** The folders searched, in precedence order: each project folder from the nearest up, then the user's. */
export function templateDirs({ cwd, env }: Where): TemplateDir[] {
  const dirs: TemplateDir[] = [];
  const user = resolve(userTemplateDir(env));
  for (let dir = resolve(cwd); ; dir = dirname(dir)) {
    const candidate = join(dir, '.devsynth', 'templates');
    if (candidate !== user && isDirectory(candidate)) dirs.push({ path: candidate, scope: 'project' });
    if (dirname(dir) === dir) break;
  }
  return [...dirs, { path: user, scope: 'user' }];
}

function isDirectory(path: string): boolean {
  try {
    return statSync(path).isDirectory();
  } catch {
    return false;
  }
}

/** Every template that applies, one per name (the first folder's wins), sorted by name. */
export function listTemplates(where: Where): TemplateFile[] {
  const found = new Map<string, TemplateFile>();
  for (const dir of templateDirs(where)) {
    let entries: string[];
    try {
      entries = readdirSync(dir.path).sort();
    } catch {
      continue;
    }
    for (const entry of entries) {
      const name = TEMPLATE_FILE.exec(entry)?.[1];
      // NAME.yml before NAME.yaml in one folder (sorted), a nearer folder before a farther one.
      if (name && !found.has(name) && !isDirectory(join(dir.path, entry))) found.set(name, { name, path: join(dir.path, entry), scope: dir.scope });
    }
  }
  return [...found.values()].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
}

export function checkTemplateName(name: string): string {
  if (!TEMPLATE_NAME.test(name)) throw new UsageError(`"${name}" is not a template name: ${TEMPLATE_NAME_RULE}`, { hint: 'a template is named by its file, without folder or .yml' });
  return name;
}

/** The file of the template `name`, or undefined. */
export function findTemplate(where: Where, name: string): TemplateFile | undefined {
  checkTemplateName(name);
  for (const dir of templateDirs(where)) {
    for (const extension of EXTENSIONS) {
      const path = join(dir.path, `${name}${extension}`);
      if (existsSync(path) && !isDirectory(path)) return { name, path, scope: dir.scope };
    }
  }
  return undefined;
}

/** The file of the template `name`; none: a usage error listing the ones there are. */
export function requireTemplate(where: Where, name: string): TemplateFile {
  const file = findTemplate(where, name);
  if (file) return file;
  const known = listTemplates(where).map((template) => template.name);
  throw new UsageError(`unknown template "${name}"${known.length ? `; the templates are: ${known.join(', ')}` : ''}`, {
    hint: known.length ? 'devsynth-or templates list shows where each one is' : `create one with devsynth-or templates edit ${name}`,
  });
}

/** The template `name`, read and checked. */
export function loadTemplate(where: Where, name: string): Template {
  const file = requireTemplate(where, name);
  return { ...file, data: readTemplateFile(file.path) };
}

/** A template file's settings; a file that is not one is a ConfigError (exit 3) naming file:line. */
export function readTemplateFile(path: string): TemplateData {
  const yaml = parseYamlFile(path, readConfigFile(path, MAX_TEMPLATE_BYTES));
  const data = yaml.data;
  if (data === null || typeof data !== 'object' || Array.isArray(data)) {
    throw new ConfigError(`${path}:1: a template must be a mapping (system:, prompt:, model: …), not a ${Array.isArray(data) ? 'list' : typeof data}`);
  }
  const parsed = templateSchema.safeParse(data);
  if (parsed.success) return parsed.data;
  const locate = (keyPath: ReadonlyArray<string | number>) => `${path}:${lineOf(yaml, keyPath) ?? 1}`;
  const lines = parsed.error.issues.flatMap((issue) => describeIssue(issue, data, locate, 'a template has description, system, prompt, model, temperature, max_tokens, attach, schema and defaults'));
  throw new ConfigError(`invalid template (${lines.length === 1 ? '1 problem' : `${lines.length} problems`}):\n  ${lines.slice(0, 5).join('\n  ')}`, {
    hint: 'the template format is in README.md (Templates); devsynth-or templates edit NAME opens a commented skeleton',
  });
}
