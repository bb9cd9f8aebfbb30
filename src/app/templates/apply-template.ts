// `chat --template NAME -p name=value`: the template's settings applied to the parsed chat
// options (a flag given wins over the template), and its prompt wrapped around the user's
// input. One transform at the start of runChat; what follows sees ordinary options.
import { dirname, isAbsolute, resolve } from 'node:path';
import { existsSync } from 'node:fs';
import { UsageError } from '../../core/index.js';
import type { ChatOptions } from '../../cli/commands/chat-options.js';
import { markStdinSpent, readStdin } from '../read-stdin.js';
import type { Runtime } from '../runtime.js';
import { loadTemplate, type Template } from './template-files.js';
import { missingVariables, parseParams, renderPrompt, variablesOf, fillVariables } from './render-template.js';

const URL_LIKE = /^[a-z][a-z0-9+.-]*:\/\//i;

/** An attachment named by the template: a relative path is the template file's neighbour. */
export function attachmentPath(template: Template, entry: string): string {
  if (entry === '-' || URL_LIKE.test(entry) || entry.startsWith('data:') || isAbsolute(entry)) return entry;
  return resolve(dirname(template.path), entry);
}

/**
 * The schema as --schema takes it: an object as its JSON; a string that names a file next to the
 * template as that file's full path; any other string (inline JSON, the concise form) as it is.
 */
export function schemaArgument(template: Template): string | undefined {
  const schema = template.data.schema;
  if (schema === undefined) return undefined;
  if (typeof schema !== 'string') return JSON.stringify(schema);
  const beside = resolve(dirname(template.path), schema.trim());
  return !schema.trim().startsWith('{') && !isAbsolute(schema.trim()) && existsSync(beside) ? beside : schema;
}

/** The input as a plain chat takes it: the words, then piped stdin after a blank line. */
async function readInput(runtime: Runtime, words: readonly string[]): Promise<string> {
  const typed = words.join(' ').trim();
  const piped = (await readStdin(runtime.io.stdin))?.replace(/\s+$/, '');
  return typed && piped ? `${typed}\n\n${piped}` : typed || piped || '';
}

export async function applyTemplate(runtime: Runtime, options: ChatOptions): Promise<ChatOptions> {
  if (!options.template) {
    if (options.param.length > 0) throw new UsageError("-p/--param fills a template's variables: it needs --template NAME");
    return options;
  }
  const template = loadTemplate(runtime.io, options.template);
  const { data } = template;
  const defaults = Object.entries(data.defaults ?? {}).map(([name, value]): [string, string] => [name, String(value)]);
  const params = parseParams(options.param);
  const values = new Map([...defaults, ...params]);
  // {{input}} is always given (the user's words, perhaps none); every other variable needs a -p.
  const needed = missingVariables([data.system, data.prompt], new Map([...values, ['input', '']]));
  if (needed.length > 0) {
    throw new UsageError(`template "${template.name}" (${template.path}) needs ${needed.map((name) => `-p ${name}=…`).join(' ')}`, {
      hint: `missing variable${needed.length > 1 ? 's' : ''}: ${needed.join(', ')}`,
    });
  }
  const used = new Set(variablesOf(`${data.system ?? ''}\n${data.prompt ?? ''}`));
  const unused = [...params.keys()].filter((name) => !used.has(name));
  if (unused.length > 0) runtime.warn(`template "${template.name}" has no ${unused.map((name) => `{{${name}}}`).join(', ')}: -p ${unused.join(', ')} not used`);

  // With a prompt, the input is read here, so stdin is spent: the words returned below are the
  // whole user message. Without one, the input is left to the chat as it is.
  const input = data.prompt !== undefined ? await readInput(runtime, options.words) : '';
  // Read once (stdin is shared by everyone who asks): the chat must not add it again.
  if (data.prompt !== undefined) markStdinSpent(runtime.io.stdin);
  const withInput = new Map([...values, ['input', input]]);
  const schema = options.schema ?? schemaArgument(template);
  const system = options.system ?? (data.system !== undefined ? fillVariables(data.system, withInput) : undefined);
  const applied: ChatOptions = {
    ...options,
    ...(system !== undefined ? { system } : {}),
    ...(options.model === undefined && data.model !== undefined ? { model: data.model } : {}),
    ...(options.temperature === undefined && data.temperature !== undefined ? { temperature: data.temperature } : {}),
    ...(options.maxTokens === undefined && data.max_tokens !== undefined ? { maxTokens: data.max_tokens } : {}),
    ...(schema !== undefined ? { schema } : {}),
    attach: [...options.attach, ...(data.attach ?? []).map((entry) => attachmentPath(template, entry))],
  };
  if (data.prompt === undefined) return applied;
  // A prompt around {{input}} with nothing to put there makes no message: the REPL at a
  // terminal, else the chat's usual "empty prompt".
  if (!input && variablesOf(data.prompt).includes('input')) return { ...applied, words: [] };
  return { ...applied, words: [renderPrompt(data.prompt, input, values)] };
}
