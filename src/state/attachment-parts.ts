// Images, PDFs and audio as content parts, and as the references a session file keeps of them.
// A part sent to the API carries its bytes as base64; the session keeps a reference to the
// attachment store instead ({type:'attachment', sha256, …}), or the URL itself for a part sent
// by URL, and turns the reference back into the same part when the conversation is continued.
import * as z from '../config/zod.js';
import type { ContentPart, MessageContent } from '../core/index.js';
import { AttachmentUnavailableError, type AttachmentStore, sha256Of } from './attachments.js';

/** The catalogue's input modality an attachment needs (architecture.input_modalities). */
export type Modality = 'image' | 'file' | 'audio';

export interface MediaKind {
  mime: string;
  ext: string;
  modality: Modality;
  /** The word the transcript shows: [image: photo.jpg 412 KB]. */
  label: 'image' | 'pdf' | 'audio';
  /** input_audio's `format`. */
  audioFormat?: string;
}

/** What the API takes (OpenRouter's multimodal guides): these images, PDFs, WAV and MP3. */
export const MEDIA_KINDS: readonly MediaKind[] = [
  { mime: 'image/png', ext: 'png', modality: 'image', label: 'image' },
  { mime: 'image/jpeg', ext: 'jpg', modality: 'image', label: 'image' },
  { mime: 'image/webp', ext: 'webp', modality: 'image', label: 'image' },
  { mime: 'image/gif', ext: 'gif', modality: 'image', label: 'image' },
  { mime: 'application/pdf', ext: 'pdf', modality: 'file', label: 'pdf' },
  { mime: 'audio/wav', ext: 'wav', modality: 'audio', label: 'audio', audioFormat: 'wav' },
  { mime: 'audio/mpeg', ext: 'mp3', modality: 'audio', label: 'audio', audioFormat: 'mp3' },
];

/** Other names in use for the same types (what `file --mime-type` and browsers say). */
const MIME_ALIASES: Record<string, string> = {
  'image/jpg': 'image/jpeg',
  'audio/x-wav': 'audio/wav',
  'audio/wave': 'audio/wav',
  'audio/vnd.wave': 'audio/wav',
  'audio/mp3': 'audio/mpeg',
  'audio/x-mp3': 'audio/mpeg',
};

export function mediaKindOf(mime: string): MediaKind | undefined {
  const lower = mime.trim().toLowerCase();
  const canonical = MIME_ALIASES[lower] ?? lower;
  return MEDIA_KINDS.find((kind) => kind.mime === canonical);
}

export function mediaKindOfExtension(ext: string): MediaKind | undefined {
  const lower = ext.toLowerCase();
  return MEDIA_KINDS.find((kind) => kind.ext === lower || (lower === 'jpeg' && kind.ext === 'jpg'));
}

/** What is known of an attachment beyond its part: its name and size, for the transcript and the session. */
export interface AttachmentInfo {
  kind: MediaKind;
  name: string;
  /** Its size, for bytes attached (not for a URL). */
  bytes?: number;
  sha256?: string;
  url?: string;
}

// A part made here remembers where it came from (a file's name), so that the transcript and the
// session can name it; parts made elsewhere (the library) are described from their content.
const infos = new WeakMap<ContentPart, AttachmentInfo>();

/** The part the API takes for `kind`: bytes as base64 (a data URL but for audio), or a URL. */
export function mediaPart(kind: MediaKind, name: string, source: { bytes: Uint8Array; sha256?: string } | { url: string }): ContentPart {
  const safeName = cleanName(name, kind);
  let part: ContentPart;
  if ('url' in source) {
    part = kind.modality === 'file' ? { type: 'file', file: { filename: safeName, file_data: source.url } } : { type: 'image_url', image_url: { url: source.url } };
    infos.set(part, { kind, name: safeName, url: source.url });
    return part;
  }
  const base64 = Buffer.from(source.bytes).toString('base64');
  const dataUrl = `data:${kind.mime};base64,${base64}`;
  if (kind.modality === 'image') part = { type: 'image_url', image_url: { url: dataUrl } };
  else if (kind.modality === 'file') part = { type: 'file', file: { filename: safeName, file_data: dataUrl } };
  else part = { type: 'input_audio', input_audio: { data: base64, format: kind.audioFormat ?? kind.ext } };
  infos.set(part, { kind, name: safeName, bytes: source.bytes.length, sha256: source.sha256 ?? sha256Of(source.bytes) });
  return part;
}

/** A file name to show and send: the last path segment, without controls, not too long. */
function cleanName(name: string, kind: MediaKind): string {
  // eslint-disable-next-line no-control-regex
  const base = (name.split(/[\\/]/).pop() ?? '').replace(/[\u0000-\u001f\u007f-\u009f]/g, '').slice(0, 200);
  return base || `${kind.label}.${kind.ext}`;
}

const DATA_URL = /^data:([\w.+-]+\/[\w.+-]+)(?:;[^,]*)?;base64,/i;

/**
 * The part's attachment: as mediaPart made it, else read from the part itself (a part built by
 * a library user); with its base64 when it carries bytes. Undefined for text.
 */
export function attachmentInfoOf(part: ContentPart): (AttachmentInfo & { base64?: string }) | undefined {
  if (part.type === 'text') return undefined;
  const known = infos.get(part);
  if (part.type === 'input_audio') {
    const kind = MEDIA_KINDS.find((k) => k.audioFormat === part.input_audio.format.toLowerCase()) ?? WAV;
    const base64 = part.input_audio.data;
    return { ...(known ?? { kind, name: `audio.${kind.ext}`, bytes: base64Size(base64) }), base64 };
  }
  const data = part.type === 'image_url' ? part.image_url.url : (part.file.file_data ?? part.file.file_id ?? '');
  const dataMime = DATA_URL.exec(data)?.[1];
  const base64 = dataMime === undefined ? undefined : data.slice(data.indexOf(',') + 1);
  if (known) return { ...known, ...(base64 !== undefined ? { base64 } : {}) };
  const kind = mediaKindOf(dataMime ?? '') ?? (part.type === 'file' ? PDF : (mediaKindOfExtension(extensionOf(data)) ?? PNG));
  const name = (part.type === 'file' ? part.file.filename : undefined) ?? (base64 === undefined ? lastSegment(data) : '') ?? '';
  const shown = name || `${kind.label}.${kind.ext}`;
  return base64 === undefined ? { kind, name: shown, url: data } : { kind, name: shown, base64, bytes: base64Size(base64) };
}

const PNG = mediaKindOf('image/png')!;
const PDF = mediaKindOf('application/pdf')!;
const WAV = mediaKindOf('audio/wav')!;
const base64Size = (base64: string) => Math.floor((base64.replace(/=+$/, '').length * 3) / 4);
const lastSegment = (url: string) => {
  try {
    return decodeURIComponent(new URL(url).pathname.split('/').pop() ?? '');
  } catch {
    return '';
  }
};
const extensionOf = (url: string) => /\.([a-z0-9]{1,5})$/i.exec(lastSegment(url))?.[1] ?? '';

/** `[image: photo.jpg 412 KB]`: an attachment as the transcript shows it (made terminal-safe there). */
export function attachmentLabel(part: ContentPart): string | undefined {
  const info = attachmentInfoOf(part);
  if (!info) return undefined;
  const size = info.bytes !== undefined ? ` ${formatSize(info.bytes)}` : '';
  return `[${info.kind.label}: ${info.url && !info.name ? info.url : info.name}${size}]`;
}

export function formatSize(bytes: number): string {
  if (bytes < 1000) return `${bytes} B`;
  if (bytes < 1000 * 1000) return `${Math.round(bytes / 1000)} KB`;
  return `${(bytes / 1000 / 1000).toFixed(1)} MB`;
}

export const storedPartSchema = z.union([
  z.object({ type: z.literal('text'), text: z.string() }),
  z.object({ type: z.literal('attachment'), sha256: z.string(), mime: z.string(), name: z.string(), bytes: z.number() }),
  z.object({ type: z.literal('url'), url: z.string(), mime: z.string(), name: z.string() }),
]);
/** A part as a session file keeps it: text, a reference to the attachment store, or a URL. */
export type StoredPart = z.infer<typeof storedPartSchema>;
export type StoredContent = string | StoredPart[];

/** The content as a session keeps it: attachments written to the store, referred to by hash. */
export function toStoredContent(content: MessageContent, store: AttachmentStore): StoredContent {
  if (typeof content === 'string') return content;
  return content.map((part): StoredPart => {
    if (part.type === 'text') return part;
    const info = attachmentInfoOf(part)!;
    if (info.base64 === undefined) return { type: 'url', url: info.url ?? '', mime: info.kind.mime, name: info.name };
    const bytes = Buffer.from(info.base64, 'base64');
    const { sha256 } = store.put(bytes, info.kind.ext, info.sha256);
    return { type: 'attachment', sha256, mime: info.kind.mime, name: info.name, bytes: bytes.length };
  });
}

/**
 * The content a session kept, with its attachments read back from the store. One that is gone
 * or changed is said (warn) and replaced by a note in the text, so that the conversation goes on.
 */
export function fromStoredContent(content: StoredContent, store: AttachmentStore, warn: (message: string) => void): MessageContent {
  if (typeof content === 'string') return content;
  return content.map((part): ContentPart => {
    if (part.type === 'text') return part;
    const kind = mediaKindOf(part.mime) ?? PNG;
    if (part.type === 'url') return mediaPart(kind, part.name, { url: part.url });
    try {
      return mediaPart(kind, part.name, { bytes: store.get(part.sha256, kind.ext), sha256: part.sha256 });
    } catch (error) {
      if (!(error instanceof AttachmentUnavailableError)) throw error;
      warn(`the earlier attachment ${part.name} is not sent again: ${error.message}`);
      return { type: 'text', text: `[${kind.label}: ${part.name}, no longer available]` };
    }
  });
}
