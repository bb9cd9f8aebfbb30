// Tool-call arguments: parsed as JSON and checked against the tool's `parameters` (JSON Schema
// draft 2020-12, with ajv). The schemas are compiled at most once per request, before it is
// sent, so a schema ajv cannot compile is the caller's mistake (exit 2) and costs no round trip.
// ajv is loaded only when a request carries tools: the plain chat path never pays for it. One
// ajv instance serves the process: its first compile also compiles the draft's meta-schema
// (a few hundred ms on a busy machine), which a tool loop must not pay at every step.
import type { ValidateFunction } from 'ajv';
import { AnswerContractError, OpenRouterValidationError } from '../errors.js';
import type { ToolCall, ToolDefinition } from '../types.js';

/** Turns a finished call's raw arguments into a ToolCall, or throws AnswerContractError. */
export interface ToolArgumentChecker {
  check(call: { id: string; name: string; rawArguments: string }): ToolCall;
}

/** For a request without tools (or a call to a tool it did not define): JSON, no schema. */
export const PARSE_ONLY: ToolArgumentChecker = { check: (call) => checkCall(call, undefined) };

/** At most this many schema issues are kept: a wrong object can fail every keyword at once. */
const MAX_ISSUES = 10;

type AjvInstance = { compile(schema: object): ValidateFunction; removeSchema(schema: object): unknown };
type AjvConstructor = new (options: Record<string, unknown>) => AjvInstance;
type AddFormats = (ajv: AjvInstance) => unknown;

/** CommonJS default exports seen through ESM interop: the export may sit on `.default`. */
const unwrap = <T>(module: unknown): T => ((module as { default?: T }).default ?? module) as T;

/** Compiled schemas by their JSON text, the oldest dropped past the cap (a long-lived process). */
const compiled = new Map<string, ValidateFunction>();
const MAX_COMPILED = 100;
let shared: Promise<AjvInstance> | undefined;

async function newAjv(): Promise<AjvInstance> {
  const [ajvModule, formatsModule] = await Promise.all([import('ajv/dist/2020.js'), import('ajv-formats')]);
  const Ajv = unwrap<AjvConstructor>(unwrap(ajvModule));
  const addFormats = unwrap<AddFormats>(unwrap(formatsModule));
  // strict: false: tool schemas in the wild carry keywords ajv does not know (examples, titles
  // of generators); the model is shown them anyway, and they constrain nothing.
  const ajv = new Ajv({ strict: false, allErrors: true });
  addFormats(ajv);
  return ajv;
}

/** Compiles the `parameters` of every tool of a request; none: no ajv at all. */
export async function compileToolArguments(tools: readonly ToolDefinition[] | undefined): Promise<ToolArgumentChecker> {
  const validators = new Map<string, ValidateFunction>();
  const withSchemas = (tools ?? []).filter((tool) => tool.function.parameters !== undefined);
  if (withSchemas.length > 0) {
    shared ??= newAjv();
    const ajv = await shared;
    for (const tool of withSchemas) validators.set(tool.function.name, compileOnce(ajv, tool));
  }
  return { check: (call) => checkCall(call, validators.get(call.name)) };
}

function compileOnce(ajv: AjvInstance, tool: ToolDefinition): ValidateFunction {
  // Every schema is read as draft 2020-12; a `$schema` naming another draft (draft-07 is what
  // most generators write) would make ajv refuse to compile it at all.
  const { $schema: _draft, ...schema } = tool.function.parameters as Record<string, unknown>;
  const key = JSON.stringify(schema);
  const known = compiled.get(key);
  if (known) return known;
  let validate: ValidateFunction;
  try {
    validate = ajv.compile(schema);
  } catch (error) {
    throw new OpenRouterValidationError(
      `the parameters of tool "${tool.function.name}" are not a valid JSON Schema: ${(error as Error).message}`,
    );
  } finally {
    // ajv keeps every schema it compiled (and refuses a second one with the same $id): our own
    // cache holds what is worth keeping, so the instance does not grow.
    ajv.removeSchema(schema);
  }
  if (compiled.size >= MAX_COMPILED) compiled.delete(compiled.keys().next().value as string);
  compiled.set(key, validate);
  return validate;
}

function checkCall(call: { id: string; name: string; rawArguments: string }, validate: ValidateFunction | undefined): ToolCall {
  const what = `the arguments of tool call "${call.name}" (${call.id})`;
  let parsed: unknown;
  // Some providers send "" for a function without parameters: that is no arguments, not bad JSON.
  if (call.rawArguments.trim() === '') parsed = {};
  else {
    try {
      parsed = JSON.parse(call.rawArguments);
    } catch (error) {
      throw new AnswerContractError(`${what} are not valid JSON`, {
        issues: [(error as Error).message],
        hint: 'the model sent malformed arguments; try again or choose another model',
      });
    }
  }
  if (validate && !validate(parsed)) {
    const issues = (validate.errors ?? [])
      .slice(0, MAX_ISSUES)
      .map((error) => `${error.instancePath || '/'} ${error.message ?? 'is invalid'}`);
    throw new AnswerContractError(`${what} do not match its parameters schema: ${issues[0] ?? 'invalid'}`, {
      issues,
      hint: 'the model did not follow the tool schema; try again or choose another model',
    });
  }
  return { id: call.id, name: call.name, arguments: parsed, rawArguments: call.rawArguments };
}
