// A message's content is text or a list of parts (text, images, files, audio). Code that only
// needs the words (previews, history, the offline provider) reads them through textOf, so that
// a list of parts is never treated as a string.
import type { ContentPart, MessageContent } from './types.js';

/** The message's text: a string as it is, or its text parts joined by blank lines. */
export function textOf(content: MessageContent): string {
  if (typeof content === 'string') return content;
  return content
    .filter((part): part is Extract<ContentPart, { type: 'text' }> => part.type === 'text')
    .map((part) => part.text)
    .join('\n\n');
}

/** The parts that are not text (images, files, audio). */
export function mediaPartsOf(content: MessageContent): ContentPart[] {
  return typeof content === 'string' ? [] : content.filter((part) => part.type !== 'text');
}

/** One media part as a person reads it: its kind and what is known of it (type or name, size). */
export interface MediaDescription {
  /** "image", "PDF", "file", "audio clip". */
  kind: string;
  /** The MIME type, the file name or the audio format, when known. */
  label?: string;
  /** Decoded bytes of inline data; undefined for a URL or a file id. */
  bytes?: number;
  /** Where it comes from when it is not inline. */
  url?: string;
}

const DATA_URL_HEAD = /^data:([^;,]+)[^,]*;base64,/;

/** Decoded size of base64 text, from its length (no decoding). */
function base64Bytes(base64: string): number {
  const padding = base64.endsWith('==') ? 2 : base64.endsWith('=') ? 1 : 0;
  return Math.max(0, Math.floor((base64.length * 3) / 4) - padding);
}

function dataUrl(url: string): { mime: string; bytes: number } | undefined {
  const match = DATA_URL_HEAD.exec(url);
  return match ? { mime: (match[1] as string).toLowerCase(), bytes: base64Bytes(url.slice(match[0].length)) } : undefined;
}

export function describeMediaPart(part: ContentPart): MediaDescription {
  switch (part.type) {
    case 'image_url': {
      const data = dataUrl(part.image_url.url);
      return data ? { kind: 'image', label: data.mime, bytes: data.bytes } : { kind: 'image', url: part.image_url.url };
    }
    case 'file': {
      const data = part.file.file_data ? dataUrl(part.file.file_data) : undefined;
      const name = part.file.filename;
      const pdf = data?.mime === 'application/pdf' || /\.pdf$/i.test(name ?? part.file.file_data ?? '');
      const label = name ?? data?.mime ?? part.file.file_id;
      return {
        kind: pdf ? 'PDF' : 'file',
        ...(label ? { label } : {}),
        ...(data ? { bytes: data.bytes } : {}),
        ...(!data && part.file.file_data ? { url: part.file.file_data } : {}),
      };
    }
    case 'input_audio':
      return { kind: 'audio clip', label: part.input_audio.format, bytes: base64Bytes(part.input_audio.data) };
    default:
      return { kind: 'text' };
  }
}

/** 412 KB, 1.2 MB: sizes as `ls -h` gives them (powers of 1024). */
export function formatBytes(bytes: number): string {
  if (bytes < 1024) return `${bytes} B`;
  if (bytes < 1024 * 1024) return `${Math.round(bytes / 1024)} KB`;
  return `${(bytes / 1024 / 1024).toFixed(1)} MB`;
}

/**
 * The media of a message in words: "1 image (image/png, 412 KB) and 1 PDF (report.pdf, 1.2 MB)";
 * empty when there is none. URLs are named by host only.
 */
export function describeMedia(content: MessageContent): string {
  const groups = new Map<string, string[]>();
  for (const part of mediaPartsOf(content)) {
    const media = describeMediaPart(part);
    let host: string | undefined;
    try {
      host = media.url ? new URL(media.url).host : undefined;
    } catch {
      host = 'a URL';
    }
    const details = [media.label, media.bytes !== undefined ? formatBytes(media.bytes) : undefined, host ? `from ${host}` : undefined].filter(Boolean);
    const list = groups.get(media.kind) ?? [];
    list.push(details.join(', '));
    groups.set(media.kind, list);
  }
  const phrases = [...groups].map(([kind, details]) => {
    const noun = details.length === 1 ? kind : kind === 'PDF' ? 'PDFs' : `${kind}s`;
    return `${details.length} ${noun} (${details.join('; ')})`;
  });
  return phrases.length <= 1 ? phrases.join('') : `${phrases.slice(0, -1).join(', ')} and ${phrases.at(-1)}`;
}
