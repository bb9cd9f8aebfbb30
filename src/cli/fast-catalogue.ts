// `models` and `__models [--embeddings]` (the shell completion's model ids, asked on every Tab) answered from
// a fresh cached catalogue without loading the CLI: reading and validating the configuration
// costs several times what this answer does. Only when nothing could change the answer: the
// bare command, no configuration file anywhere, the default provider, no debug log asked for,
// a cache that reads back whole. Any flag (--supports, --max-price, --served-by, --caps, …) is
// such a case: this answers the bare listing only. In every other case this says no, and the full CLI answers (and explains whatever is
// wrong). The table is the `models` command's own (catalogueTable).
import { join } from 'node:path';
import { catalogueFooter, catalogueTable, completableIds, queryModels } from '../app/list-models.js';
import { anyConfigFile } from '../config/config-files.js';
import { assertSecureBaseUrl } from '../core/base-url.js';
import type { ModelInfo } from '../core/types.js';
import { CATALOGUE_TTL_MS, catalogueFileName, rootOf, statePaths } from '../state/paths.js';
import { readStateFile, stateDirIsSafe } from '../state/safe-files.js';

export interface FastIO {
  stdout: { write(text: string): unknown; isTTY?: boolean };
  stderr: { write(text: string): unknown };
  env: Record<string, string | undefined>;
  cwd: string;
  now?: () => number;
}

/** The cached catalogue, when the file reads back as one; undefined otherwise. */
function cachedCatalogue(io: FastIO, kind: 'models' | 'embeddings'): { models: ModelInfo[]; fetchedAt: number } | undefined {
  try {
    const cacheDir = statePaths(io.env).cache;
    const file = join(cacheDir, `${catalogueFileName('catalogue', kind)}.json`);
    // Never through a link planted in the state folder: the full CLI then says so (safe-files.ts).
    const text = stateDirIsSafe(cacheDir, rootOf(cacheDir)) ? readStateFile(file) : undefined;
    if (text === undefined) return undefined;
    const data = JSON.parse(text) as { fetchedAt?: unknown; models?: unknown };
    if (typeof data.fetchedAt !== 'number' || !Array.isArray(data.models)) return undefined;
    if (!data.models.every((model) => typeof (model as { id?: unknown })?.id === 'string')) return undefined;
    return { models: data.models as ModelInfo[], fetchedAt: data.fetchedAt };
  } catch {
    return undefined;
  }
}

/**
 * The one part of the configuration the environment can get wrong that the full CLI would
 * refuse even for a cached listing: a base URL that is not https (or http on loopback).
 */
function baseUrlsAreSecure(env: FastIO['env']): boolean {
  try {
    for (const [name, value] of Object.entries(env)) if (name.endsWith('_BASE_URL') && value) assertSecureBaseUrl(value);
    return true;
  } catch {
    return false;
  }
}

/** The argument lists answered here, and the catalogue each reads. */
function catalogueAsked(args: readonly string[]): 'models' | 'embeddings' | undefined {
  const line = args.join(' ');
  if (line === 'models' || line === '__models') return 'models';
  if (line === '__models --embeddings') return 'embeddings';
  return undefined;
}

/** Answers `args` and returns true, or returns false having written nothing. */
export function answerFromCache(args: readonly string[], io: FastIO): boolean {
  const kind = catalogueAsked(args);
  if (!kind) return false;
  const provider = io.env.DEVSYNTH_PROVIDER;
  if ((provider && provider !== 'openrouter') || io.env.DEVSYNTH_DEBUG === '1' || !baseUrlsAreSecure(io.env) || anyConfigFile(io.cwd, io.env)) return false;
  const catalogue = cachedCatalogue(io, kind);
  if (!catalogue) return false;
  if (args[0] === '__models') {
    // As the command: whatever ids the cache holds, fresh or not; never a request.
    const ids = completableIds(catalogue.models.map((model) => model.id));
    if (ids.length) io.stdout.write(`${ids.join('\n')}\n`);
    return true;
  }
  if ((io.now ?? Date.now)() - catalogue.fetchedAt >= CATALOGUE_TTL_MS) return false;
  const models = queryModels(catalogue.models, { sort: 'id' });
  const tty = Boolean(io.stdout.isTTY);
  io.stdout.write(catalogueTable(models, tty));
  if (tty) io.stderr.write(catalogueFooter(models.length, catalogue.models.length));
  return true;
}
