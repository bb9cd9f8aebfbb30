// Embedding vectors cached on disk (the `embeddings` namespace of disk-cache/), one entry per
// vector, keyed by provider, base URL, model, dimensions and the text's SHA-256: a vector from
// one endpoint is never served for another. Each is stored as the JSON text it was printed as
// (packed-numbers.ts), so a cached run prints the same bytes as an uncached one. A vector is
// cached only when it is an array of finite numbers: anything else from a server would
// otherwise be served forever (cache poisoning).
//
// The JSON-lines files of earlier versions (<cache>/embeddings/<model>.jsonl, keyed by model
// only) are not migrated, since their vectors name no endpoint: they are removed at the first
// write, and a failure to remove them is ignored.
import { createHash } from 'node:crypto';
import { lstatSync, readdirSync, unlinkSync } from 'node:fs';
import { join } from 'node:path';
import { openDiskCache, packNumbers, unpackNumbers } from './disk-cache/index.js';
import type { Warn } from './json-store.js';

export const textHash = (text: string): string => createHash('sha256').update(text).digest('hex');

/** A vector worth keeping: a non-empty array of finite numbers. */
export function isVector(value: unknown): value is number[] {
  return Array.isArray(value) && value.length > 0 && value.every((x) => typeof x === 'number' && Number.isFinite(x));
}

/** Where vectors come from: they are cached apart for each. */
export interface EmbeddingSource {
  provider: string;
  /** The provider's base URL (its endpoint). */
  endpoint: string;
  model: string;
  dimensions?: number;
}

export interface EmbeddingsCacheOptions {
  warn?: Warn;
  /** The cache's size cap in bytes (disk-cache's default otherwise). */
  maxBytes?: number;
}

export function createEmbeddingsCache(cacheDir: string, source: EmbeddingSource, options: EmbeddingsCacheOptions = {}) {
  const store = openDiskCache(cacheDir, { namespace: 'embeddings', ...(options.warn ? { warn: options.warn } : {}), ...(options.maxBytes !== undefined ? { maxBytes: options.maxBytes } : {}) });
  const scope = JSON.stringify([source.provider, source.endpoint, source.model, source.dimensions ?? null]);
  const keyOf = (hash: string) => `${scope}${hash}`;
  let oldFilesRemoved = false;
  return {
    store,
    /**
     * The cached vector of the text with this hash, as the JSON text of its array ("[…]"),
     * ASCII bytes; undefined when it is not cached.
     */
    getText(hash: string): Buffer | undefined {
      const packed = store.get(keyOf(hash));
      if (!packed || packed.length === 0) return undefined;
      return Buffer.concat([OPEN, unpackNumbers(packed), CLOSE]);
    },
    /** The cached vector as numbers. */
    get(hash: string): number[] | undefined {
      const text = this.getText(hash);
      if (!text) return undefined;
      try {
        const vector = JSON.parse(text.toString('latin1')) as unknown;
        return isVector(vector) ? vector : undefined;
      } catch {
        return undefined;
      }
    },
    /** Gets the store ready for these texts' vectors (disk-cache's prepare). */
    prepare(hashes: readonly string[]): void {
      store.prepare(hashes.map(keyOf));
    },
    /**
     * Stores vectors, each with the JSON text it is printed as (JSON.stringify of the vector:
     * given when the caller has made it already). Invalid vectors are left out.
     */
    add(entries: ReadonlyArray<{ hash: string; vector: unknown; text?: string }>): void {
      const valid: Array<{ key: string; value: Buffer }> = [];
      for (const entry of entries) {
        if (!isVector(entry.vector)) continue;
        const text = entry.text ?? JSON.stringify(entry.vector);
        const packed = packNumbers(text.slice(1, -1));
        if (packed) valid.push({ key: keyOf(entry.hash), value: packed });
      }
      if (valid.length === 0) return;
      if (!oldFilesRemoved) {
        oldFilesRemoved = true;
        removeOldCache(join(cacheDir, 'embeddings'));
      }
      store.putMany(valid);
    },
  };
}
export type EmbeddingsCache = ReturnType<typeof createEmbeddingsCache>;

const OPEN = Buffer.from('[');
const CLOSE = Buffer.from(']');

/** The earlier versions' JSON-lines files (and their locks): removed, never followed. */
function removeOldCache(dir: string): void {
  try {
    if (!lstatSync(dir).isDirectory()) return;
    for (const name of readdirSync(dir)) {
      // unlink removes a link itself, never what it points at.
      if (/\.jsonl(\.lock)?$/.test(name)) unlinkSync(join(dir, name));
    }
  } catch {
    // Absent, or not ours to remove: it is only ignored.
  }
}
