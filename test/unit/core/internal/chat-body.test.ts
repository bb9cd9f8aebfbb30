import { describe, expect, it } from '@jest/globals';
import { OpenRouterValidationError } from '../../../../src/core/errors.js';
import { type ChatBodyDefaults, chatRequestBody } from '../../../../src/core/internal/chat-body.js';
import type { ChatRequest } from '../../../../src/core/types.js';

const defaults: ChatBodyDefaults = { model: 'openrouter/free', temperature: 0.7, maxTokens: 4096, maxRequestBytes: 1024 * 1024 };
const prompt = (content = 'hello'): ChatRequest['messages'] => [{ role: 'user', content }];

function rejected(request: ChatRequest, options: ChatBodyDefaults = defaults): OpenRouterValidationError {
  let thrown: unknown;
  try {
    chatRequestBody(request, options);
  } catch (error) {
    thrown = error;
  }
  expect(thrown).toBeInstanceOf(OpenRouterValidationError);
  expect((thrown as OpenRouterValidationError).exitCode).toBe(2);
  return thrown as OpenRouterValidationError;
}

describe('chatRequestBody', () => {
  it('fills in the defaults and streams unless told not to', () => {
    expect(chatRequestBody({ messages: prompt() }, defaults)).toEqual({
      model: 'openrouter/free',
      messages: prompt(),
      temperature: 0.7,
      max_tokens: 4096,
      stream: true,
    });
    expect(chatRequestBody({ messages: prompt(), stream: false }, defaults).stream).toBe(false);
  });

  it('uses the request values over the defaults, 0 included', () => {
    const body = chatRequestBody({ messages: prompt(), model: 'openai/gpt-4o', temperature: 0, maxTokens: 1 }, defaults);
    expect(body).toMatchObject({ model: 'openai/gpt-4o', temperature: 0, max_tokens: 1 });
  });

  it('sends the fallback models list with the primary model first, once', () => {
    const body = chatRequestBody(
      { messages: prompt(), model: 'openai/gpt-4o', models: ['anthropic/claude-sonnet-4', 'openai/gpt-4o', 'meta-llama/llama-3.3-70b-instruct:free'] },
      defaults,
    );
    expect(body.models).toEqual(['openai/gpt-4o', 'anthropic/claude-sonnet-4', 'meta-llama/llama-3.3-70b-instruct:free']);
  });

  it('leads the fallback list with the default model when the request names none', () => {
    expect(chatRequestBody({ messages: prompt(), models: ['openai/gpt-4o'] }, defaults).models).toEqual(['openrouter/free', 'openai/gpt-4o']);
  });

  it('sends no models list without fallbacks', () => {
    expect(chatRequestBody({ messages: prompt(), models: [] }, defaults)).not.toHaveProperty('models');
  });

  it('passes provider preferences, reasoning and extra fields, but extra cannot override the checked ones', () => {
    const body = chatRequestBody(
      {
        messages: prompt(),
        provider: { order: ['openai'], allow_fallbacks: false },
        reasoning: { effort: 'high' },
        extra: { top_p: 0.9, seed: 7, model: 'evil/model', temperature: 99, stream: 'yes' },
      },
      defaults,
    );
    expect(body).toMatchObject({ provider: { order: ['openai'], allow_fallbacks: false }, reasoning: { effort: 'high' }, top_p: 0.9, seed: 7 });
    expect(body).toMatchObject({ model: 'openrouter/free', temperature: 0.7, stream: true });
  });

  it.each<[string, Partial<ChatRequest>]>([
    ['a bad model id', { model: 'gpt 4' }],
    ['a model id without org', { model: 'nomodel' }],
    ['a bad fallback model id', { models: ['a/b c'] }],
    ['temperature below 0', { temperature: -0.1 }],
    ['temperature above 2', { temperature: 2.1 }],
    ['temperature NaN', { temperature: Number.NaN }],
    ['max tokens 0', { maxTokens: 0 }],
    ['max tokens -1', { maxTokens: -1 }],
    ['max tokens 1.5', { maxTokens: 1.5 }],
    ['an empty prompt', { messages: prompt('   ') }],
    ['no messages', { messages: [] }],
  ])('rejects %s with OpenRouterValidationError (exit 2)', (_name, change) => {
    rejected({ messages: prompt(), ...change });
  });

  it('accepts temperature 0 and 2', () => {
    expect(chatRequestBody({ messages: prompt(), temperature: 0 }, defaults).temperature).toBe(0);
    expect(chatRequestBody({ messages: prompt(), temperature: 2 }, defaults).temperature).toBe(2);
  });

  it('rejects a bad default as well as a bad request value', () => {
    rejected({ messages: prompt() }, { ...defaults, model: 'nomodel' });
    rejected({ messages: prompt() }, { ...defaults, temperature: 3 });
  });

  it('rejects a request over the size limit, counting the whole body', () => {
    const small = chatRequestBody({ messages: prompt('x') }, defaults);
    const overhead = Buffer.byteLength(JSON.stringify(small)) - 1;
    const limit = overhead + 1000;
    expect(() => chatRequestBody({ messages: prompt('x'.repeat(1000)) }, { ...defaults, maxRequestBytes: limit })).not.toThrow();
    const error = rejected({ messages: prompt('x'.repeat(1001)) }, { ...defaults, maxRequestBytes: limit });
    expect(error.message).toMatch(/MiB/);
    // The size counts extra fields too.
    rejected({ messages: prompt('x'), extra: { padding: 'y'.repeat(2000) } }, { ...defaults, maxRequestBytes: limit });
  });
});
