import { describe, expect, it } from '@jest/globals';
import { OpenRouterValidationError } from '../../../../src/core/errors.js';
import {
  DEFAULT_MAX_REQUEST_BYTES,
  validateEmbeddingInput,
  validateMaxTokens,
  validateMessages,
  validateModelId,
  validateRequestSize,
  validateTemperature,
} from '../../../../src/core/internal/validate-request.js';
import type { ChatMessage } from '../../../../src/core/types.js';

/** The error `run` throws, checked to be a validation error with exit code 2. */
function validationError(run: () => void): OpenRouterValidationError {
  let thrown: unknown;
  try {
    run();
  } catch (error) {
    thrown = error;
  }
  expect(thrown).toBeInstanceOf(OpenRouterValidationError);
  expect((thrown as OpenRouterValidationError).exitCode).toBe(2);
  expect((thrown as OpenRouterValidationError).kind).toBe('usage');
  return thrown as OpenRouterValidationError;
}

describe('validateTemperature', () => {
  it.each([0, 0.7, 1, 2, undefined])('accepts %p', (value) => {
    expect(() => validateTemperature(value)).not.toThrow();
  });

  it.each([-0.1, 2.1, Number.NaN, Number.POSITIVE_INFINITY, -1])('rejects %p', (value) => {
    expect(validationError(() => validateTemperature(value)).message).toContain('temperature');
  });
});

describe('validateMaxTokens', () => {
  it.each([1, 4096, undefined])('accepts %p', (value) => {
    expect(() => validateMaxTokens(value)).not.toThrow();
  });

  it.each([0, -1, 1.5, Number.NaN, Number.POSITIVE_INFINITY])('rejects %p', (value) => {
    expect(validationError(() => validateMaxTokens(value)).message).toContain('max tokens');
  });
});

describe('validateModelId', () => {
  it.each([
    'openai/gpt-4o',
    'openai/gpt-4o-mini',
    'meta-llama/llama-3.3-70b-instruct:free',
    'openrouter/free',
    'openrouter/auto',
    '~anthropic/claude-sonnet-latest',
    'google/gemini-3.1-pro-preview-20260219',
    'anthropic/claude-3.5-sonnet:beta',
    'qwen/qwen3-coder:free',
    'openai/gpt-4o:nitro',
    'openai/gpt-4o:floor',
    'openai/gpt-4o:online',
    'anthropic/claude-sonnet-4.5:thinking',
    'moonshotai/kimi-k2:exacto',
    '@preset/my-preset',
    '@preset/team.code-review_2',
  ])('accepts %s', (id) => {
    expect(() => validateModelId(id)).not.toThrow();
  });

  it.each(['gpt 4', 'nomodel', 'a/b c', '', '/gpt-4o', 'openai/', 'openai/gpt-4o:', ' openai/gpt-4o', 'a/b/c', '@preset/', '@preset', '@other/x', '@preset/a/b', '@preset/x:free'])('rejects %j', (id) => {
    const error = validationError(() => validateModelId(id));
    expect(error.message).toContain(`"${id}"`);
    expect(error.hint).toBeDefined();
  });

  it('names what it checked', () => {
    expect(validationError(() => validateModelId('bad', 'fallback model')).message).toContain('fallback model');
  });
});

describe('validateMessages', () => {
  const user = (content: string): ChatMessage => ({ role: 'user', content });

  it('accepts a conversation ending in a non-empty prompt', () => {
    expect(() => validateMessages([{ role: 'system', content: 'be brief' }, user('hi')])).not.toThrow();
  });

  it('rejects an empty prompt, blank or whitespace only', () => {
    expect(validationError(() => validateMessages([user('')])).message).toContain('empty');
    validationError(() => validateMessages([user(' \n\t ')]));
  });

  it('rejects no messages at all', () => {
    validationError(() => validateMessages([]));
  });

  it('rejects a message without text content', () => {
    validationError(() => validateMessages([{ role: 'user' } as unknown as ChatMessage]));
  });
});

describe('validateRequestSize', () => {
  it('has a default limit of 8 MiB', () => {
    expect(DEFAULT_MAX_REQUEST_BYTES).toBe(8 * 1024 * 1024);
  });

  it('accepts a body of exactly the limit and rejects one byte more', () => {
    const body = { text: 'x'.repeat(100) };
    const size = JSON.stringify(body).length;
    expect(() => validateRequestSize(body, size)).not.toThrow();
    const error = validationError(() => validateRequestSize(body, size - 1));
    expect(error.message).toContain('limit');
    expect(error.hint).toContain('maxRequestBytes');
  });

  it('counts UTF-8 bytes, not characters', () => {
    const body = { text: 'é'.repeat(100) }; // 100 characters, 200 bytes
    const chars = JSON.stringify(body).length;
    validationError(() => validateRequestSize(body, chars));
    expect(() => validateRequestSize(body, Buffer.byteLength(JSON.stringify(body)))).not.toThrow();
  });
});

describe('validateEmbeddingInput', () => {
  it('accepts texts and rejects none or an empty one', () => {
    expect(() => validateEmbeddingInput(['a', 'b'])).not.toThrow();
    validationError(() => validateEmbeddingInput([]));
    expect(validationError(() => validateEmbeddingInput(['a', ''])).message).toContain('2');
  });
});
