// `-a, --attach <path|url|->` and binary stdin: images, PDFs and audio as content parts of the
// user message. The kind comes from the bytes (sniff-kind.ts), or from --attach-type; https
// URLs are passed as URLs where the API takes them (images, PDFs).
import { closeSync, fstatSync, openSync, readSync } from 'node:fs';
import { type ContentPart, type MessageContent, UsageError } from '../../core/index.js';
import { MEDIA_KINDS, type MediaKind, mediaKindOf, mediaKindOfExtension, mediaPart } from '../../state/attachment-parts.js';
import { isBinary, readStdinBytes, markStdinSpent } from '../read-stdin.js';
import type { Runtime } from '../runtime.js';
import { sniffMediaKind } from './sniff-kind.js';

const MB = 1024 * 1024;

/**
 * The largest attachment read. 20 MB is the most any provider behind OpenRouter takes for one
 * image (OpenAI's limit; Anthropic's is 5 MB, Gemini's inline data 20 MB), and base64 makes it
 * about 27 MB on the wire: anything larger would be refused by the API after a long upload.
 * Checked before the file is read, so a mistaken `-a /dev/sda` or a huge video costs nothing.
 */
export const MAX_ATTACHMENT_BYTES = 20 * MB;

export interface AttachOptions {
  attach?: readonly string[];
  attachType?: string | undefined;
}

const SUPPORTED = MEDIA_KINDS.map((kind) => kind.mime).join(', ');

/**
 * The attachments of a chat turn, as media parts in the order given; a binary file piped on
 * stdin (an image, a PDF, audio) is one too, after them, unless `-a -` already took stdin.
 */
export async function readAttachments(runtime: Runtime, options: AttachOptions): Promise<ContentPart[]> {
  const override = options.attachType === undefined ? undefined : kindOfType(options.attachType);
  const parts: ContentPart[] = [];
  for (const source of options.attach ?? []) parts.push(await readAttachment(runtime, source, override));
  if (!(options.attach ?? []).includes('-')) {
    const piped = await pipedAttachment(runtime, override);
    if (piped) parts.push(piped);
  }
  return parts;
}

/** The user message: the words first, then the attachments; text alone stays a string. */
export function userContent(prompt: string, media: readonly ContentPart[]): MessageContent {
  if (media.length === 0) return prompt;
  return [...(prompt.trim() ? [{ type: 'text' as const, text: prompt }] : []), ...media];
}

function kindOfType(type: string): MediaKind {
  const kind = mediaKindOf(type);
  if (!kind) throw new UsageError(`--attach-type ${type} is not a type that can be attached`, { hint: `one of ${SUPPORTED}` });
  return kind;
}

/** One attachment (a path, an https URL, or - for stdin), as a media part. */
export async function readAttachment(runtime: Runtime, source: string, override: MediaKind | undefined): Promise<ContentPart> {
  if (source === '-') {
    if (runtime.io.stdin.isTTY) throw new UsageError('-a - attaches standard input, but it is a terminal', { hint: 'pipe the file in: devsynth-or chat -a - "describe it" < photo.jpg' });
    const bytes = (await readStdinBytes(runtime.io.stdin, MAX_ATTACHMENT_BYTES)) ?? Buffer.alloc(0);
    markStdinSpent(runtime.io.stdin);
    const kind = override ?? (await kindOrRefuse('standard input', bytes));
    return mediaPart(kind, `stdin.${kind.ext}`, { bytes });
  }
  if (/^[a-z][a-z\d+.-]*:\/\//i.test(source)) return urlAttachment(source, override);
  const bytes = readCapped(source);
  return mediaPart(override ?? (await kindOrRefuse(source, bytes)), source, { bytes });
}

async function kindOrRefuse(name: string, bytes: Uint8Array): Promise<MediaKind> {
  const sniffed = await sniffMediaKind(bytes);
  if (sniffed.kind) return sniffed.kind;
  throw new UsageError(`cannot attach ${name}: it is not an image, PDF or audio file (it looks like ${sniffed.looksLike})`, {
    hint: sniffed.looksLike === 'text' ? 'text goes in the prompt: pipe it in, or use -f' : `attachments are ${SUPPORTED}; --attach-type <mime> says what a file is`,
  });
}

/** https only: the API fetches it, and the URL is sent as it is. Audio is taken as base64 only. */
function urlAttachment(url: string, override: MediaKind | undefined): ContentPart {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new UsageError(`cannot attach ${url}: not a valid URL`);
  }
  if (parsed.protocol !== 'https:') throw new UsageError(`cannot attach ${url}: only https URLs can be attached`, { hint: 'download it and attach the file' });
  const extension = /\.([a-z\d]{1,5})$/i.exec(parsed.pathname)?.[1] ?? '';
  // A URL whose name says nothing (an image service's /photo?id=…) is taken as an image, the
  // common case; --attach-type says otherwise.
  const kind = override ?? mediaKindOfExtension(extension) ?? mediaKindOf('image/png')!;
  if (kind.modality === 'audio') {
    throw new UsageError(`cannot attach ${url}: audio cannot be sent by URL (the API takes audio as base64 data only)`, {
      hint: `download it first, e.g. curl -o clip.${kind.ext} '<url>', then -a clip.${kind.ext}`,
    });
  }
  return mediaPart(kind, decodeURIComponent(parsed.pathname.split('/').pop() ?? ''), { url });
}

/** The file's bytes; its size is checked before it is read (a regular file of at most the cap). */
function readCapped(path: string): Buffer {
  let fd: number;
  try {
    fd = openSync(path, 'r');
  } catch (error) {
    throw unreadable(path, error);
  }
  try {
    const stats = fstatSync(fd);
    if (stats.isDirectory()) throw new UsageError(`cannot attach ${path}: it is a folder`, { hint: 'attach its files one by one (-a each), or use -f for text' });
    if (!stats.isFile()) throw new UsageError(`cannot attach ${path}: not a regular file`);
    if (stats.size > MAX_ATTACHMENT_BYTES) throw tooLarge(path, stats.size);
    // At most the size fstat gave: a file that grows meanwhile cannot make us read past the cap.
    const buffer = Buffer.alloc(stats.size);
    let length = 0;
    for (let n; length < buffer.length && (n = readSync(fd, buffer, length, buffer.length - length, null)) > 0; ) length += n;
    return buffer.subarray(0, length);
  } catch (error) {
    if (error instanceof UsageError) throw error;
    throw unreadable(path, error);
  } finally {
    closeSync(fd);
  }
}

function tooLarge(name: string, size: number): UsageError {
  return new UsageError(`cannot attach ${name}: it is ${(size / MB).toFixed(1)} MB, over the ${MAX_ATTACHMENT_BYTES / MB} MB limit for one attachment`, {
    hint: 'make it smaller (resize an image, split a PDF), or send it by https URL',
  });
}

function unreadable(path: string, error: unknown): UsageError {
  const code = (error as NodeJS.ErrnoException).code;
  const why = code === 'ENOENT' ? 'no such file' : code === 'EACCES' || code === 'EPERM' ? 'permission denied' : (error as Error).message;
  return new UsageError(`cannot attach ${path}: ${why}`);
}

/**
 * Piped stdin that is a binary file of a kind we send (not valid UTF-8 text, or with NUL bytes,
 * and sniffed as an image, PDF or audio) is an attachment. Anything else stays text, read by the
 * prompt with today's rules: text that merely starts like a PDF ("%PDF-1.4 …") is still text.
 */
async function pipedAttachment(runtime: Runtime, override: MediaKind | undefined): Promise<ContentPart | undefined> {
  const stdin = runtime.io.stdin;
  if (stdin.isTTY) return undefined;
  const bytes = await readStdinBytes(stdin);
  if (!bytes || bytes.length === 0 || !isBinary(bytes)) return undefined;
  const kind = override ?? (await sniffMediaKind(bytes)).kind;
  if (!kind) return undefined;
  if (bytes.length > MAX_ATTACHMENT_BYTES) throw tooLarge('standard input', bytes.length);
  markStdinSpent(stdin);
  return mediaPart(kind, `stdin.${kind.ext}`, { bytes });
}
