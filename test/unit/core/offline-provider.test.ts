import { describe, expect, it } from '@jest/globals';
import { CancelledError, createProvider, OfflineProvider, OpenRouterValidationError, type StreamEvent } from '../../../src/core/index.js';

describe('OfflineProvider', () => {
  it('answers from the input, deterministically, streamed in chunks with usage and done', async () => {
    const provider = new OfflineProvider();
    const events: StreamEvent[] = [];
    for await (const event of provider.chat({ messages: [{ role: 'user', content: 'Hello there' }] })) events.push(event);
    const tokens = events.filter((e) => e.type === 'token');
    expect(tokens.length).toBeGreaterThan(3);
    expect(events[0]).toMatchObject({ type: 'meta', model: 'offline/echo', provider: 'offline' });
    expect(events.at(-1)).toMatchObject({ type: 'done', finishReason: 'stop' });
    expect(events.some((e) => e.type === 'usage')).toBe(true);
    const again = await new OfflineProvider().generate('Hello there');
    expect(tokens.map((t) => (t as { text: string }).text).join('')).toBe(again);
    expect(again).toContain('You said: "Hello there" (2 words, 1 message in the conversation)');
  });

  it('implements the specification API through the factory', async () => {
    const provider = createProvider('offline');
    expect(await provider.generateWithContext('and now?', [{ role: 'user', content: 'earlier' }, { role: 'assistant', content: 'yes' }])).toContain('3 messages');
    const pieces: string[] = [];
    for await (const piece of provider.generateStream('stream me')) pieces.push(piece);
    expect(pieces.join('')).toContain('stream me');
  });

  it('gives the same unit vector for the same text, different ones for different texts', async () => {
    const provider = new OfflineProvider({ dimensions: 32 });
    const [a, b, a2] = await provider.getEmbedding(['alpha', 'beta', 'alpha']);
    expect(a).toHaveLength(32);
    expect(a).toEqual(a2);
    expect(a).not.toEqual(b);
    expect(Math.hypot(...(a ?? []))).toBeCloseTo(1, 4);
  });

  it('validates requests as OpenRouter does, and honours an aborted signal', async () => {
    const provider = new OfflineProvider();
    await expect(provider.generate('hi', { temperature: 5 })).rejects.toBeInstanceOf(OpenRouterValidationError);
    await expect(provider.getEmbedding('')).rejects.toBeInstanceOf(OpenRouterValidationError);
    const controller = new AbortController();
    controller.abort();
    await expect(provider.chat({ messages: [{ role: 'user', content: 'x y z w' }] }, { signal: controller.signal }).collect()).rejects.toBeInstanceOf(CancelledError);
  });
});
