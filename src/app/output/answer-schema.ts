// A JSON Schema (draft 2020-12) compiled with ajv, and an answer checked against it. ajv is
// loaded on first use: only --schema runs pay for it.
import type { ErrorObject, ValidateFunction } from 'ajv';
import { AnswerContractError, UsageError } from '../../core/index.js';

/** Validation errors listed on stderr; the rest are counted. */
const MAX_LISTED_ERRORS = 5;

export type AnswerCheck = (text: string) => unknown;

/** Compiles the schema (exit 2 when it is not a valid schema) into a check of answer texts. */
export async function compileAnswerSchema(schema: Record<string, unknown>): Promise<AnswerCheck> {
  const Ajv2020 = defaultExport<typeof import('ajv/dist/2020.js').default>(await import('ajv/dist/2020.js'));
  const addFormats = defaultExport<typeof import('ajv-formats').default>(await import('ajv-formats'));
  // strict: false: schemas written for other tools carry keywords ajv does not know (examples, x-*).
  const ajv = new Ajv2020({ strict: false, allErrors: true });
  addFormats(ajv);
  let validate: ValidateFunction;
  try {
    validate = ajv.compile(schema);
  } catch (error) {
    throw new UsageError(`--schema: not a valid JSON Schema (${(error as Error).message})`);
  }
  return (text) => checkAnswer(text, validate);
}

/** A CommonJS module's export seen through ESM interop: the class may sit on `.default` twice. */
function defaultExport<T>(module: unknown): T {
  const outer = (module as { default?: unknown }).default ?? module;
  return ((outer as { default?: unknown }).default ?? outer) as T;
}

/** The answer's value, or AnswerContractError (exit 10) carrying the raw text. */
export function checkAnswer(text: string, validate: ValidateFunction): unknown {
  let value: unknown;
  try {
    value = JSON.parse(stripFence(text));
  } catch (error) {
    throw new AnswerContractError(`the answer is not valid JSON (${(error as Error).message})`, { partialContent: text });
  }
  if (validate(value)) return value;
  const described = describeErrors(validate.errors ?? []);
  // The same lines in --json's error (`issues`), without the indentation stderr gives them.
  throw new AnswerContractError(`the answer does not match --schema:\n${described}`, { partialContent: text, issues: described.split('\n').map((line) => line.trim()) });
}

/**
 * A model asked for json_object (no structured outputs) sometimes wraps the JSON in a ```json
 * fence anyway; the fence alone is taken off, never any other text.
 */
function stripFence(text: string): string {
  const match = /^\s*(`{3,}|~{3,})[^\n]*\n([\s\S]*?)\n\s*\1\s*$/.exec(text);
  return match ? (match[2] as string) : text;
}

/** "  /age: must be integer", a few lines. */
export function describeErrors(errors: readonly ErrorObject[]): string {
  const lines = errors.slice(0, MAX_LISTED_ERRORS).map((error) => {
    const extra = error.keyword === 'additionalProperties' ? ` (${String(error.params.additionalProperty)})` : '';
    return `  ${error.instancePath || '/'}: ${error.message ?? error.keyword}${extra}`;
  });
  if (errors.length > MAX_LISTED_ERRORS) lines.push(`  … and ${errors.length - MAX_LISTED_ERRORS} more`);
  return lines.join('\n');
}
