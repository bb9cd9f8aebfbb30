import { describe, expect, it } from '@jest/globals';
import { ChatCollector, ChatStream, collectChat } from '../../../src/core/chat-stream.js';
import { OpenRouterConnectionError } from '../../../src/core/errors.js';
import type { StreamEvent, Usage } from '../../../src/core/types.js';

const USAGE: Usage = { prompt_tokens: 5, completion_tokens: 2, total_tokens: 7, cost: 0 };
const EVENTS: StreamEvent[][] = [
  [{ type: 'meta', id: 'gen-1', model: 'openrouter/free', provider: 'Chutes' }],
  [
    { type: 'reasoning', text: 'Let me ' },
    { type: 'reasoning', text: 'think.' },
  ],
  [{ type: 'token', text: 'Hel' }, { type: 'token', text: 'lo' }],
  [{ type: 'usage', usage: USAGE }],
  [{ type: 'done', finishReason: 'stop', id: 'gen-1', model: 'meta-llama/llama-3.3-70b-instruct:free', provider: 'Chutes' }],
];

function streamOf(batches: StreamEvent[][], onFinally?: () => void): ChatStream {
  return new ChatStream(async function* () {
    try {
      for (const batch of batches) yield batch;
    } finally {
      onFinally?.();
    }
  });
}

async function drain(iterable: AsyncIterable<unknown>): Promise<unknown[]> {
  const seen: unknown[] = [];
  for await (const item of iterable) seen.push(item);
  return seen;
}

describe('ChatStream', () => {
  it('yields the events of every batch, in order', async () => {
    expect(await drain(streamOf(EVENTS))).toEqual(EVENTS.flat());
  });

  it('batched() yields the batches as they came', async () => {
    expect(await drain(streamOf(EVENTS).batched())).toEqual(EVENTS);
  });

  it('can be consumed once: a second iteration throws', async () => {
    const stream = streamOf(EVENTS);
    await drain(stream);
    await expect(drain(stream)).rejects.toThrow(/already consumed/);
    await expect(drain(stream.batched())).rejects.toThrow(/already consumed/);
    await expect(stream.collect()).rejects.toThrow(/already consumed/);
  });

  it('counts batched() as consuming it too', async () => {
    const stream = streamOf(EVENTS);
    await drain(stream.batched());
    await expect(drain(stream)).rejects.toThrow(/already consumed/);
  });

  it('does not start a second request when consumed twice', async () => {
    let requests = 0;
    const stream = new ChatStream(async function* () {
      requests++;
      yield [{ type: 'done', finishReason: 'stop' }];
    });
    await drain(stream);
    await drain(stream).catch(() => undefined);
    expect(requests).toBe(1);
  });

  it('breaking out of the loop closes the underlying request', async () => {
    let closed = false;
    const stream = streamOf(EVENTS, () => {
      closed = true;
    });
    for await (const event of stream) {
      if (event.type === 'token') break;
    }
    expect(closed).toBe(true);
  });

  it('passes on the error that ends the stream', async () => {
    const failure = new OpenRouterConnectionError('truncated', 'broke off');
    const stream = new ChatStream(async function* () {
      yield [{ type: 'token', text: 'a' }];
      throw failure;
    });
    await expect(drain(stream)).rejects.toBe(failure);
  });
});

describe('collectChat', () => {
  it('gathers content, reasoning, usage, id, model, provider and finishReason', async () => {
    expect(await collectChat(streamOf(EVENTS))).toEqual({
      id: 'gen-1',
      // done names the model that actually answered (the router picked it).
      model: 'meta-llama/llama-3.3-70b-instruct:free',
      provider: 'Chutes',
      content: 'Hello',
      reasoning: 'Let me think.',
      finishReason: 'stop',
      usage: USAGE,
    });
  });

  it('ChatStream.collect() gives the same result', async () => {
    expect(await streamOf(EVENTS).collect()).toEqual(await collectChat(streamOf(EVENTS)));
  });

  it('ignores retry events and has no reasoning key without reasoning', async () => {
    const retry: StreamEvent = {
      type: 'retry',
      attempt: 1,
      maxRetries: 3,
      delayMs: 100,
      reason: '503',
      status: 503,
      error: new OpenRouterConnectionError('server', 'x', { status: 503 }),
    };
    const result = await collectChat(
      streamOf([[retry], [{ type: 'meta', id: 'gen-2' }], [{ type: 'token', text: 'ok' }], [{ type: 'done', finishReason: 'length' }]]),
    );
    expect(result).toEqual({ id: 'gen-2', content: 'ok', finishReason: 'length' });
    expect(result).not.toHaveProperty('reasoning');
  });

  it('has null finishReason and empty content when nothing came', async () => {
    expect(await collectChat(streamOf([]))).toEqual({ content: '', finishReason: null });
  });

  it('ChatCollector folds events one at a time', () => {
    const collector = new ChatCollector();
    collector.add({ type: 'token', text: 'a' });
    expect(collector.result().content).toBe('a');
    collector.add({ type: 'token', text: 'b' });
    expect(collector.result()).toEqual({ content: 'ab', finishReason: null });
  });
});
