// Checks of a request's tools, tool choice and tool-call messages, made before anything is sent
// (exit 2): a malformed tool costs a clear message here instead of a 400 from the provider.
import { OpenRouterValidationError } from '../errors.js';
import type { ChatMessage, ChatRequest } from '../types.js';

/** What OpenRouter and OpenAI accept as a function name. */
const FUNCTION_NAME = /^[a-zA-Z0-9_-]{1,64}$/;
const TOOL_CHOICES = new Set(['none', 'auto', 'required']);

const isObject = (value: unknown): value is Record<string, unknown> =>
  value !== null && typeof value === 'object' && !Array.isArray(value);

const quoted = (value: unknown) => JSON.stringify(String(value)).slice(0, 80);

export function validateTools(request: Pick<ChatRequest, 'tools' | 'toolChoice' | 'parallelToolCalls'>): void {
  const { tools, toolChoice, parallelToolCalls } = request;
  const names = new Set<string>();
  if (tools !== undefined) {
    if (!Array.isArray(tools)) throw new OpenRouterValidationError('tools must be a list of function definitions');
    for (const [index, tool] of tools.entries()) {
      const where = `tool ${index + 1}`;
      if (!isObject(tool) || tool.type !== 'function' || !isObject(tool.function)) {
        throw new OpenRouterValidationError(`${where} must be {type: "function", function: {name, …}}`);
      }
      const { name, description, parameters, strict } = tool.function;
      if (typeof name !== 'string' || !FUNCTION_NAME.test(name)) {
        throw new OpenRouterValidationError(`${where} has an invalid name ${quoted(name)}: use 1 to 64 letters, digits, _ or -`);
      }
      if (names.has(name)) throw new OpenRouterValidationError(`two tools are named "${name}"`);
      names.add(name);
      if (description !== undefined && typeof description !== 'string') {
        throw new OpenRouterValidationError(`the description of tool "${name}" must be text`);
      }
      // The API takes the parameters as a JSON Schema for an object (the arguments object).
      if (parameters !== undefined && (!isObject(parameters) || parameters.type !== 'object')) {
        throw new OpenRouterValidationError(`the parameters of tool "${name}" must be a JSON Schema with type "object"`, {
          hint: 'for example {"type": "object", "properties": {"city": {"type": "string"}}, "required": ["city"]}',
        });
      }
      if (strict !== undefined && strict !== null && typeof strict !== 'boolean') {
        throw new OpenRouterValidationError(`strict of tool "${name}" must be true or false`);
      }
    }
  }
  if (toolChoice !== undefined) validateToolChoice(toolChoice, names, tools !== undefined && tools.length > 0);
  if (parallelToolCalls !== undefined && typeof parallelToolCalls !== 'boolean') {
    throw new OpenRouterValidationError('parallel tool calls must be true or false');
  }
}

function validateToolChoice(toolChoice: unknown, names: ReadonlySet<string>, hasTools: boolean): void {
  if (typeof toolChoice === 'string') {
    if (!TOOL_CHOICES.has(toolChoice)) {
      throw new OpenRouterValidationError(`tool choice must be none, auto, required or a named function, got ${quoted(toolChoice)}`);
    }
    if (toolChoice === 'required' && !hasTools) throw new OpenRouterValidationError('tool choice "required" needs at least one tool');
    return;
  }
  const name = isObject(toolChoice) && toolChoice.type === 'function' && isObject(toolChoice.function) ? toolChoice.function.name : undefined;
  if (typeof name !== 'string') {
    throw new OpenRouterValidationError('tool choice must be none, auto, required or {type: "function", function: {name}}');
  }
  if (!names.has(name)) {
    throw new OpenRouterValidationError(`tool choice names ${quoted(name)}, which is not one of the request's tools`, {
      hint: names.size > 0 ? `the tools are: ${[...names].join(', ')}` : 'add the tool to `tools`',
    });
  }
}

/** Tool messages answer a call by id; assistant messages carry well-formed calls. */
export function validateToolMessages(messages: readonly ChatMessage[]): void {
  for (const [index, message] of messages.entries()) {
    const where = `message ${index + 1}`;
    if (message.role === 'tool' && (typeof message.tool_call_id !== 'string' || message.tool_call_id === '')) {
      throw new OpenRouterValidationError(`${where} is a tool result without the tool_call_id it answers`);
    }
    if (message.tool_calls === undefined) continue;
    if (message.role !== 'assistant' || !Array.isArray(message.tool_calls)) {
      throw new OpenRouterValidationError(`${where}: only an assistant message may carry a list of tool_calls`);
    }
    for (const call of message.tool_calls) {
      const fn = isObject(call) && call.type === 'function' && isObject(call.function) ? call.function : undefined;
      if (!fn || typeof call.id !== 'string' || call.id === '' || typeof fn.name !== 'string' || typeof fn.arguments !== 'string') {
        throw new OpenRouterValidationError(`${where} has a tool call without {id, type: "function", function: {name, arguments}}`);
      }
    }
  }
}
