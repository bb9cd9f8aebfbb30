// One file's text for -f: read with a bound (a file that grows after it was measured, or a
// device named by mistake, cannot make the read unbounded), and refused when it is not text.
import { open, stat } from 'node:fs/promises';
import { extname } from 'node:path';

/**
 * Kinds that are binary whatever their first bytes say; their bytes are not read. The rest are
 * judged by their bytes: a NUL byte or invalid UTF-8 is not text a model should be sent.
 */
const BINARY_EXTENSIONS = new Set(
  (
    'png jpg jpeg gif webp bmp ico tif tiff heic avif psd ' +
    'pdf doc docx xls xlsx ppt pptx odt ods odp epub ' +
    'zip gz tgz bz2 xz zst 7z rar tar jar war apk dmg iso deb rpm ' +
    'mp3 wav flac ogg oga opus m4a aac mp4 m4v mov avi mkv webm ' +
    'woff woff2 ttf otf eot ' +
    'exe dll so dylib o a lib obj class pyc pyo wasm node bin dat db sqlite sqlite3 parquet'
  ).split(' '),
);

const READ_CHUNK_BYTES = 64 * 1024;

export type FileText =
  | { kind: 'text'; text: string; bytes: number }
  | { kind: 'binary'; reason: string }
  | { kind: 'too-big'; bytes: number }
  | { kind: 'not-a-file' };

/** Whether the name alone says the file is binary. */
export function isBinaryByName(path: string): boolean {
  return BINARY_EXTENSIONS.has(extname(path).slice(1).toLowerCase());
}

/** The file's text, or why there is none; reads at most `maxBytes` + 1 bytes. */
export async function readFileText(path: string, maxBytes: number): Promise<FileText> {
  if (isBinaryByName(path)) return { kind: 'binary', reason: `a ${extname(path).slice(1).toLowerCase()} file` };
  // Opening a FIFO would wait for a writer: only regular files are opened.
  if (!(await stat(path)).isFile()) return { kind: 'not-a-file' };
  const handle = await open(path, 'r');
  try {
    const stats = await handle.stat();
    if (!stats.isFile()) return { kind: 'not-a-file' };
    if (stats.size > maxBytes) return { kind: 'too-big', bytes: stats.size };
    // Read to the end rather than to the measured size: a file may have grown since.
    const chunks: Buffer[] = [];
    let length = 0;
    for (;;) {
      const chunk = Buffer.allocUnsafe(READ_CHUNK_BYTES);
      const { bytesRead } = await handle.read(chunk, 0, chunk.length, null);
      if (bytesRead === 0) break;
      chunks.push(chunk.subarray(0, bytesRead));
      length += bytesRead;
      if (length > maxBytes) return { kind: 'too-big', bytes: Math.max(stats.size, length) };
    }
    const bytes = Buffer.concat(chunks, length);
    if (bytes.includes(0)) return { kind: 'binary', reason: 'it holds NUL bytes' };
    try {
      return { kind: 'text', text: new TextDecoder('utf-8', { fatal: true }).decode(bytes), bytes: length };
    } catch {
      return { kind: 'binary', reason: 'it is not UTF-8 text' };
    }
  } finally {
    await handle.close();
  }
}
