// What an attachment is, from its bytes (magic numbers, via file-type), not from its name: a
// photo saved as .txt is still a photo, and a text file named .png is not one.
import { type MediaKind, mediaKindOf } from '../../state/attachment-parts.js';
import { utf8TextOf } from '../read-stdin.js';

export type Sniffed = { kind: MediaKind } | { kind?: undefined; looksLike: string };

/** file-type reads at most this much of the start (its own sample size). */
const SAMPLE_BYTES = 4100;

export async function sniffMediaKind(bytes: Uint8Array): Promise<Sniffed> {
  // Loaded only when something is attached: every other run is spared its start-up cost.
  const { fileTypeFromBuffer } = await import('file-type');
  const found = await fileTypeFromBuffer(bytes.subarray(0, SAMPLE_BYTES));
  const kind = found ? mediaKindOf(found.mime) : undefined;
  if (kind) return { kind };
  if (found) return { looksLike: `${found.mime} (.${found.ext})` };
  return { looksLike: bytes.length === 0 ? 'an empty file' : utf8TextOf(bytes.subarray(0, 64 * 1024)) !== undefined ? 'text' : 'binary data of an unknown kind' };
}
