// Embedding vectors cached on disk by model and SHA-256 of the text: one append-only JSONL
// file per model, so that adding vectors never rewrites the file. Appends happen under the
// file's lock; a torn or foreign line is skipped when read.
import { createHash } from 'node:crypto';
import { appendFileSync, existsSync, mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import lockfile from 'proper-lockfile';
import { stateNotSaved, type Warn } from './json-store.js';

export const textHash = (text: string): string => createHash('sha256').update(text).digest('hex');

export function createEmbeddingsCache(cacheDir: string, warn?: Warn) {
  const dir = join(cacheDir, 'embeddings');
  const fileOf = (model: string) => join(dir, `${model.replace(/[^\w.-]+/g, '_')}.jsonl`);
  return {
    /** Every cached vector of the model, by text hash. */
    load(model: string): Map<string, number[]> {
      const vectors = new Map<string, number[]>();
      const file = fileOf(model);
      if (!existsSync(file)) return vectors;
      for (const line of readFileSync(file, 'utf8').split('\n')) {
        if (!line) continue;
        try {
          const entry = JSON.parse(line) as { h?: unknown; v?: unknown };
          if (typeof entry.h === 'string' && Array.isArray(entry.v)) vectors.set(entry.h, entry.v as number[]);
        } catch {
          // A line cut short by a crash: the next run embeds that text again.
        }
      }
      return vectors;
    },
    /** Appends vectors; a cache that cannot be written is warned about (stateNotSaved), not thrown. */
    async add(model: string, entries: ReadonlyArray<{ hash: string; vector: number[] }>): Promise<void> {
      if (entries.length === 0) return;
      try {
        mkdirSync(dir, { recursive: true, mode: 0o700 });
        const file = fileOf(model);
        const release = await lockfile.lock(file, { realpath: false, retries: { retries: 100, minTimeout: 5, maxTimeout: 100 }, stale: 10_000 });
        try {
          appendFileSync(file, entries.map((e) => `${JSON.stringify({ h: e.hash, v: e.vector })}\n`).join(''), { mode: 0o600 });
        } finally {
          await release();
        }
      } catch (error) {
        stateNotSaved(error, warn);
      }
    },
  };
}
