// The model catalogues (chat and embeddings) cached on disk with a time to live: `models`
// answers from here in milliseconds, and "did you mean" and context pruning work offline.
import * as z from '../config/zod.js';
import type { ModelInfo } from '../core/index.js';
import { JsonStore, type Warn } from './json-store.js';
import { CATALOGUE_TTL_MS, catalogueFileName } from './paths.js';

export type CatalogueKind = 'models' | 'embeddings';

const fileSchema = z.object({ fetchedAt: z.number(), models: z.array(z.looseObject({ id: z.string() })) });

export interface CachedCatalogue {
  models: ModelInfo[];
  fetchedAt: number;
  fresh: boolean;
}

export function createModelsCache(cacheDir: string, options: { warn?: Warn; now?: () => number; ttlMs?: number; prefix?: string; secrets?: () => readonly string[] } = {}) {
  const now = options.now ?? Date.now;
  const ttl = options.ttlMs ?? CATALOGUE_TTL_MS;
  const stores = new Map<CatalogueKind, JsonStore<z.infer<typeof fileSchema>>>();
  const storeOf = (kind: CatalogueKind) => {
    let store = stores.get(kind);
    if (!store) {
      store = new JsonStore({ dir: cacheDir, name: catalogueFileName(options.prefix ?? 'catalogue', kind), schema: fileSchema, empty: () => ({ fetchedAt: 0, models: [] }), ...(options.warn ? { warn: options.warn } : {}), ...(options.secrets ? { secrets: options.secrets } : {}) });
      stores.set(kind, store);
    }
    return store;
  };
  return {
    read(kind: CatalogueKind): CachedCatalogue | undefined {
      const file = storeOf(kind).read();
      if (file.fetchedAt === 0) return undefined;
      return { models: file.models as ModelInfo[], fetchedAt: file.fetchedAt, fresh: now() - file.fetchedAt < ttl };
    },
    write(kind: CatalogueKind, models: ModelInfo[]): Promise<void> {
      return storeOf(kind).write({ fetchedAt: now(), models });
    },
    /** Milliseconds since the catalogue was fetched, if it was. */
    age(kind: CatalogueKind): number | undefined {
      const cached = this.read(kind);
      return cached ? now() - cached.fetchedAt : undefined;
    },
  };
}
export type ModelsCache = ReturnType<typeof createModelsCache>;
