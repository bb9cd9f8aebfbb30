// The model catalogue: from the disk cache while fresh, else fetched (no key needed) and
// cached. When a fetch fails and a stale copy exists, the stale copy serves, with a warning.
import { DevsynthError, type ModelInfo } from '../core/index.js';
import type { CatalogueKind } from '../state/models-cache.js';
import type { Runtime } from './runtime.js';

export interface Catalogue {
  models: ModelInfo[];
  fetchedAt: number;
  fromCache: boolean;
}

export async function loadCatalogue(runtime: Runtime, kind: CatalogueKind, options: { refresh?: boolean } = {}): Promise<Catalogue> {
  const cache = await runtime.catalogue();
  const cached = cache.read(kind);
  if (cached?.fresh && !options.refresh) return { models: cached.models, fetchedAt: cached.fetchedAt, fromCache: true };
  try {
    const provider = await runtime.provider({ needsKey: false });
    // Entries the server got wrong are left out by the provider, with one warning for them all.
    const models = await provider.listModels({
      embeddings: kind === 'embeddings',
      onSkipped: (count) => runtime.warn(`the model list had ${count} invalid ${count === 1 ? 'entry' : 'entries'} (no usable id); left out`),
    });
    await cache.write(kind, models);
    return { models, fetchedAt: Date.now(), fromCache: false };
  } catch (error) {
    if (!cached || !(error instanceof DevsynthError) || error.kind === 'config') throw error;
    runtime.warn(`could not refresh the model list (${error.message}); using the copy from ${new Date(cached.fetchedAt).toISOString()}`);
    return { models: cached.models, fetchedAt: cached.fetchedAt, fromCache: true };
  }
}

/** The cached catalogue only: never a request (for hints and completion). */
export async function cachedModelIds(runtime: Runtime): Promise<string[]> {
  return (await runtime.catalogue()).read('models')?.models.map((model) => model.id) ?? [];
}

/**
 * The ids a "did you mean" is drawn from: the cached catalogue, fresh or not; with none cached,
 * one fetch of it (GET /models needs no key), kept in the cache for the next time. A failed
 * fetch means no suggestions, never another error on top of the one being explained.
 */
export async function modelIdsForHints(runtime: Runtime): Promise<string[]> {
  const cached = await cachedModelIds(runtime);
  if (cached.length > 0) return cached;
  try {
    return (await loadCatalogue(runtime, 'models')).models.map((model) => model.id);
  } catch (error) {
    runtime.debug?.(`no catalogue for suggestions: ${(error as Error).message}`);
    return [];
  }
}
