// Tool calls in pieces → whole calls: the assembler alone, and the ChunkReader that feeds it
// from stream chunks and non-streaming bodies.
import { describe, expect, it } from '@jest/globals';
import fc from 'fast-check';
import { AnswerContractError } from '../../../src/core/errors.js';
import { ChunkReader } from '../../../src/core/internal/chunk-reader.js';
import { compileToolArguments, PARSE_ONLY } from '../../../src/core/internal/tool-arguments.js';
import { ToolCallAssembler } from '../../../src/core/internal/tool-call-assembler.js';
import type { StreamEvent, ToolDefinition } from '../../../src/core/types.js';

/** Cuts `text` at the given positions (sorted, deduplicated, within the text). */
function splitAt(text: string, cuts: number[]): string[] {
  const points = [...new Set(cuts.map((cut) => cut % (text.length + 1)))].sort((a, b) => a - b);
  const pieces: string[] = [];
  let from = 0;
  for (const point of points) {
    pieces.push(text.slice(from, point));
    from = point;
  }
  pieces.push(text.slice(from));
  return pieces;
}

const jsonObject = fc.dictionary(fc.string({ maxLength: 8 }), fc.jsonValue({ maxDepth: 2 }), { maxKeys: 5 });

describe('ToolCallAssembler', () => {
  it('any split of the argument text gives the same parsed call', () => {
    fc.assert(
      fc.property(jsonObject, fc.array(fc.nat(400), { maxLength: 30 }), (args, cuts) => {
        const raw = JSON.stringify(args);
        const assembler = new ToolCallAssembler();
        assembler.add([{ index: 0, id: 'call_1', type: 'function', function: { name: 'lookup', arguments: '' } }]);
        for (const piece of splitAt(raw, cuts)) assembler.add([{ index: 0, function: { arguments: piece } }]);
        const [call, ...rest] = assembler.finish(PARSE_ONLY);
        expect(rest).toEqual([]);
        // What JSON itself makes of the object (-0 becomes 0): the text that went over the wire.
        expect(call).toEqual({ index: 0, id: 'call_1', name: 'lookup', arguments: JSON.parse(raw), rawArguments: raw });
      }),
    );
  });

  it('several calls interleaved by index in any order come out whole, in index order', () => {
    fc.assert(
      fc.property(fc.array(jsonObject, { minLength: 1, maxLength: 4 }), fc.array(fc.nat(1000), { maxLength: 40 }), fc.nat(), (calls, cuts, seed) => {
        // Fragments of every call, each call's own in order, shuffled together by the seed.
        const queues = calls.map((args, index) => [
          { index, id: `call_${index}`, type: 'function', function: { name: `tool_${index}`, arguments: '' } },
          ...splitAt(JSON.stringify(args), cuts).map((piece) => ({ index, function: { arguments: piece } })),
        ]);
        const assembler = new ToolCallAssembler();
        let state = seed;
        while (queues.some((queue) => queue.length > 0)) {
          const open = queues.filter((queue) => queue.length > 0);
          state = (state * 1103515245 + 12345) >>> 0;
          assembler.add([open[state % open.length]!.shift()]);
        }
        expect(assembler.finish(PARSE_ONLY)).toEqual(
          calls.map((args, index) => ({ index, id: `call_${index}`, name: `tool_${index}`, arguments: JSON.parse(JSON.stringify(args)), rawArguments: JSON.stringify(args) })),
        );
      }),
    );
  });

  it('keeps the first id and name: a fragment repeating them does not double them', () => {
    const assembler = new ToolCallAssembler();
    assembler.add([{ index: 0, id: 'call_a', function: { name: 'get_weather', arguments: '{"city":' } }]);
    assembler.add([{ index: 0, id: 'call_a', function: { name: 'get_weather', arguments: '"Oslo"}' } }]);
    expect(assembler.finish(PARSE_ONLY)).toEqual([
      { index: 0, id: 'call_a', name: 'get_weather', arguments: { city: 'Oslo' }, rawArguments: '{"city":"Oslo"}' },
    ]);
    expect(assembler.pending).toBe(false);
  });

  it('reads whole calls (a non-streaming message) by position, and names a call without an id by its index', () => {
    const assembler = new ToolCallAssembler();
    assembler.add(
      [
        { type: 'function', function: { name: 'a', arguments: '{}' } },
        { id: 'call_b', type: 'function', function: { name: 'b', arguments: '' } },
      ],
      true,
    );
    expect(assembler.finish(PARSE_ONLY)).toEqual([
      { index: 0, id: 'call_0', name: 'a', arguments: {}, rawArguments: '{}' },
      { index: 1, id: 'call_b', name: 'b', arguments: {}, rawArguments: '' },
    ]);
  });

  it('refuses a call that never got a name, and arguments that are not JSON (exit 10)', () => {
    const nameless = new ToolCallAssembler();
    nameless.add([{ index: 0, id: 'call_1', function: { arguments: '{}' } }]);
    expect(() => nameless.finish(PARSE_ONLY)).toThrow(AnswerContractError);

    const broken = new ToolCallAssembler();
    broken.add([{ index: 0, id: 'call_1', function: { name: 'f', arguments: '{"a": ' } }]);
    let thrown: unknown;
    try {
      broken.finish(PARSE_ONLY);
    } catch (error) {
      thrown = error;
    }
    expect(thrown).toBeInstanceOf(AnswerContractError);
    expect((thrown as AnswerContractError).exitCode).toBe(10);
    expect((thrown as AnswerContractError).message).toContain('"f" (call_1) are not valid JSON');
  });
});

const ctx = { secrets: [], providerLabel: 'OpenRouter' };
const HEAD = { id: 'gen-1', object: 'chat.completion.chunk', created: 1760000000, model: 'openai/gpt-4o', provider: 'OpenAI' };
const chunk = (delta: Record<string, unknown>, finishReason: string | null = null) => ({
  ...HEAD,
  choices: [{ index: 0, delta, finish_reason: finishReason, native_finish_reason: finishReason }],
});
const WEATHER: ToolDefinition = {
  type: 'function',
  function: {
    name: 'get_weather',
    parameters: { type: 'object', properties: { city: { type: 'string' } }, required: ['city'], additionalProperties: false },
  },
};

describe('ChunkReader with tool calls', () => {
  it('emits each call once, whole, when the choice finishes (not before), after the text', () => {
    const reader = new ChunkReader(ctx);
    const out: StreamEvent[] = [];
    reader.readChunk(chunk({ role: 'assistant', content: 'Checking.' }), out);
    reader.readChunk(chunk({ tool_calls: [{ index: 0, id: 'call_1', type: 'function', function: { name: 'get_weather', arguments: '{"ci' } }] }), out);
    reader.readChunk(chunk({ tool_calls: [{ index: 0, function: { arguments: 'ty":"Oslo"}' } }] }), out);
    expect(out.some((event) => event.type === 'tool_call')).toBe(false);
    expect(reader.hasOutput).toBe(true);
    reader.readChunk(chunk({ content: '' }, 'tool_calls'), out);
    expect(out.map((event) => event.type)).toEqual(['meta', 'token', 'tool_call']);
    expect(out.at(-1)).toEqual({ type: 'tool_call', index: 0, id: 'call_1', name: 'get_weather', arguments: { city: 'Oslo' }, rawArguments: '{"city":"Oslo"}' });
    expect(reader.done()).toMatchObject({ finishReason: 'tool_calls' });
  });

  it('a stream that ends with [DONE] and no finish_reason: the calls come from emitToolCalls', () => {
    const reader = new ChunkReader(ctx);
    const out: StreamEvent[] = [];
    reader.readChunk(chunk({ tool_calls: [{ index: 0, id: 'call_1', function: { name: 'f', arguments: '{}' } }] }), out);
    reader.emitToolCalls(out);
    reader.emitToolCalls(out);
    expect(out.filter((event) => event.type === 'tool_call')).toHaveLength(1);
  });

  it('non-streaming: message.tool_calls give the same events, content null allowed', () => {
    const reader = new ChunkReader(ctx);
    const out: StreamEvent[] = [];
    reader.readCompletion(
      {
        ...HEAD,
        object: 'chat.completion',
        choices: [
          {
            index: 0,
            finish_reason: 'tool_calls',
            message: {
              role: 'assistant',
              content: null,
              tool_calls: [
                { id: 'call_1', type: 'function', function: { name: 'get_weather', arguments: '{"city":"Oslo"}' } },
                { id: 'call_2', type: 'function', function: { name: 'get_weather', arguments: '{"city":"Rome"}' } },
              ],
            },
          },
        ],
      },
      out,
    );
    expect(out.filter((event) => event.type === 'tool_call').map((event) => event.type === 'tool_call' && [event.index, event.id, event.arguments])).toEqual([
      [0, 'call_1', { city: 'Oslo' }],
      [1, 'call_2', { city: 'Rome' }],
    ]);
  });

  it("checks the arguments against the tool's schema: a mismatch is AnswerContractError with the issues", async () => {
    const reader = new ChunkReader(ctx, await compileToolArguments([WEATHER]));
    const out: StreamEvent[] = [];
    reader.readChunk(chunk({ tool_calls: [{ index: 0, id: 'call_1', function: { name: 'get_weather', arguments: '{"town":"Oslo"}' } }] }), out);
    let thrown: unknown;
    try {
      reader.readChunk(chunk({}, 'tool_calls'), out);
    } catch (error) {
      thrown = error;
    }
    expect(thrown).toBeInstanceOf(AnswerContractError);
    const error = thrown as AnswerContractError;
    expect(error.kind).toBe('contract');
    expect(error.issues).toEqual(expect.arrayContaining(["/ must have required property 'city'", '/ must NOT have additional properties']));
    expect(error.toJSON()).toMatchObject({ kind: 'contract', exit_code: 10, issues: error.issues });
  });
});
