// Checks of a message's content parts (text, image_url, file, input_audio), made before
// anything is sent: a malformed data URL or an unknown audio format costs the user a message
// naming the message and the part (exit 2) instead of an upload of megabytes and a 400.
// The shapes are OpenRouter's (ChatContentItems in its OpenAPI spec).
import { OpenRouterValidationError } from '../errors.js';

/** The formats OpenRouter's spec names for input_audio (ChatContentAudio.format). */
export const AUDIO_FORMATS = ['wav', 'mp3', 'flac', 'm4a', 'ogg', 'aiff', 'aac', 'pcm16', 'pcm24'] as const;

const IMAGE_DETAILS = ['auto', 'low', 'high', 'original'];

/** `data:<type>/<subtype>[;param=value]*;base64,<payload>`: the only data URLs the API reads. */
const DATA_URL = /^data:([A-Za-z0-9][\w.+-]*\/[A-Za-z0-9][\w.+-]*)((?:;[\w.+-]+=[^;,]*)*);base64,/;
/** Standard base64 with its padding; whitespace and the URL-safe alphabet are refused. */
const BASE64 = /^[A-Za-z0-9+/]*={0,2}$/;

/** What a data URL holds, once checked. */
export interface DataUrl {
  mime: string;
  /** The base64 payload (no copy: a slice of the URL). */
  base64: string;
}

const isRecord = (value: unknown): value is Record<string, unknown> =>
  value !== null && typeof value === 'object' && !Array.isArray(value);

/** A value shown in a message: long ones (a data URL) are cut short. */
function shown(value: unknown): string {
  const text = typeof value === 'string' ? value : JSON.stringify(value) ?? String(value);
  return JSON.stringify(text.length > 40 ? `${text.slice(0, 40)}…` : text);
}

/** Whether `text` is well-formed base64: the alphabet, padding only at the end, a length that is a multiple of 4. */
export function isBase64(text: string): boolean {
  return text.length > 0 && text.length % 4 === 0 && BASE64.test(text);
}

/** A data URL's type and payload, or undefined when `url` is not a data: URL at all. */
export function parseDataUrl(url: string): DataUrl | undefined {
  const match = DATA_URL.exec(url);
  if (!match) return undefined;
  return { mime: (match[1] as string).toLowerCase(), base64: url.slice(match[0].length) };
}

/**
 * Checks one part. `where` names it for messages: "message 2, part 3 (image_url)".
 * Throws OpenRouterValidationError (exit 2).
 */
export function validateContentPart(part: unknown, where: string): void {
  const fail = (problem: string, hint?: string): never => {
    throw new OpenRouterValidationError(`${where}: ${problem}`, hint ? { hint } : {});
  };
  if (!isRecord(part)) return fail('a content part must be an object with a "type"');
  switch (part.type) {
    case 'text':
      if (typeof part.text !== 'string') fail('a text part needs "text" (a string)');
      if (part.cache_control !== undefined) checkCacheControl(part.cache_control, fail);
      return;
    case 'image_url': {
      const image = part.image_url;
      if (!isRecord(image) || typeof image.url !== 'string') return fail('an image_url part needs "image_url": {"url": "…"}');
      if (image.detail !== undefined && !IMAGE_DETAILS.includes(String(image.detail))) {
        fail(`unknown image detail ${shown(image.detail)} (known: ${IMAGE_DETAILS.join(', ')})`);
      }
      checkUrl(image.url, 'image', fail);
      return;
    }
    case 'file': {
      const file = part.file;
      if (!isRecord(file)) return fail('a file part needs "file": {"filename", "file_data"}');
      if (file.filename !== undefined && typeof file.filename !== 'string') fail('"filename" must be a string');
      if (file.file_id !== undefined && typeof file.file_id !== 'string') fail('"file_id" must be a string');
      if (file.file_data === undefined) {
        if (file.file_id === undefined) fail('a file part needs "file_data" (a data: URL or an https URL) or "file_id"');
        return;
      }
      if (typeof file.file_data !== 'string') return fail('"file_data" must be a string');
      checkUrl(file.file_data, 'file', fail);
      return;
    }
    case 'input_audio': {
      const audio = part.input_audio;
      if (!isRecord(audio) || typeof audio.data !== 'string' || typeof audio.format !== 'string') {
        return fail('an input_audio part needs "input_audio": {"data": "<base64>", "format": "wav"}');
      }
      if (!(AUDIO_FORMATS as readonly string[]).includes(audio.format)) {
        fail(`unknown audio format ${shown(audio.format)}`, `known formats: ${AUDIO_FORMATS.join(', ')}`);
      }
      if (audio.data.startsWith('data:')) fail('audio "data" is plain base64, without a data: URL prefix');
      if (!isBase64(audio.data)) fail('audio "data" is not well-formed base64');
      return;
    }
    default:
      fail(`unknown content part type ${shown(part.type)} (known: text, image_url, file, input_audio)`);
  }
}

/** The TTLs OpenRouter's spec names for a cache breakpoint (AnthropicCacheControlTtl). */
const CACHE_TTLS = ['5m', '1h'];

/** A prompt-cache breakpoint on a text part: {"type": "ephemeral"}, with an optional ttl of 5m or 1h. */
function checkCacheControl(control: unknown, fail: (problem: string, hint?: string) => never): void {
  if (!isRecord(control) || control.type !== 'ephemeral') {
    return fail(`"cache_control" must be {"type": "ephemeral"}, got ${shown(control)}`);
  }
  if (control.ttl !== undefined && !CACHE_TTLS.includes(String(control.ttl))) {
    fail(`unknown cache_control ttl ${shown(control.ttl)} (known: ${CACHE_TTLS.join(', ')})`);
  }
}

/** An image or a file by reference: an https: URL, or a well-formed base64 data: URL. */
function checkUrl(url: string, what: 'image' | 'file', fail: (problem: string, hint?: string) => never): void {
  if (url.startsWith('data:')) {
    const data = parseDataUrl(url);
    if (!data) return fail(`the ${what} data URL is malformed: expected data:<type>;base64,<data>, got ${shown(url)}`);
    if (what === 'image' && !data.mime.startsWith('image/')) fail(`an image data URL must have an image/ type, got ${data.mime}`);
    if (!isBase64(data.base64)) fail(`the ${what} data URL's base64 is not well formed (${data.mime})`);
    return;
  }
  let parsed: URL | undefined;
  try {
    parsed = new URL(url);
  } catch {
    // reported below
  }
  // The service fetches URLs itself; a plain-http or local URL would leak or fail there.
  if (parsed?.protocol !== 'https:') {
    fail(`the ${what} URL must be https: or a data: URL, got ${shown(url)}`, 'attach a local file as a data: URL, or give an https URL');
  }
}
