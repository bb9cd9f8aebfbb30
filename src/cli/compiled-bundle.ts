// Runs the CLI's CommonJS bundle (scripts/bundle-cli.mjs) the way require() would, but through
// V8's code cache: the bytecode V8 compiled on an earlier run is read back instead of parsing
// and compiling the bundle again, which is most of what starting the CLI costs beyond Node
// itself (docs/benchmarks.md). Node 20 has no compile cache of its own (module.enableCompileCache
// is Node 22's), so this is that, for one file.
//
// The cache lives in the cache directory (statePaths), one file per install, Node version,
// architecture and bundle build; V8 checks it too and refuses one made by another V8 or with
// other flags, in which case the bundle is compiled as usual and the cache written afresh. A
// missing, refused or unwritable cache only costs the time it would have saved.
import { closeSync, fstatSync, lstatSync, openSync, readdirSync, rmSync } from 'node:fs';
import { createRequire, isBuiltin } from 'node:module';
import { basename, dirname, join } from 'node:path';
import { Script } from 'node:vm';
import { rootOf, statePaths } from '../state/paths.js';
import { ensureStateDir, readInto, readStateBytes, stateDirIsSafe, sweepStaleTempFiles, writeStateFileAtomic } from '../state/safe-files.js';
import { withDefaultV8Flags } from './v8-flags.js';

/** Loads an ES module (or anything import() takes): the bundle cannot import() itself. */
export type ImportModule = (specifier: string) => Promise<unknown>;

export interface CompiledBundle<T> {
  exports: T;
  /** Whether V8 took the cached code. */
  cacheUsed: boolean;
  /** Writes the cache when it was missing or refused; call once the run is over. */
  saveCache(): void;
}

/**
 * The parameters the bundle's code sees, as CommonJS modules see theirs, plus `__importModule`,
 * through which the bundle loads the terminal UI's ES modules (scripts/bundle-cli.mjs).
 */
const PARAMETERS = ['exports', 'require', 'module', '__filename', '__dirname', '__importModule'];

/**
 * What the CLI's bundles start and end with (scripts/bundle-cli.mjs): the function the loader
 * would otherwise wrap the source in. Wrapped here, the source would be copied whole into a new
 * string for V8 to compile: 0.3 to 0.9 MB more to allocate at every start, and a collection.
 */
export const BUNDLE_HEAD = `(function (${PARAMETERS.join(', ')}) {`;
export const BUNDLE_TAIL = '\n})';

/**
 * Runs `file` through the code cache in `cacheDir`. `requireBuiltins` (the bin's own require)
 * loads the bundle's `node:` built-ins; without it, they come through a require made for the file.
 */
export function loadCompiledBundle<T>(file: string, cacheDir: string | undefined, importModule: ImportModule, requireBuiltins?: NodeJS.Require): CompiledBundle<T> {
  const { source, cachedData, name, cacheFile } = readBundleAndCache(file, cacheDir);
  const script = new Script(source.startsWith(BUNDLE_HEAD) ? source : `${BUNDLE_HEAD}${source}${BUNDLE_TAIL}`, {
    filename: file,
    ...(cachedData ? { cachedData } : {}),
  });
  const cacheUsed = cachedData !== undefined && script.cachedDataRejected === false;
  const module = { exports: {} as T };
  const run = script.runInThisContext() as (...values: unknown[]) => void;
  run.call(module.exports, module.exports, bundleRequire(file, requireBuiltins), module, file, dirname(file), importModule);
  return {
    exports: module.exports,
    cacheUsed,
    saveCache() {
      if (cacheUsed || !cacheDir || !cacheFile) return;
      try {
        // After the run, so that the functions it compiled are in the cache too.
        const data = script.createCachedData();
        ensureStateDir(cacheDir, rootOf(cacheDir));
        sweepStaleTempFiles(cacheDir);
        // Written whole under another name, then renamed: a parallel run never reads half a file.
        writeStateFileAtomic(cacheFile, data);
        // This install's caches of earlier builds or other Node versions are of no more use.
        const prefix = `${installName(file)}-`;
        for (const other of readdirSync(cacheDir)) {
          if (other.startsWith(prefix) && other !== name && !other.includes('.tmp-')) rmSync(join(cacheDir, other), { force: true });
        }
      } catch {
        // A read-only or full disk: the next run compiles again, nothing worse.
      }
    },
  };
}

/**
 * The bundle's source and its code cache (when there is one, and the state folder is safe).
 * Both go through one buffer, sized for the larger: the source is copied out of it into a
 * string before the cache is read in. Fresh memory costs a page fault per 4 KB (about 3 ms a
 * megabyte on the machines measured, docs/benchmarks.md), and the bundles are 0.35 to 0.9 MB.
 */
function readBundleAndCache(file: string, cacheDir: string | undefined) {
  // Opened first: the cache's name is then that of the bytes read (their size and time).
  const fd = openSync(file, 'r');
  try {
    const bundle = fstatSync(fd);
    const name = cacheDir ? cacheName(file, bundle) : undefined;
    const cacheFile = cacheDir && name ? join(cacheDir, name) : undefined;
    let cacheSafe = false;
    let cacheSize = 0;
    try {
      // Never through a link planted in the state folder (safe-files.ts).
      cacheSafe = Boolean(cacheDir && cacheFile && stateDirIsSafe(cacheDir, rootOf(cacheDir)));
      // Only sizes the buffer: the file itself is checked when it is read.
      if (cacheSafe && cacheFile) cacheSize = lstatSync(cacheFile, { throwIfNoEntry: false })?.size ?? 0;
    } catch {
      // Refused, or no folder to read from: compiled as if there were no cache.
    }
    let scratch: Buffer | undefined;
    const bufferFor = (size: number): Buffer => {
      if (!scratch || scratch.length < size) scratch = Buffer.allocUnsafe(Math.max(size, bundle.size, cacheSize));
      return scratch.subarray(0, size);
    };
    // Read as Latin-1, which copies bytes into a one-byte string: the bundle is ASCII (esbuild
    // escapes the rest; scripts/bundle-cli.mjs checks it), where decoding UTF-8 cost about 10 ms
    // more of every start for the same string.
    const source = readInto(fd, bufferFor(bundle.size)).toString('latin1');
    let cachedData: Buffer | undefined;
    try {
      if (cacheSafe && cacheFile) cachedData = readStateBytes(cacheFile, bufferFor);
    } catch {
      // No cache yet.
    }
    return { source, cachedData, name, cacheFile };
  } finally {
    closeSync(fd);
  }
}

/**
 * The bundle's require: Node's, but a built-in module is loaded under V8's default flags, where
 * Node's code cache for it is taken (v8-flags.ts). The require made for the bundle's file (which
 * loads node:module, 0.7 ms) is made when something other than a `node:` built-in is required:
 * the bundles name every built-in so, and `requireBuiltins` loads those.
 */
function bundleRequire(file: string, requireBuiltins?: NodeJS.Require): NodeJS.Require {
  let forFile: NodeJS.Require | undefined;
  const real = () => (forFile ??= createRequire(file));
  const loaded = new Set<string>();
  const wrapped = (id: string): unknown => {
    const named = id.startsWith('node:');
    if (!named && !isBuiltin(id)) return real()(id);
    const load = named && requireBuiltins ? requireBuiltins : real();
    if (loaded.has(id)) return load(id);
    loaded.add(id);
    return withDefaultV8Flags(() => load(id));
  };
  return Object.defineProperties(wrapped, {
    resolve: { get: () => real().resolve },
    cache: { get: () => real().cache },
    main: { get: () => real().main },
    extensions: { get: () => real().extensions },
  }) as NodeJS.Require;
}

/** Where code caches are kept: `v8/` in the cache directory; none with DEVSYNTH_CODE_CACHE=0. */
export function codeCacheDir(env: Record<string, string | undefined>): string | undefined {
  return env.DEVSYNTH_CODE_CACHE === '0' ? undefined : join(statePaths(env).cache, 'v8');
}

/**
 * The bundle's name and a hash of its path: two installs (a global one and a project's, say)
 * keep a cache each rather than replacing each other's on every run.
 */
function installName(file: string): string {
  // FNV-1a: enough to tell paths apart, without loading node:crypto for it.
  let hash = 0x811c9dc5;
  for (let i = 0; i < file.length; i++) hash = Math.imul(hash ^ file.charCodeAt(i), 0x01000193) >>> 0;
  return `${basename(file).replace(/\.c?js$/, '')}-${hash.toString(16).padStart(8, '0')}`;
}

/** One name per install, bundle build (size and modification time), Node version and architecture. */
function cacheName(file: string, { size, mtimeMs }: { size: number; mtimeMs: number }): string {
  return `${installName(file)}-${process.version}-${process.arch}-${size}-${Math.round(mtimeMs)}.v8cache`;
}
