// The offline provider says what it was given, so that a script (and a CLI test) sees its
// attachments arrive; it checks parts as a real request would.
import { describe, expect, it } from '@jest/globals';
import { OfflineProvider, OpenRouterValidationError } from '../../../src/core/index.js';

const base64Of = (bytes: number) => Buffer.alloc(bytes, 3).toString('base64');

describe('OfflineProvider with content parts', () => {
  it('describes the images, PDFs and audio that came with the words', async () => {
    const answer = await new OfflineProvider()
      .chat({
        messages: [
          {
            role: 'user',
            content: [
              { type: 'text', text: 'what is this' },
              { type: 'image_url', image_url: { url: `data:image/png;base64,${base64Of(412 * 1024)}` } },
              { type: 'file', file: { filename: 'report.pdf', file_data: `data:application/pdf;base64,${base64Of(1.2 * 1024 * 1024)}` } },
            ],
          },
        ],
      })
      .collect();
    expect(answer.content).toContain('You said: "what is this" (3 words, 1 message in the conversation), with 1 image (image/png, 412 KB) and 1 PDF (report.pdf, 1.2 MB).');
  });

  it('answers media alone, and refuses a malformed part as OpenRouter would', async () => {
    const provider = new OfflineProvider();
    const audioOnly = await provider.chat({ messages: [{ role: 'user', content: [{ type: 'input_audio', input_audio: { data: base64Of(3000), format: 'mp3' } }] }] }).collect();
    expect(audioOnly.content).toContain('with 1 audio clip (mp3, 3 KB)');
    const bad = await provider
      .chat({ messages: [{ role: 'user', content: [{ type: 'image_url', image_url: { url: 'data:image/png;base64,%%%%' } }] }] })
      .collect()
      .catch((error: unknown) => error);
    expect(bad).toBeInstanceOf(OpenRouterValidationError);
    expect((bad as Error).message).toContain('message 1, part 1 (image_url)');
  });
});
