// A template's text with its variables filled in: `{{input}}` (the user's prompt and stdin) and
// `{{name}}` (-p name=value). One pass: a value that itself holds "{{x}}" (code, a Handlebars
// file on stdin) is inserted as it is, never expanded again.
import { UsageError } from '../../core/index.js';

const VARIABLE = /\{\{\s*([A-Za-z_][\w-]*)\s*\}\}/g;
const PARAM = /^([A-Za-z_][\w-]*)=([\s\S]*)$/;
export const PARAM_RULE = '-p takes name=value (a name of letters, digits, "_" and "-")';

/** `-p` values by name; a malformed one is a usage error. The last of a repeated name wins. */
export function parseParams(given: readonly string[]): Map<string, string> {
  const params = new Map<string, string>();
  for (const param of given) {
    const match = PARAM.exec(param);
    if (!match) throw new UsageError(`--param "${param}": ${PARAM_RULE}`, { hint: 'e.g. -p lang=French' });
    params.set(match[1] as string, match[2] as string);
  }
  return params;
}

/** The variables a text uses, in order of first use. */
export function variablesOf(text: string): string[] {
  return [...new Set([...text.matchAll(VARIABLE)].map((match) => match[1] as string))];
}

/** The text with each variable replaced; `values` must hold every one (see missingVariables). */
export function fillVariables(text: string, values: ReadonlyMap<string, string>): string {
  return text.replace(VARIABLE, (whole, name: string) => values.get(name) ?? whole);
}

/** The variables of `texts` that `values` lacks. */
export function missingVariables(texts: ReadonlyArray<string | undefined>, values: ReadonlyMap<string, string>): string[] {
  return [...new Set(texts.flatMap((text) => (text ? variablesOf(text) : [])))].filter((name) => !values.has(name));
}

/**
 * The user message a template's prompt makes of the input: the prompt filled in; when it has no
 * {{input}}, the input follows after a blank line (as llm does), so that nothing typed is lost.
 */
export function renderPrompt(prompt: string, input: string, values: ReadonlyMap<string, string>): string {
  const filled = fillVariables(prompt, new Map([...values, ['input', input]])).trimEnd();
  return variablesOf(prompt).includes('input') || !input ? filled : `${filled}\n\n${input}`;
}
