// Content parts ⇄ the references a session keeps: a round trip through a real store in a
// temporary folder, parts made elsewhere (no name known), URLs, and names made safe.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from '@jest/globals';
import type { ContentPart } from '../../../src/core/index.js';
import { attachmentLabel, fromStoredContent, mediaKindOf, mediaPart, toStoredContent } from '../../../src/state/attachment-parts.js';
import { createAttachmentStore, sha256Of } from '../../../src/state/attachments.js';

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'devsynth-parts-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

const png = mediaKindOf('image/png')!;
const bytes = Buffer.from('not really a png, but bytes all the same');

describe('toStoredContent / fromStoredContent', () => {
  it('keeps bytes once in the store and a reference in the session; reading back gives the same parts', () => {
    const store = createAttachmentStore(dir);
    const content: ContentPart[] = [{ type: 'text', text: 'look' }, mediaPart(png, '/home/me/cat.png', { bytes }), mediaPart(mediaKindOf('application/pdf')!, 'x.pdf', { url: 'https://docs.invalid/x.pdf' })];
    const stored = toStoredContent(content, store);
    expect(stored).toEqual([
      { type: 'text', text: 'look' },
      { type: 'attachment', sha256: sha256Of(bytes), mime: 'image/png', name: 'cat.png', bytes: bytes.length },
      { type: 'url', url: 'https://docs.invalid/x.pdf', mime: 'application/pdf', name: 'x.pdf' },
    ]);
    expect(JSON.stringify(stored)).not.toContain(bytes.toString('base64'));
    const warnings: string[] = [];
    const back = fromStoredContent(stored, store, (m) => warnings.push(m));
    expect(back).toEqual(content);
    expect(warnings).toEqual([]);
    expect(attachmentLabel((back as ContentPart[])[1]!)).toBe(`[image: cat.png ${bytes.length} B]`);
  });

  it('parts made elsewhere (no name known) are stored too, named by their kind', () => {
    const store = createAttachmentStore(dir);
    const audio: ContentPart = { type: 'input_audio', input_audio: { data: bytes.toString('base64'), format: 'mp3' } };
    expect(toStoredContent([audio], store)).toEqual([{ type: 'attachment', sha256: sha256Of(bytes), mime: 'audio/mpeg', name: 'audio.mp3', bytes: bytes.length }]);
  });

  it('a stored file changed since: a warning and a note in place of the part, never a throw', () => {
    const store = createAttachmentStore(dir);
    const stored = toStoredContent([mediaPart(png, 'cat.png', { bytes })], store);
    writeFileSync(join(dir, 'attachments', `${sha256Of(bytes)}.png`), 'changed');
    const warnings: string[] = [];
    expect(fromStoredContent(stored, store, (m) => warnings.push(m))).toEqual([{ type: 'text', text: '[image: cat.png, no longer available]' }]);
    expect(warnings[0]).toMatch(/cat\.png is not sent again: .* no longer holds what was attached/);
  });

  it('names lose their folders and control characters', () => {
    const part = mediaPart(png, 'dir/evil\u001b]0;title\u0007\u009b.png', { bytes });
    expect(attachmentLabel(part)).toBe(`[image: evil]0;title.png ${bytes.length} B]`);
  });
});
