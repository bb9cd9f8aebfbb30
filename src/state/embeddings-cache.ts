// Embedding vectors cached on disk by model and SHA-256 of the text: one append-only JSONL
// file per model, so that adding vectors never rewrites the file. Appends happen under the
// file's lock and never through a link (safe-files.ts). A vector is cached, and served from
// the cache, only when it is an array of finite numbers: anything else from a server would
// otherwise be served forever (cache poisoning); a torn or foreign line is skipped when read.
import { createHash } from 'node:crypto';
import { join } from 'node:path';
import { lockStateFile } from './file-lock.js';
import { stateNotSaved, type Warn } from './json-store.js';
import { rootOf } from './paths.js';
import { appendStateFile, ensureStateDir, readStateFile, stateDirIsSafe, UnsafeStatePathError } from './safe-files.js';

export const textHash = (text: string): string => createHash('sha256').update(text).digest('hex');

/** A vector worth keeping: a non-empty array of finite numbers. */
export function isVector(value: unknown): value is number[] {
  return Array.isArray(value) && value.length > 0 && value.every((x) => typeof x === 'number' && Number.isFinite(x));
}

export function createEmbeddingsCache(cacheDir: string, warn?: Warn) {
  const dir = join(cacheDir, 'embeddings');
  const root = rootOf(cacheDir);
  const fileOf = (model: string) => join(dir, `${model.replace(/[^\w.-]+/g, '_')}.jsonl`);
  return {
    /** Every cached vector of the model, by text hash. */
    load(model: string): Map<string, number[]> {
      const vectors = new Map<string, number[]>();
      let text: string | undefined;
      try {
        text = stateDirIsSafe(dir, root) ? readStateFile(fileOf(model)) : undefined;
      } catch (error) {
        if (!(error instanceof UnsafeStatePathError) && typeof (error as NodeJS.ErrnoException).code !== 'string') throw error;
        stateNotSaved(error, warn);
      }
      for (const line of text?.split('\n') ?? []) {
        if (!line) continue;
        try {
          const entry = JSON.parse(line) as { h?: unknown; v?: unknown };
          if (typeof entry.h === 'string' && isVector(entry.v)) vectors.set(entry.h, entry.v);
        } catch {
          // A line cut short by a crash: the next run embeds that text again.
        }
      }
      return vectors;
    },
    /** Appends valid vectors; a cache that cannot be written is warned about (stateNotSaved), not thrown. */
    async add(model: string, entries: ReadonlyArray<{ hash: string; vector: number[] }>): Promise<void> {
      const valid = entries.filter((e) => isVector(e.vector));
      if (valid.length === 0) return;
      try {
        ensureStateDir(dir, root);
        const file = fileOf(model);
        const release = await lockStateFile(file);
        try {
          appendStateFile(file, valid.map((e) => `${JSON.stringify({ h: e.hash, v: e.vector })}\n`).join(''));
        } finally {
          release();
        }
      } catch (error) {
        stateNotSaved(error, warn);
      }
    },
  };
}
