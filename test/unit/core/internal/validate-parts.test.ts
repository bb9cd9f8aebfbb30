// Content parts are checked before anything is sent: each failure names the message and the
// part, and exits 2 (usage), instead of an upload that ends in a 400.
import { describe, expect, it } from '@jest/globals';
import { OpenRouterValidationError } from '../../../../src/core/errors.js';
import {
  DEFAULT_MAX_MEDIA_REQUEST_BYTES,
  DEFAULT_MAX_REQUEST_BYTES,
  validateMessages,
  validateRequestSize,
} from '../../../../src/core/internal/validate-request.js';
import type { ChatMessage, ContentPart } from '../../../../src/core/types.js';

function refusal(run: () => void): OpenRouterValidationError {
  let thrown: unknown;
  try {
    run();
  } catch (error) {
    thrown = error;
  }
  expect(thrown).toBeInstanceOf(OpenRouterValidationError);
  expect((thrown as OpenRouterValidationError).exitCode).toBe(2);
  return thrown as OpenRouterValidationError;
}

const PNG_BASE64 = Buffer.from('\x89PNG\r\n\x1a\n0000000000').toString('base64');
const text = (t: string): ContentPart => ({ type: 'text', text: t });
const image = (url: string): ContentPart => ({ type: 'image_url', image_url: { url } });
const pdf = (fileData: string, filename = 'report.pdf'): ContentPart => ({ type: 'file', file: { filename, file_data: fileData } });
const audio = (data: string, format: string): ContentPart => ({ type: 'input_audio', input_audio: { data, format } });
const asUser = (...parts: ContentPart[]): ChatMessage[] => [{ role: 'user', content: parts }];
/** A conversation whose second message carries the parts, so that messages are named by number. */
const second = (...parts: unknown[]): ChatMessage[] => [
  { role: 'system', content: 'be brief' },
  { role: 'user', content: parts as ContentPart[] },
];

describe('validateMessages with content parts', () => {
  it('accepts text, images (https and data URLs), PDFs, file ids and audio in every known format', () => {
    expect(() =>
      validateMessages(
        asUser(
          text('what is in these?'),
          image('https://example.invalid/cat.png'),
          image(`data:image/png;base64,${PNG_BASE64}`),
          { type: 'image_url', image_url: { url: `data:image/jpeg;base64,${PNG_BASE64}`, detail: 'low' } },
          pdf(`data:application/pdf;base64,${PNG_BASE64}`),
          pdf('https://example.invalid/report.pdf'),
          { type: 'file', file: { file_id: 'file-123' } },
          ...['wav', 'mp3', 'flac', 'm4a', 'ogg', 'aac'].map((format) => audio(PNG_BASE64, format)),
        ),
      ),
    ).not.toThrow();
  });

  it('accepts a user message of media alone (no words): it is not an empty prompt', () => {
    expect(() => validateMessages(asUser(image(`data:image/png;base64,${PNG_BASE64}`)))).not.toThrow();
  });

  it('refuses a last user message with neither text nor media as "the prompt is empty"', () => {
    expect(refusal(() => validateMessages(asUser())).message).toBe('the prompt is empty');
    expect(refusal(() => validateMessages(asUser(text('  \n'), text('')))).message).toBe('the prompt is empty');
  });

  it.each([
    ['an unknown type', { type: 'video', video: {} }, 'message 2, part 1 (video): unknown content part type "video"'],
    ['a part that is not an object', 'hello', 'message 2, part 1: a content part must be an object'],
    ['a text part without text', { type: 'text' }, 'message 2, part 1 (text): a text part needs "text"'],
    ['an image without a URL', { type: 'image_url', image_url: {} }, 'message 2, part 1 (image_url): an image_url part needs'],
    ['an http image URL', image('http://example.invalid/a.png'), 'the image URL must be https: or a data: URL, got "http://example.invalid/a.png"'],
    ['a file: image URL', image('file:///etc/passwd'), 'the image URL must be https: or a data: URL'],
    ['a data URL without ;base64', image('data:image/png,abc'), 'the image data URL is malformed: expected data:<type>;base64,<data>'],
    ['a data URL without a type', image(`data:;base64,${PNG_BASE64}`), 'the image data URL is malformed'],
    ['an image data URL of another type', image(`data:application/pdf;base64,${PNG_BASE64}`), 'an image data URL must have an image/ type, got application/pdf'],
    ['broken base64 in a data URL', image('data:image/png;base64,abc$def'), "the image data URL's base64 is not well formed (image/png)"],
    ['base64 of a bad length', image('data:image/png;base64,abcde'), "base64 is not well formed"],
    ['an unknown image detail', { type: 'image_url', image_url: { url: 'https://example.invalid/a.png', detail: 'ultra' } }, 'unknown image detail "ultra"'],
    ['a file without data or id', { type: 'file', file: { filename: 'a.pdf' } }, 'a file part needs "file_data"'],
    ['a file with a malformed data URL', pdf('data:application/pdf;base64'), 'the file data URL is malformed'],
    ['a file with broken base64', pdf('data:application/pdf;base64,****'), "the file data URL's base64 is not well formed (application/pdf)"],
    ['a file by http URL', pdf('http://example.invalid/a.pdf'), 'the file URL must be https: or a data: URL'],
    ['audio in an unknown format', audio(PNG_BASE64, 'midi'), 'message 2, part 1 (input_audio): unknown audio format "midi"'],
    ['audio given as a data URL', audio(`data:audio/wav;base64,${PNG_BASE64}`, 'wav'), 'audio "data" is plain base64, without a data: URL prefix'],
    ['audio with broken base64', audio('not base64!', 'wav'), 'audio "data" is not well-formed base64'],
    ['audio without data', { type: 'input_audio', input_audio: { format: 'wav' } }, 'an input_audio part needs'],
  ])('refuses %s, naming the message and the part', (_name, part, message) => {
    const error = refusal(() => validateMessages(second(text('look'), part).map((m, i) => (i === 1 ? { ...m, content: [part as ContentPart] } : m))));
    expect(error.message).toContain(message);
  });

  it('names the part by its place among the others', () => {
    const error = refusal(() => validateMessages(second(text('a'), text('b'), audio(PNG_BASE64, 'opus'))));
    expect(error.message).toContain('message 2, part 3 (input_audio)');
    expect(error.hint).toContain('wav, mp3, flac');
  });

  it('never echoes a long data URL whole in the message', () => {
    const long = `data:image/png,${'A'.repeat(100_000)}`;
    const error = refusal(() => validateMessages(asUser(image(long))));
    expect(error.message.length).toBeLessThan(300);
  });

  it('refuses content that is neither text nor a list, but lets an assistant message that only calls tools have none', () => {
    expect(refusal(() => validateMessages([{ role: 'user', content: 42 } as unknown as ChatMessage])).message).toContain('message 1 has no content');
    expect(() =>
      validateMessages([
        { role: 'user', content: 'hi' },
        { role: 'assistant', content: null } as unknown as ChatMessage,
        { role: 'user', content: 'and?' },
      ]),
    ).not.toThrow();
  });
});

describe('cache_control on text parts', () => {
  it('accepts an ephemeral breakpoint, with no ttl or a ttl of 5m or 1h, on system and user text', () => {
    expect(() =>
      validateMessages([
        { role: 'system', content: [{ type: 'text', text: 'long rules', cache_control: { type: 'ephemeral' } }] },
        { role: 'user', content: [{ type: 'text', text: 'files', cache_control: { type: 'ephemeral', ttl: '1h' } }, { type: 'text', text: 'q', cache_control: { type: 'ephemeral', ttl: '5m' } }] },
      ]),
    ).not.toThrow();
  });

  it.each([
    [{ type: 'persistent' }, '"cache_control" must be {"type": "ephemeral"}'],
    ['ephemeral', '"cache_control" must be {"type": "ephemeral"}'],
    [{ type: 'ephemeral', ttl: '24h' }, 'unknown cache_control ttl "24h" (known: 5m, 1h)'],
  ])('refuses %j, naming the part', (control, problem) => {
    const error = refusal(() => validateMessages(second({ type: 'text', text: 'x', cache_control: control })));
    expect(error.message.startsWith(`message 2, part 1 (text): ${problem}`)).toBe(true);
  });
});

describe('request size with media', () => {
  const limits = { maxRequestBytes: 1_000, maxMediaRequestBytes: 10_000 };
  const withImage = (base64Chars: number) => ({ messages: asUser(text('describe'), image(`data:image/png;base64,${'A'.repeat(base64Chars)}`)) });

  it('keeps 8 MiB for text and gives requests with media a larger, separate ceiling', () => {
    expect(DEFAULT_MAX_REQUEST_BYTES).toBe(8 * 1024 * 1024);
    expect(DEFAULT_MAX_MEDIA_REQUEST_BYTES).toBe(32 * 1024 * 1024);
  });

  it('measures the encoded parts: a body with an image may pass the text limit up to the media limit', () => {
    expect(() => validateRequestSize(withImage(5_000), limits)).not.toThrow();
    const error = refusal(() => validateRequestSize(withImage(12_000), limits));
    expect(error.message).toMatch(/^the request is 0\.0 MiB with its attachments encoded, over the 0\.0 MiB limit for requests with images, files or audio; the largest is message 1, part 2 \(image, 0\.0 MiB encoded\)$/);
    expect(error.hint).toContain('https URLs');
  });

  it('says how big the request is and what the limit is, in MiB', () => {
    const big = { messages: asUser(text('x'), pdf(`data:application/pdf;base64,${'A'.repeat(3 * 1024 * 1024)}`)) };
    const error = refusal(() => validateRequestSize(big, { maxRequestBytes: 1024 * 1024, maxMediaRequestBytes: 2 * 1024 * 1024 }));
    expect(error.message).toContain('the request is 3.0 MiB');
    expect(error.message).toContain('over the 2.0 MiB limit');
    expect(error.message).toContain('message 1, part 2 (PDF, 3.0 MiB encoded)');
  });

  it('holds text alone to the text limit however large the media limit', () => {
    const body = { messages: asUser(text('x'.repeat(5_000))) };
    const error = refusal(() => validateRequestSize(body, limits));
    expect(error.message).toMatch(/over the 0\.0 MiB limit$/);
    expect(error.hint).toContain('maxRequestBytes');
  });
});
