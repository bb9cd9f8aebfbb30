// A request's tools: what is refused before sending (exit 2), what the body carries, and that
// the body is what OpenRouter's OpenAPI spec accepts.
import { describe, expect, it } from '@jest/globals';
import { AnswerContractError, OpenRouterValidationError } from '../../../src/core/errors.js';
import { type ChatBodyDefaults, chatRequestBody } from '../../../src/core/internal/chat-body.js';
import { compileToolArguments } from '../../../src/core/internal/tool-arguments.js';
import type { ChatMessage, ChatRequest, ToolDefinition } from '../../../src/core/types.js';
import { validateChatRequest } from '../../helpers/openapi.js';

const defaults: ChatBodyDefaults = { model: 'openrouter/free', temperature: 0.7, maxTokens: 4096, maxRequestBytes: 1024 * 1024 };
const user: ChatMessage[] = [{ role: 'user', content: 'Weather in Oslo?' }];
const weather: ToolDefinition = {
  type: 'function',
  function: {
    name: 'get_weather',
    description: 'Current weather of a city',
    parameters: { type: 'object', properties: { city: { type: 'string' } }, required: ['city'] },
  },
};

function refusal(request: ChatRequest): OpenRouterValidationError {
  let thrown: unknown;
  try {
    chatRequestBody(request, defaults);
  } catch (error) {
    thrown = error;
  }
  expect(thrown).toBeInstanceOf(OpenRouterValidationError);
  expect((thrown as OpenRouterValidationError).exitCode).toBe(2);
  return thrown as OpenRouterValidationError;
}

describe('chatRequestBody with tools', () => {
  it('sends tools, tool_choice and parallel_tool_calls, and the body passes the OpenAPI spec', () => {
    const body = chatRequestBody(
      { messages: user, tools: [weather], toolChoice: { type: 'function', function: { name: 'get_weather' } }, parallelToolCalls: false },
      defaults,
    );
    expect(body).toMatchObject({ tools: [weather], tool_choice: { type: 'function', function: { name: 'get_weather' } }, parallel_tool_calls: false });
    expect(validateChatRequest(body)).toEqual([]);
  });

  it('sends none of the fields for a request without tools (old bodies unchanged)', () => {
    const body = chatRequestBody({ messages: user }, defaults);
    expect(body).not.toHaveProperty('tools');
    expect(body).not.toHaveProperty('tool_choice');
    expect(body).not.toHaveProperty('parallel_tool_calls');
  });

  it('sends an assistant turn that only asked for tools with content null, and tool results; the spec accepts them', () => {
    const messages: ChatMessage[] = [
      ...user,
      { role: 'assistant', content: '', tool_calls: [{ id: 'call_1', type: 'function', function: { name: 'get_weather', arguments: '{"city":"Oslo"}' } }] },
      { role: 'tool', tool_call_id: 'call_1', content: '{"temp":3}' },
    ];
    const body = chatRequestBody({ messages, tools: [weather] }, defaults);
    const sent = body.messages as Array<Record<string, unknown>>;
    expect(sent[1]).toEqual({ ...messages[1], content: null });
    expect(sent[2]).toEqual(messages[2]);
    // The caller's messages are not changed.
    expect(messages[1]?.content).toBe('');
    expect(validateChatRequest(body)).toEqual([]);
  });

  it.each([
    ['a name with a space', { ...weather, function: { ...weather.function, name: 'get weather' } }, /invalid name "get weather"/],
    ['a name of 65 characters', { ...weather, function: { ...weather.function, name: 'x'.repeat(65) } }, /invalid name/],
    ['parameters that are not an object schema', { ...weather, function: { ...weather.function, parameters: { type: 'string' } } }, /type "object"/],
    ['parameters that are a list', { ...weather, function: { ...weather.function, parameters: [] as unknown as Record<string, unknown> } }, /type "object"/],
    ['a tool that is not a function', { type: 'web_search' } as unknown as ToolDefinition, /type: "function"/],
  ])('refuses %s', (_what, tool, message) => {
    expect(refusal({ messages: user, tools: [tool] }).message).toMatch(message);
  });

  it('refuses two tools with one name, a tool_choice naming an unknown tool, and "required" without tools', () => {
    expect(refusal({ messages: user, tools: [weather, weather] }).message).toBe('two tools are named "get_weather"');
    const unknown = refusal({ messages: user, tools: [weather], toolChoice: { type: 'function', function: { name: 'get_time' } } });
    expect(unknown.message).toBe('tool choice names "get_time", which is not one of the request\'s tools');
    expect(unknown.hint).toBe('the tools are: get_weather');
    expect(refusal({ messages: user, toolChoice: 'required' }).message).toMatch(/needs at least one tool/);
    expect(refusal({ messages: user, tools: [weather], toolChoice: 'always' as 'auto' }).message).toMatch(/none, auto, required/);
    expect(refusal({ messages: user, tools: [weather], parallelToolCalls: 'yes' as unknown as boolean }).message).toMatch(/true or false/);
  });

  it('refuses a tool result without the id it answers, and a malformed tool call in an assistant turn', () => {
    expect(refusal({ messages: [...user, { role: 'tool', content: 'x' }] }).message).toMatch(/without the tool_call_id/);
    const bad = { id: 'call_1', type: 'function', function: { name: 'f' } } as unknown as NonNullable<ChatMessage['tool_calls']>[number];
    expect(refusal({ messages: [...user, { role: 'assistant', content: '', tool_calls: [bad] }] }).message).toMatch(/without \{id, type/);
    expect(refusal({ messages: [{ role: 'user', content: 'x', tool_calls: [] }] }).message).toMatch(/only an assistant message/);
  });
});

describe('compileToolArguments', () => {
  it('compiles each schema once, before sending: a schema ajv cannot compile is exit 2', async () => {
    const broken: ToolDefinition = { type: 'function', function: { name: 'f', parameters: { type: 'object', properties: { a: { type: 'no-such-type' } } } } };
    await expect(compileToolArguments([broken])).rejects.toBeInstanceOf(OpenRouterValidationError);
  });

  it('reads a draft-07 schema (what most generators write) as 2020-12, with formats', async () => {
    const tool: ToolDefinition = {
      type: 'function',
      function: {
        name: 'mail',
        parameters: { $schema: 'http://json-schema.org/draft-07/schema#', type: 'object', properties: { to: { type: 'string', format: 'email' } } },
      },
    };
    const checker = await compileToolArguments([tool]);
    expect(checker.check({ id: 'c', name: 'mail', rawArguments: '{"to":"a@b.invalid"}' }).arguments).toEqual({ to: 'a@b.invalid' });
    expect(() => checker.check({ id: 'c', name: 'mail', rawArguments: '{"to":"not mail"}' })).toThrow(AnswerContractError);
  });

  it('compiles schemas that share an $id across requests (the shared ajv instance keeps none of them)', async () => {
    const withId = (type: string): ToolDefinition => ({
      type: 'function',
      function: { name: 'f', parameters: { $id: 'https://tools.invalid/f', type: 'object', properties: { a: { type } } } },
    });
    const numbers = await compileToolArguments([withId('number')]);
    const strings = await compileToolArguments([withId('string')]);
    expect(numbers.check({ id: 'c', name: 'f', rawArguments: '{"a":1}' }).arguments).toEqual({ a: 1 });
    expect(strings.check({ id: 'c', name: 'f', rawArguments: '{"a":"x"}' }).arguments).toEqual({ a: 'x' });
    expect(() => strings.check({ id: 'c', name: 'f', rawArguments: '{"a":1}' })).toThrow(AnswerContractError);
  });

  it('takes "" as no arguments, and only parses calls to a tool it does not know', async () => {
    const checker = await compileToolArguments([weather]);
    expect(() => checker.check({ id: 'c', name: 'get_weather', rawArguments: '' })).toThrow(/required property 'city'/);
    expect(checker.check({ id: 'c', name: 'other', rawArguments: '[1]' }).arguments).toEqual([1]);
  });
});
