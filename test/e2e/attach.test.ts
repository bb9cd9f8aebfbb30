// -a / --attach end to end: the built binary attaches real files made by the test (PNG, JPEG,
// PDF, WAV, MP3) and the fake OpenRouter checks what it receives against the OpenAPI spec; the
// kind comes from the bytes, --attach-type overrides it, https URLs go as URLs, binary stdin is
// an attachment, a model without the modality is refused before any request, and a session
// continued after an image sends the image again (the session file holding only a reference).
import { readdirSync, readFileSync, statSync, truncateSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from '@jest/globals';
import { catalogueEntry, defaultModels } from '../helpers/fake-catalogue.js';
import { type FakeOpenRouter, startFakeOpenRouter } from '../helpers/fake-openrouter.js';
import { makeJpeg, makeMp3, makePdf, makePng, makeWav } from '../helpers/media-files.js';
import { validateChatRequest } from '../helpers/openapi.js';
import { type CliSandbox, cliSandbox } from '../helpers/run-cli.js';

type Part = { type: string; text?: string; image_url?: { url: string }; file?: { filename?: string; file_data?: string }; input_audio?: { data: string; format: string } };
type Body = { messages: Array<{ role: string; content: string | Part[] }> };

const models = [
  ...defaultModels(),
  catalogueEntry({ id: 'google/gemma-3-27b-it:free', name: 'Google: Gemma 3 27B (free)', context: 131072, prompt: '0', completion: '0', input: ['text', 'image'] }),
  catalogueEntry({ id: 'google/gemini-2.5-flash', name: 'Google: Gemini 2.5 Flash', context: 1048576, prompt: '0.0000003', completion: '0.0000025', input: ['text', 'image', 'file', 'audio'] }),
];

let fake: FakeOpenRouter;
let cli: CliSandbox;
const png = makePng();

beforeAll(async () => {
  fake = await startFakeOpenRouter({ models });
  cli = cliSandbox(fake.url);
});
afterAll(async () => {
  await fake.close();
  cli.dispose();
});
beforeEach(() => {
  fake.requests.length = 0;
});

const chats = () => fake.requests.filter((r) => r.path === '/chat/completions');
const lastBody = () => chats().at(-1)?.body as unknown as Body;
const lastUser = () => lastBody().messages.at(-1)!;
const file = (name: string, bytes: Buffer | string) => {
  const path = join(cli.home, name);
  writeFileSync(path, bytes);
  return path;
};
const dataUrl = (mime: string, bytes: Buffer) => `data:${mime};base64,${bytes.toString('base64')}`;

function expectValidRequest(): void {
  expect(validateChatRequest(chats().at(-1)?.body)).toEqual([]);
  expect(fake.violations).toEqual([]);
}

describe('chat -a: the kind comes from the bytes', () => {
  it('a PNG named .dat, a JPEG and a PDF: text first, then image_url data URLs and a file part', async () => {
    const jpeg = makeJpeg();
    const pdf = makePdf();
    const result = await cli.run(['chat', '-m', 'openai/gpt-4o-mini', '-a', file('picture.dat', png), '--attach', file('photo.jpeg', jpeg), '-a', file('report.pdf', pdf), 'describe these']);
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    expect(lastUser()).toEqual({
      role: 'user',
      content: [
        { type: 'text', text: 'describe these' },
        { type: 'image_url', image_url: { url: dataUrl('image/png', png) } },
        { type: 'image_url', image_url: { url: dataUrl('image/jpeg', jpeg) } },
        { type: 'file', file: { filename: 'report.pdf', file_data: dataUrl('application/pdf', pdf) } },
      ],
    });
    expectValidRequest();
  }, 30_000);

  it('a WAV and an MP3: input_audio with bare base64 and the format', async () => {
    const wav = makeWav();
    const mp3 = makeMp3();
    const result = await cli.run(['chat', '-m', 'google/gemini-2.5-flash', '-a', file('voice.bin', wav), '-a', file('song.mp3', mp3), 'transcribe']);
    expect(result.code).toBe(0);
    expect(lastUser().content).toEqual([
      { type: 'text', text: 'transcribe' },
      { type: 'input_audio', input_audio: { data: wav.toString('base64'), format: 'wav' } },
      { type: 'input_audio', input_audio: { data: mp3.toString('base64'), format: 'mp3' } },
    ]);
    expectValidRequest();
  }, 30_000);

  it('--attach-type overrides what the bytes say', async () => {
    const wav = makeWav();
    const result = await cli.run(['chat', '-m', 'google/gemini-2.5-flash', '-a', file('clip.wav', wav), '--attach-type', 'audio/mpeg', 'listen']);
    expect(result.code).toBe(0);
    expect((lastUser().content as Part[])[1]).toEqual({ type: 'input_audio', input_audio: { data: wav.toString('base64'), format: 'mp3' } });
    const unknown = await cli.run(['chat', '-a', file('clip2.wav', wav), '--attach-type', 'video/mp4', 'x']);
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toContain('--attach-type video/mp4 is not a type that can be attached');
  }, 30_000);

  it('https URLs are sent as URLs: an image by default, a PDF by its extension; audio by URL is refused', async () => {
    const result = await cli.run(['chat', '-m', 'openai/gpt-4o-mini', '-a', 'https://images.invalid/cat', '-a', 'https://docs.invalid/papers/paper.pdf', 'compare']);
    expect(result.code).toBe(0);
    expect(lastUser().content).toEqual([
      { type: 'text', text: 'compare' },
      { type: 'image_url', image_url: { url: 'https://images.invalid/cat' } },
      { type: 'file', file: { filename: 'paper.pdf', file_data: 'https://docs.invalid/papers/paper.pdf' } },
    ]);
    expectValidRequest();
    const before = chats().length;
    const audio = await cli.run(['chat', '-a', 'https://audio.invalid/talk.mp3', 'x']);
    expect(audio.code).toBe(2);
    expect(audio.stderr).toMatch(/audio cannot be sent by URL.*base64/);
    expect(chats().length).toBe(before);
  }, 30_000);

  it('usage errors (exit 2) name the file: missing, a folder, text, over 20 MB (not read into memory)', async () => {
    const missing = await cli.run(['chat', '-a', join(cli.home, 'nowhere.png'), 'x']);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toContain(`cannot attach ${join(cli.home, 'nowhere.png')}: no such file`);
    const folder = await cli.run(['chat', '-a', cli.home, 'x']);
    expect(folder.code).toBe(2);
    expect(folder.stderr).toContain('it is a folder');
    const text = await cli.run(['chat', '-a', file('notes.png', 'just some notes\n'), 'x']);
    expect(text.code).toBe(2);
    expect(text.stderr).toMatch(/cannot attach .*notes\.png: it is not an image, PDF or audio file \(it looks like text\)/);
    const zip = await cli.run(['chat', '-a', file('archive.png', Buffer.from([0x50, 0x4b, 3, 4, 20, 0, 0, 0, 0, 0, ...Array(30).fill(0)])), 'x']);
    expect(zip.stderr).toContain('it looks like application/zip');
    // A sparse 1 GB file: refused from its size, before a byte of it is read.
    const huge = file('huge.png', png);
    truncateSync(huge, 1024 * 1024 * 1024);
    const big = await cli.run(['chat', '-a', huge, 'x'], { measureRss: true });
    expect(big.code).toBe(2);
    expect(big.stderr).toContain('it is 1024.0 MB, over the 20 MB limit for one attachment');
    expect(big.peakRssMb ?? 0).toBeLessThan(200);
    expect(chats()).toHaveLength(0);
  }, 60_000);
});

describe('binary stdin', () => {
  it('a PNG piped in with no words is the message alone; with words, they come first', async () => {
    const alone = await cli.run(['chat', '-m', 'openai/gpt-4o-mini'], { stdin: png });
    expect(alone.stderr).toBe('');
    expect(alone.code).toBe(0);
    expect(lastUser().content).toEqual([{ type: 'image_url', image_url: { url: dataUrl('image/png', png) } }]);
    expectValidRequest();
    const pdf = makePdf();
    const worded = await cli.run(['chat', '-m', 'openai/gpt-4o-mini', 'summarise'], { stdin: pdf });
    expect(worded.code).toBe(0);
    expect(lastUser().content).toEqual([
      { type: 'text', text: 'summarise' },
      { type: 'file', file: { filename: 'stdin.pdf', file_data: dataUrl('application/pdf', pdf) } },
    ]);
  }, 30_000);

  it('-a - takes stdin as the attachment; text that merely starts like a PDF stays text', async () => {
    const jpeg = makeJpeg();
    const taken = await cli.run(['chat', '-m', 'openai/gpt-4o-mini', '-a', '-', 'what is it'], { stdin: jpeg });
    expect(taken.code).toBe(0);
    expect(lastUser().content).toEqual([
      { type: 'text', text: 'what is it' },
      { type: 'image_url', image_url: { url: dataUrl('image/jpeg', jpeg) } },
    ]);
    const text = await cli.run(['chat', 'explain'], { stdin: '%PDF-1.4 is the version line of a PDF\n' });
    expect(text.code).toBe(0);
    expect(lastUser().content).toBe('explain\n\n%PDF-1.4 is the version line of a PDF');
  }, 30_000);
});

describe('a model without the modality', () => {
  it('is refused before any request (exit 2), naming the modality and models that take it, cheapest first', async () => {
    const result = await cli.run(['chat', '-m', 'openai/gpt-4', '-a', file('p.png', png), 'what is this']);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('openai/gpt-4 does not take image input');
    expect(result.stderr).toContain('hint: models that take it: google/gemma-3-27b-it:free, openai/gpt-4o-mini, google/gemini-2.5-flash');
    expect(chats()).toHaveLength(0);
    const audio = await cli.run(['chat', '-m', 'openai/gpt-4o-mini', '-a', file('v.wav', makeWav()), 'x']);
    expect(audio.code).toBe(2);
    expect(audio.stderr).toContain('does not take audio input');
    expect(audio.stderr).toContain('models that take it: google/gemini-2.5-flash');
    expect(chats()).toHaveLength(0);
  }, 30_000);

  it('unknown to the catalogue, or a router: sent as it is', async () => {
    const unlisted = await cli.run(['chat', '-m', 'someone/new-model', '-a', file('q.png', png), 'x']);
    expect(unlisted.code).toBe(0);
    const router = await cli.run(['chat', '-m', 'openrouter/auto', '-a', file('r.png', png), 'x']);
    expect(router.code).toBe(0);
    expect(chats()).toHaveLength(2);
  }, 30_000);
});

describe('sessions keep attachments', () => {
  it('by reference (no base64 in the session file; the file 0600 under attachments/); continued, the image is sent again', async () => {
    // A state directory of its own: every chat above kept its attachments too (for -c).
    cli.dispose();
    cli = cliSandbox(fake.url);
    const first = await cli.run(['chat', '-m', 'openai/gpt-4o-mini', '--session', 'pics', '-a', file('cat.png', png), 'what is this']);
    expect(first.code).toBe(0);
    const sessionText = readFileSync(join(cli.env.DEVSYNTH_HOME!, 'sessions', 'pics.json'), 'utf8');
    expect(sessionText).not.toContain(png.toString('base64'));
    expect(sessionText).not.toContain('base64');
    const stored = JSON.parse(sessionText) as { messages: Array<{ content: unknown }> };
    const reference = (stored.messages[0]!.content as Array<Record<string, unknown>>)[1]!;
    expect(reference).toMatchObject({ type: 'attachment', mime: 'image/png', name: 'cat.png', bytes: png.length });
    const dir = join(cli.env.DEVSYNTH_HOME!, 'attachments');
    expect(readdirSync(dir)).toEqual([`${String(reference.sha256)}.png`]);
    const attachment = join(dir, `${String(reference.sha256)}.png`);
    expect(statSync(attachment).mode & 0o777).toBe(0o600);
    expect(readFileSync(attachment).equals(png)).toBe(true);

    const second = await cli.run(['chat', '--session', 'pics', 'and its colour?']);
    expect(second.code).toBe(0);
    const messages = lastBody().messages;
    expect(messages[0]).toEqual({ role: 'user', content: [{ type: 'text', text: 'what is this' }, { type: 'image_url', image_url: { url: dataUrl('image/png', png) } }] });
    expect(messages.at(-1)).toEqual({ role: 'user', content: 'and its colour?' });
    expectValidRequest();

    // The same image attached again is stored once.
    await cli.run(['chat', '-m', 'openai/gpt-4o-mini', '-c', '-a', file('same.png', png), 'again']);
    expect(readdirSync(dir)).toHaveLength(1);

    // Changed on disk: said, and the conversation goes on without it.
    writeFileSync(attachment, makePng(3, 3));
    const third = await cli.run(['chat', '--session', 'pics', 'still there?']);
    expect(third.code).toBe(0);
    expect(third.stderr).toContain('the earlier attachment cat.png is not sent again');
    expect(lastBody().messages[0]!.content).toEqual([{ type: 'text', text: 'what is this' }, { type: 'text', text: '[image: cat.png, no longer available]' }]);
  }, 60_000);
});
