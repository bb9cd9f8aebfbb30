// Media in a conversation: estimated by what it costs a model (never by a list's length or its
// base64's characters), described in words, and abbreviated in the debug log.
import { describe, expect, it } from '@jest/globals';
import { abbreviateBody } from '../../../src/core/internal/abbreviate-body.js';
import { describeMedia } from '../../../src/core/message-content.js';
import { estimateTokens, pruneToContext } from '../../../src/core/prune-context.js';
import type { ChatMessage, ContentPart } from '../../../src/core/types.js';

const base64Of = (bytes: number) => Buffer.alloc(bytes, 7).toString('base64');
const image = (bytes: number, mime = 'image/png'): ContentPart => ({ type: 'image_url', image_url: { url: `data:${mime};base64,${base64Of(bytes)}` } });
const pdf = (bytes: number, filename = 'report.pdf'): ContentPart => ({ type: 'file', file: { filename, file_data: `data:application/pdf;base64,${base64Of(bytes)}` } });
const audio = (bytes: number, format: string): ContentPart => ({ type: 'input_audio', input_audio: { data: base64Of(bytes), format } });
const user = (...content: ContentPart[]): ChatMessage => ({ role: 'user', content });

describe('estimateTokens with parts', () => {
  it('counts the text of text parts as it counts a string', () => {
    expect(estimateTokens(user({ type: 'text', text: 'x'.repeat(300) }))).toBe(estimateTokens({ role: 'user', content: 'x'.repeat(300) }));
  });

  it('gives an image a fixed allowance whatever its size', () => {
    const small = estimateTokens(user(image(1_000)));
    expect(small).toBe(estimateTokens(user(image(3_000_000))));
    expect(small).toBeGreaterThanOrEqual(1_000);
    expect(estimateTokens(user({ type: 'image_url', image_url: { url: 'https://example.invalid/a.png' } }))).toBe(small);
  });

  it('estimates PDFs and audio by their decoded size, not by the length of their base64', () => {
    const onePdf = estimateTokens(user(pdf(300_000)));
    expect(onePdf).toBeGreaterThan(estimateTokens(user(pdf(30_000))) * 9);
    // 300,000 bytes are 400,000 base64 characters: a third of them would be 133,338 tokens.
    expect(onePdf).toBeLessThan(133_338);
    expect(onePdf).toBeGreaterThanOrEqual(50_000);
    // Compressed audio is dearer per byte than PCM: the same bytes hold more seconds.
    expect(estimateTokens(user(audio(320_000, 'mp3')))).toBeGreaterThan(estimateTokens(user(audio(320_000, 'wav'))) * 4);
    expect(estimateTokens(user(audio(320_000, 'wav')))).toBeGreaterThanOrEqual(320);
  });

  it('never takes a list of parts for characters: two parts are not 2 characters, and media is not free', () => {
    const twoParts = estimateTokens(user({ type: 'text', text: 'hi' }, image(10)));
    expect(twoParts).toBeGreaterThan(1_000);
  });

  it('lets pruning drop an old turn that carried a large PDF', () => {
    const conversation: ChatMessage[] = [
      user({ type: 'text', text: 'summarise' }, pdf(600_000)),
      { role: 'assistant', content: 'It says…' },
      { role: 'user', content: 'and now this' },
    ];
    const pruned = pruneToContext(conversation, 128_000, 4_096);
    expect(pruned.dropped).toBe(2);
    expect(pruned.messages).toEqual([{ role: 'user', content: 'and now this' }]);
  });
});

describe('describeMedia', () => {
  it('names each kind with its type or name and its decoded size', () => {
    expect(describeMedia([{ type: 'text', text: 'hi' }, image(412 * 1024), pdf(1.2 * 1024 * 1024)])).toBe(
      '1 image (image/png, 412 KB) and 1 PDF (report.pdf, 1.2 MB)',
    );
    expect(describeMedia([image(2048, 'image/jpeg'), image(100), audio(3000, 'wav')])).toBe('2 images (image/jpeg, 2 KB; image/png, 100 B) and 1 audio clip (wav, 3 KB)');
    expect(describeMedia([{ type: 'image_url', image_url: { url: 'https://pics.example.invalid/cat.png' } }])).toBe('1 image (from pics.example.invalid)');
    expect(describeMedia('just words')).toBe('');
  });
});

describe('abbreviateBody (the --debug log)', () => {
  it('cuts data URLs to their type and size, base64 audio to its size, long text to its start', () => {
    const body = {
      model: 'openai/gpt-4o',
      messages: [user({ type: 'text', text: 'why? '.repeat(1_000) }, image(412 * 1024), audio(90_000, 'wav'))],
    };
    const logged = JSON.stringify(abbreviateBody(body));
    expect(logged).toContain('"url":"data:image/png;base64,…(412 KB)"');
    expect(logged).toContain('"data":"…(88 KB base64)"');
    expect(logged).toContain('…(4000 more characters)');
    expect(logged.length).toBeLessThan(2_000);
    // The body itself is left as it was.
    expect((body.messages[0]!.content as ContentPart[])[1]).toEqual(image(412 * 1024));
  });
});
