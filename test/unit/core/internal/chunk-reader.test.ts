import { describe, expect, it } from '@jest/globals';
import { OpenRouterConnectionError, OpenRouterModelError } from '../../../../src/core/errors.js';
import { ChunkReader, MAX_CITATIONS } from '../../../../src/core/internal/chunk-reader.js';
import type { StreamEvent, Usage } from '../../../../src/core/types.js';

const ctx = { secrets: [], providerLabel: 'OpenRouter' };
const HEAD = { id: 'gen-123', object: 'chat.completion.chunk', created: 1760000000, model: 'openai/gpt-4o', provider: 'OpenAI' };
const USAGE: Usage = { prompt_tokens: 10, completion_tokens: 3, total_tokens: 13, cost: 0.0001, is_byok: false };

const chunk = (delta: Record<string, unknown>, extra: Record<string, unknown> = {}, choice: Record<string, unknown> = {}) => ({
  ...HEAD,
  choices: [{ index: 0, delta, finish_reason: null, native_finish_reason: null, logprobs: null, ...choice }],
  ...extra,
});
const finish = (reason: string, native: string | null = null, extra: Record<string, unknown> = {}) =>
  chunk({ content: '' }, extra, { finish_reason: reason, native_finish_reason: native });

/** Reads chunks in order; returns the events and whatever was thrown. */
function readAll(chunks: unknown[], reader = new ChunkReader(ctx)) {
  const out: StreamEvent[] = [];
  let error: unknown;
  try {
    for (const value of chunks) reader.readChunk(value, out);
  } catch (thrown) {
    error = thrown;
  }
  return { out, error, reader };
}

const texts = (events: StreamEvent[], type: 'token' | 'reasoning') =>
  events.flatMap((event) => (event.type === type ? [event.text] : []));

describe('ChunkReader.readChunk: meta and text', () => {
  it('emits meta once, from the first chunk, before anything else', () => {
    const { out } = readAll([
      chunk({ role: 'assistant', content: '' }),
      chunk({ content: 'Hel' }, { model: 'other/model', id: 'gen-other' }),
      chunk({ content: 'lo' }),
    ]);
    expect(out.filter((event) => event.type === 'meta')).toEqual([{ type: 'meta', id: 'gen-123', model: 'openai/gpt-4o', provider: 'OpenAI' }]);
    expect(out[0]?.type).toBe('meta');
  });

  it('emits a token per non-empty content delta and keeps the text so far', () => {
    const { out, reader } = readAll([chunk({ role: 'assistant', content: '' }), chunk({ content: 'Hel' }), chunk({ content: 'lo' }), chunk({ content: null })]);
    expect(texts(out, 'token')).toEqual(['Hel', 'lo']);
    expect(reader.partial()).toBe('Hello');
    expect(reader.hasOutput).toBe(true);
  });

  it('has no output while only empty deltas came', () => {
    const { out, reader } = readAll([chunk({ role: 'assistant', content: '' })]);
    expect(out.map((event) => event.type)).toEqual(['meta']);
    expect(reader.hasOutput).toBe(false);
  });

  it('emits reasoning deltas as reasoning, not as tokens', () => {
    const { out, reader } = readAll([chunk({ content: '', reasoning: 'thinking…' }), chunk({ content: 'answer' })]);
    expect(texts(out, 'reasoning')).toEqual(['thinking…']);
    expect(texts(out, 'token')).toEqual(['answer']);
    expect(reader.partial()).toBe('answer');
  });

  it('counts reasoning as output (no retry after it)', () => {
    expect(readAll([chunk({ reasoning: 'hmm' })]).reader.hasOutput).toBe(true);
  });

  it('reads reasoning_details only when reasoning is absent (no double count)', () => {
    const both = readAll([chunk({ reasoning: 'step one', reasoning_details: [{ type: 'reasoning.text', text: 'step one' }] })]);
    expect(texts(both.out, 'reasoning')).toEqual(['step one']);
    const detailsOnly = readAll([
      chunk({ reasoning_details: [{ type: 'reasoning.text', text: 'a' }, { type: 'reasoning.summary', summary: 'b' }, { type: 'reasoning.encrypted', data: 'zzz' }] }),
    ]);
    expect(texts(detailsOnly.out, 'reasoning')).toEqual(['ab']);
  });
});

describe('ChunkReader.readChunk: usage in each of its three real placements', () => {
  it('a separate final chunk with choices: []', () => {
    const { out, error, reader } = readAll([chunk({ content: 'hi' }), finish('stop'), { ...HEAD, choices: [], usage: USAGE }]);
    expect(error).toBeUndefined();
    expect(out.filter((event) => event.type === 'usage')).toEqual([{ type: 'usage', usage: USAGE }]);
    expect(reader.finishReason).toBe('stop');
  });

  it('a separate final chunk with a role-only choice', () => {
    const { out, error } = readAll([chunk({ content: 'hi' }), finish('stop'), chunk({ role: 'assistant', content: '' }, { usage: USAGE })]);
    expect(error).toBeUndefined();
    expect(out.filter((event) => event.type === 'usage')).toEqual([{ type: 'usage', usage: USAGE }]);
    expect(texts(out, 'token')).toEqual(['hi']);
  });

  it('the same chunk as finish_reason', () => {
    const { out, reader } = readAll([chunk({ content: 'hi' }), finish('tool_calls', 'STOP', { usage: USAGE })]);
    expect(out.filter((event) => event.type === 'usage')).toEqual([{ type: 'usage', usage: USAGE }]);
    expect(reader.finishReason).toBe('tool_calls');
    expect(reader.nativeFinishReason).toBe('STOP');
    expect(reader.finished).toBe(true);
  });

  it('passes every usage field through unchanged', () => {
    const usage = { ...USAGE, cost_details: { upstream_inference_cost: null }, prompt_tokens_details: { cached_tokens: 0 } };
    const { out } = readAll([{ ...HEAD, choices: [], usage }]);
    expect(out).toContainEqual({ type: 'usage', usage });
  });
});

describe('ChunkReader.readChunk: odd but valid chunks', () => {
  it('tolerates a chunk with empty choices and no usage (debug echo)', () => {
    const { out, error } = readAll([{ ...HEAD, choices: [], debug: { echo_upstream_body: {} } }, chunk({ content: 'ok' }), finish('stop')]);
    expect(error).toBeUndefined();
    expect(out.map((event) => event.type)).toEqual(['meta', 'token']);
  });

  it('tolerates a chunk without choices and with usage: null and error: null', () => {
    const { out, error } = readAll([{ ...HEAD, usage: null, error: null }]);
    expect(error).toBeUndefined();
    expect(out.map((event) => event.type)).toEqual(['meta']);
  });

  it('is not finished until a finish_reason arrives', () => {
    const reader = readAll([chunk({ content: 'x' })]).reader;
    expect(reader.finished).toBe(false);
    expect(reader.done()).toMatchObject({ type: 'done', finishReason: null });
  });

  it('done() carries the finish reason and who answered', () => {
    const { reader } = readAll([chunk({ content: 'x' }), finish('length', 'MAX_TOKENS')]);
    expect(reader.done()).toEqual({ type: 'done', finishReason: 'length', nativeFinishReason: 'MAX_TOKENS', id: 'gen-123', model: 'openai/gpt-4o', provider: 'OpenAI' });
  });
});

describe('ChunkReader.readChunk: errors inside HTTP 200', () => {
  it('a top-level error chunk → OpenRouterModelError with the text so far and the status from its code', () => {
    const errorChunk = {
      ...HEAD,
      error: { code: 429, message: 'Rate limit exceeded', metadata: { error_type: 'rate_limit_exceeded' } },
      choices: [{ index: 0, delta: { content: '' }, finish_reason: 'error' }],
    };
    const { out, error } = readAll([chunk({ content: 'Hello, ' }), chunk({ content: 'wor' }), errorChunk]);
    expect(error).toBeInstanceOf(OpenRouterModelError);
    const modelError = error as OpenRouterModelError;
    expect(modelError.exitCode).toBe(6);
    expect(modelError.status).toBe(429);
    expect(modelError.partialContent).toBe('Hello, wor');
    expect(modelError.message).toContain('Rate limit exceeded');
    expect(modelError.generationId).toBe('gen-123');
    expect(texts(out, 'token')).toEqual(['Hello, ', 'wor']);
  });

  it('a top-level error with a word code ("server_error") is still an error', () => {
    const { error } = readAll([chunk({ content: 'a' }), { ...HEAD, error: { code: 'server_error', message: 'Internal error' }, choices: [] }]);
    expect(error).toBeInstanceOf(OpenRouterModelError);
    expect((error as OpenRouterModelError).code).toBe('server_error');
    expect((error as OpenRouterModelError).partialContent).toBe('a');
  });

  it("finish_reason 'error' alone (native MALFORMED_FUNCTION_CALL, no error object) is an error", () => {
    const { error } = readAll([chunk({ content: 'partial' }), finish('error', 'MALFORMED_FUNCTION_CALL')]);
    expect(error).toBeInstanceOf(OpenRouterModelError);
    expect((error as OpenRouterModelError).exitCode).toBe(6);
    expect((error as OpenRouterModelError).message).toContain('MALFORMED_FUNCTION_CALL');
    expect((error as OpenRouterModelError).partialContent).toBe('partial');
  });

  it.each([null, [], 'text', 42, true])('a chunk that is not an object (%j) is a protocol error', (value) => {
    const { error } = readAll([chunk({ content: 'so far' }), value]);
    expect(error).toBeInstanceOf(OpenRouterConnectionError);
    expect((error as OpenRouterConnectionError).failure).toBe('protocol');
    expect((error as OpenRouterConnectionError).partialContent).toBe('so far');
  });
});

describe('ChunkReader.readCompletion (non-streaming)', () => {
  const completion = (message: Record<string, unknown>, extra: Record<string, unknown> = {}, choice: Record<string, unknown> = {}) => ({
    ...HEAD,
    object: 'chat.completion',
    choices: [{ index: 0, message: { role: 'assistant', ...message }, finish_reason: 'stop', native_finish_reason: 'stop', ...choice }],
    usage: USAGE,
    ...extra,
  });

  function read(value: unknown) {
    const reader = new ChunkReader(ctx);
    const out: StreamEvent[] = [];
    let error: unknown;
    try {
      reader.readCompletion(value, out);
    } catch (thrown) {
      error = thrown;
    }
    return { reader, out, error };
  }

  it('emits meta, reasoning, the whole content as one token, and usage', () => {
    const { out, reader, error } = read(completion({ content: 'Hi there', reasoning: 'why' }));
    expect(error).toBeUndefined();
    expect(out).toEqual([
      { type: 'meta', id: 'gen-123', model: 'openai/gpt-4o', provider: 'OpenAI' },
      { type: 'reasoning', text: 'why' },
      { type: 'token', text: 'Hi there' },
      { type: 'usage', usage: USAGE },
    ]);
    expect(reader.finishReason).toBe('stop');
  });

  it('a body with only `error` → OpenRouterModelError with its status', () => {
    const { error } = read({ error: { code: 502, message: 'Provider returned error', metadata: { raw: 'upstream down', provider_name: 'X' } }, user_id: 'user_1' });
    expect(error).toBeInstanceOf(OpenRouterModelError);
    expect((error as OpenRouterModelError).status).toBe(502);
    expect((error as OpenRouterModelError).message).toContain('upstream down');
  });

  it('a body with choices: [] and an error → the error, not "no choices"', () => {
    const { error } = read({ ...HEAD, choices: [], error: { code: 500, message: 'Internal Server Error' } });
    expect(error).toBeInstanceOf(OpenRouterModelError);
    expect((error as OpenRouterModelError).status).toBe(500);
  });

  it("a choice with finish_reason 'error' and choices[0].error → that error", () => {
    const { error } = read(completion({ content: '' }, {}, { finish_reason: 'error', error: { code: 400, message: 'content filter tripped' } }));
    expect(error).toBeInstanceOf(OpenRouterModelError);
    expect((error as OpenRouterModelError).status).toBe(400);
    expect((error as OpenRouterModelError).message).toContain('content filter tripped');
  });

  it('a body without choices or error is a protocol error', () => {
    const { error } = read({ ...HEAD });
    expect(error).toBeInstanceOf(OpenRouterConnectionError);
    expect((error as OpenRouterConnectionError).failure).toBe('protocol');
  });

  it.each([null, [], 'x'])('a body that is not an object (%j) is a protocol error', (value) => {
    const { error } = read(value);
    expect((error as OpenRouterConnectionError).failure).toBe('protocol');
  });
});

describe('ChunkReader: values that cannot be an answer or a count', () => {
  it('drops usage numbers that are negative, infinite, NaN or not numbers, at any depth', () => {
    const { out } = readAll([
      chunk({ content: 'x' }),
      {
        ...HEAD,
        choices: [],
        usage: {
          prompt_tokens: -1,
          completion_tokens: '7',
          total_tokens: Number.POSITIVE_INFINITY,
          cost: Number.NaN,
          is_byok: false,
          prompt_tokens_details: { cached_tokens: -3, audio_tokens: 2 },
          cost_details: { upstream_inference_cost: null },
        },
      },
    ]);
    expect(out.find((event) => event.type === 'usage')).toEqual({
      type: 'usage',
      usage: { is_byok: false, prompt_tokens_details: { audio_tokens: 2 }, cost_details: { upstream_inference_cost: null } },
    });
  });

  it('keeps real usage as it is', () => {
    const { out } = readAll([{ ...HEAD, choices: [], usage: USAGE }]);
    expect(out.find((event) => event.type === 'usage')).toEqual({ type: 'usage', usage: USAGE });
  });

  it('knows whether any chunk carried a choice (usage with choices: [] does not)', () => {
    expect(readAll([{ ...HEAD, choices: [], usage: USAGE }]).reader.sawChoice).toBe(false);
    expect(readAll([{ ...HEAD }]).reader.sawChoice).toBe(false);
    expect(readAll([chunk({ role: 'assistant', content: '' })]).reader.sawChoice).toBe(true);
  });

  const completion = (message: Record<string, unknown>, finishReason = 'stop') => ({
    ...HEAD,
    object: 'chat.completion',
    choices: [{ index: 0, finish_reason: finishReason, message: { role: 'assistant', ...message } }],
  });
  const readBody = (value: unknown) => {
    const out: StreamEvent[] = [];
    const reader = new ChunkReader(ctx);
    try {
      reader.readCompletion(value, out);
      return { out };
    } catch (error) {
      return { out, error };
    }
  };

  it.each([
    ['a number', { content: 5 }],
    ['an object', { content: { text: 'x' } }],
    ['null', { content: null }],
    ['missing', {}],
  ])('a non-streaming message whose content is %s (no tool calls, no reasoning) has no answer: exit 6', (_what, message) => {
    const { error } = readBody(completion(message));
    expect(error).toBeInstanceOf(OpenRouterModelError);
    expect(error).toMatchObject({ exitCode: 6, message: 'the response from OpenRouter had no answer' });
  });

  it.each([
    ['empty text', { content: '' }, 'length'],
    ['reasoning only, cut by length', { content: null, reasoning: 'thinking' }, 'length'],
    ['tool calls', { content: null, tool_calls: [] }, 'tool_calls'],
  ])('%s is an answer', (_what, message, reason) => {
    expect(readBody(completion(message, reason)).error).toBeUndefined();
  });
});

describe('ChunkReader: cited sources (url_citation annotations)', () => {
  const cite = (url: string, title?: string) => ({ type: 'url_citation', url_citation: { url, ...(title ? { title } : {}), content: 'x', start_index: 0, end_index: 1 } });

  it('gathers the annotations of the deltas onto done, once per URL, in the order first seen', () => {
    const { reader, error } = readAll([
      chunk({ content: 'Answer' }),
      chunk({ content: '.', annotations: [cite('https://a.example/1', 'A'), { type: 'file_annotation', file: {} }] }),
      chunk({ content: '', annotations: [cite('https://b.example/2'), cite('https://a.example/1', 'A again')] }),
      finish('stop'),
    ]);
    expect(error).toBeUndefined();
    expect(reader.done()).toMatchObject({ citations: [{ url: 'https://a.example/1', title: 'A' }, { url: 'https://b.example/2' }] });
  });

  it("reads the spec's flat shape and a non-streamed message's annotations", () => {
    const reader = new ChunkReader(ctx);
    const out: StreamEvent[] = [];
    reader.readCompletion(
      {
        ...HEAD,
        object: 'chat.completion',
        choices: [{ index: 0, finish_reason: 'stop', message: { role: 'assistant', content: 'hi', annotations: [{ type: 'url_citation', url: 'https://c.example', title: 'C', start_index: 0, end_index: 2 }] } }],
      },
      out,
    );
    expect(reader.done()).toMatchObject({ citations: [{ url: 'https://c.example', title: 'C' }] });
  });

  it('leaves out what is not a citation, and keeps at most MAX_CITATIONS', () => {
    const many = Array.from({ length: MAX_CITATIONS + 20 }, (_, i) => cite(`https://s.example/${i}`));
    const { reader } = readAll([
      chunk({ content: 'x', annotations: [cite(''), { type: 'url_citation' }, 'junk', cite(`https://long.example/${'a'.repeat(5000)}`), ...many] }),
      finish('stop'),
    ]);
    const done = reader.done() as { citations?: unknown[] };
    expect(done.citations).toHaveLength(MAX_CITATIONS);
    expect(done.citations?.[0]).toEqual({ url: 'https://s.example/0' });
  });

  it('puts no citations on done when none came', () => {
    const { reader } = readAll([chunk({ content: 'x' }), finish('stop')]);
    expect(reader.done()).not.toHaveProperty('citations');
  });
});
