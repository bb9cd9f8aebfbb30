// Bundles the CLI (dist/cli/main.js, as tsc wrote it) into dist/bundle/ with esbuild, for
// start-up (docs/benchmarks.md). Three outputs:
//   - cli.cjs: the whole CLI as one CommonJS file, which the bin runs through V8's code cache
//     (src/cli/compiled-bundle.ts). CommonJS because Node 20 can cache the compiled code of a
//     script but not of an ES module, and because an ES module also costs its loader's resolve
//     and link steps for every chunk. Code behind a dynamic import stays in the file, but is only
//     evaluated (and compiled) when that path runs.
//   - terminal/: Ink and React, as ES modules (yoga-layout, under Ink, awaits at top level, which
//     CommonJS cannot), loaded only by the terminal UI. The UI's own modules stay in cli.cjs and
//     take Ink and React from here (terminalLibrariesFromEsm), so that the UI and the rest of the
//     CLI share one copy of every class (an error's instanceof) and of every module's state.
//   - start.cjs: what the bin requires first (src/cli/start.ts): the cached-catalogue answer and
//     the code-cache loader, without loading the CLI.
// The library (dist/index.js) stays tsc's output. Not bundled: the native keyring, undici (loaded
// only for ca_file), TypeScript (cosmiconfig's optional loader for .ts configs, which we never
// use) and react-devtools-core (Ink's, only with DEV=true).
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { build } from 'esbuild';

const root = new URL('../', import.meta.url);
const outdir = new URL('dist/bundle/', root).pathname;
const dist = (path) => new URL(`dist/${path}`, root).pathname;
rmSync(outdir, { recursive: true, force: true });

/** Where cli.cjs finds the terminal libraries: a URL relative to itself, and how it names them. */
const TERMINAL_LIBRARIES = { file: './terminal/libraries.js', key: 'devsynth-or.terminal-libraries' };

const shared = {
  bundle: true,
  platform: 'node',
  target: 'node20',
  // Names are kept so that a --debug stack trace still reads.
  minifyWhitespace: true,
  minifySyntax: true,
  legalComments: 'none',
  logLevel: 'warning',
};

await build({
  ...shared,
  entryPoints: [dist('cli/main.js')],
  outfile: `${outdir}cli.cjs`,
  format: 'cjs',
  // import() becomes a lazy require(): code run through vm.Script has no module loader of its
  // own to import() with (the terminal libraries come through __importModule instead).
  supported: { 'dynamic-import': false },
  // The bundle sits at the same depth as dist/cli/, so import.meta.url paths such as
  // ../../config/default.yml and ../../package.json still point at the package's files.
  define: { 'import.meta.url': '__importMetaUrl' },
  banner: { js: "var __importMetaUrl = require('node:url').pathToFileURL(__filename).href;" },
  external: ['@napi-rs/keyring', 'undici', 'typescript'],
  plugins: [terminalLibrariesFromEsm(), ofetchWithoutGlobals(), confWithoutSchemas(), lazyBuiltins(), lockfileOnPlainFs()],
});
// An import() left in cli.cjs would fail at run time (above): better now.
const cli = readFileSync(`${outdir}cli.cjs`, 'utf8');
const leftImport = /[^\w.$]import\(/.exec(cli);
if (leftImport) throw new Error(`cli.cjs still calls import(): ${cli.slice(leftImport.index - 80, leftImport.index + 80)}`);

await build({
  ...shared,
  stdin: {
    contents: "export * as ink from 'ink'; export { default as react } from 'react'; export { default as jsxRuntime } from 'react/jsx-runtime';",
    resolveDir: root.pathname,
    sourcefile: 'terminal-libraries.js',
  },
  outdir: `${outdir}terminal/`,
  entryNames: 'libraries',
  format: 'esm',
  // Ink's devtools (DEV=true only) stay behind their dynamic import, in a chunk of their own.
  splitting: true,
  external: ['react-devtools-core'],
  plugins: [yogaWithoutFetch()],
  // CommonJS dependencies call require() for Node's built-ins; an ESM bundle has none of its own.
  banner: { js: "import { createRequire as __devsynthRequire } from 'node:module'; const require = __devsynthRequire(import.meta.url);" },
});

// The bin's first require (src/cli/start.ts), as CommonJS: node built-ins and a few small modules.
await build({
  ...shared,
  entryPoints: [dist('cli/start.js')],
  outfile: `${outdir}start.cjs`,
  format: 'cjs',
});

// config/default.yml compiled to JSON (src/config/default-config.ts), so that a start without
// config files parses no YAML.
const { compileDefaults, COMPILED_DEFAULTS_FILE } = await import(new URL('dist/config/default-config.js', root).href);
writeFileSync(COMPILED_DEFAULTS_FILE, await compileDefaults());

/**
 * `import { createFetch } from 'ofetch'` resolved to the module that defines it. Both of
 * ofetch's entries build a default instance as they load, reading globalThis.Headers, which
 * loads Node's undici (about 20 ms), and the Node entry adds a fetch polyfill; we always hand
 * createFetch our own fetch and Headers (src/core/internal/node-fetch.ts), so neither is needed.
 */
function ofetchWithoutGlobals() {
  const entry = new URL('node_modules/ofetch/dist/index.mjs', root);
  const shared = /import \{ c as createFetch \} from '(\.\/shared\/[^']+)'/.exec(readFileSync(entry, 'utf8'))?.[1];
  if (!shared) throw new Error('ofetch changed its layout: update ofetchWithoutGlobals in scripts/bundle-cli.mjs');
  const path = new URL(shared, entry).pathname;
  return {
    name: 'ofetch-without-globals',
    setup(builder) {
      builder.onResolve({ filter: /^ofetch$/ }, () => ({ path: 'ofetch', namespace: 'ofetch-core' }));
      builder.onLoad({ filter: /.*/, namespace: 'ofetch-core' }, () => ({
        contents: `export { c as createFetch, F as FetchError } from ${JSON.stringify(path)};`,
        resolveDir: root.pathname,
      }));
    },
  };
}

/**
 * conf without the JSON Schema validator and semver it imports (ajv, ajv-formats, fast-uri,
 * semver: about 350 KB, 14 ms of every run that saves state). conf uses them only for its
 * `schema` and `migrations` options; our stores validate with zod (src/state/json-store.ts) and
 * pass neither, so here they are modules that say so if that ever changes.
 */
function confWithoutSchemas() {
  const unused = /^(ajv(\/.*)?|ajv-formats|semver)$/;
  return {
    name: 'conf-without-schemas',
    setup(builder) {
      builder.onResolve({ filter: unused }, (args) => (/[\\/]node_modules[\\/]conf[\\/]/.test(args.importer) ? { path: args.path, namespace: 'conf-unused' } : undefined));
      builder.onLoad({ filter: /.*/, namespace: 'conf-unused' }, (args) => ({
        contents: `const unused = () => { throw new Error(${JSON.stringify(`${args.path} is not bundled: conf's schema and migrations options are not used (scripts/bundle-cli.mjs)`)}); };
export default unused; export const Ajv2020 = unused;`,
      }));
    },
  };
}

/**
 * Node built-ins that dependencies import for paths we never take, required on first use
 * instead of as the bundle loads: commander's child_process (for executable subcommands; 7 ms
 * with net and dgram) and conf's crypto (for encryption; 6 ms), measured with --cpu-prof.
 */
function lazyBuiltins() {
  const lazy = [
    { from: /[\\/]node_modules[\\/]commander[\\/]/, builtin: /^(node:)?child_process$/ },
    { from: /[\\/]node_modules[\\/]conf[\\/]/, builtin: /^(node:)?crypto$/ },
  ];
  return {
    name: 'lazy-builtins',
    setup(builder) {
      builder.onResolve({ filter: /^(node:)?(child_process|crypto)$/ }, (args) =>
        lazy.some(({ from, builtin }) => from.test(args.importer) && builtin.test(args.path)) ? { path: args.path, namespace: 'lazy-builtin' } : undefined,
      );
      builder.onLoad({ filter: /.*/, namespace: 'lazy-builtin' }, (args) => ({
        contents: `let loaded; const load = () => (loaded ??= require(${JSON.stringify(args.path)}));
module.exports = new Proxy({}, {
  // esbuild's interop asks whether a module is transpiled ESM as it imports it: no, without loading.
  get: (_, key) => (key === '__esModule' ? undefined : load()[key]),
  has: (_, key) => key in load(),
});`,
        loader: 'js',
      }));
    },
  };
}

/**
 * proper-lockfile on node:fs rather than graceful-fs, which patches fs as it loads (5 ms) to
 * queue opens past EMFILE and retry Windows renames: a lock takes a handful of file operations.
 */
function lockfileOnPlainFs() {
  return {
    name: 'lockfile-on-plain-fs',
    setup(builder) {
      builder.onResolve({ filter: /^graceful-fs$/ }, (args) => (/[\\/]node_modules[\\/]proper-lockfile[\\/]/.test(args.importer) ? { path: 'fs', namespace: 'plain-fs' } : undefined));
      builder.onLoad({ filter: /.*/, namespace: 'plain-fs' }, () => ({ contents: "module.exports = require('node:fs');", loader: 'js' }));
    },
  };
}

/**
 * In cli.cjs, `ink`, `react` and `react/jsx-runtime` are the terminal libraries' (above), which
 * src/ui/terminal-libraries.ts loads before any module that imports them is evaluated; its
 * replacement here imports them through the bin's own import() (__importModule, given to the
 * bundle by src/cli/compiled-bundle.ts), where top-level await works.
 */
function terminalLibrariesFromEsm() {
  const names = { ink: 'ink', react: 'react', 'react/jsx-runtime': 'jsxRuntime' };
  const key = JSON.stringify(TERMINAL_LIBRARIES.key);
  return {
    name: 'terminal-libraries-from-esm',
    setup(builder) {
      builder.onResolve({ filter: /^(ink|react|react\/jsx-runtime)$/ }, (args) => ({ path: args.path, namespace: 'terminal-library' }));
      builder.onLoad({ filter: /.*/, namespace: 'terminal-library' }, (args) => ({
        contents: `const libraries = globalThis[Symbol.for(${key})];
if (!libraries) throw new Error('${args.path} is needed before loadTerminalLibraries() ran (src/ui/terminal-libraries.ts)');
module.exports = libraries.${names[args.path]};`,
        loader: 'js',
      }));
      builder.onLoad({ filter: /[\\/]dist[\\/]ui[\\/]terminal-libraries\.js$/ }, () => ({
        contents: `export async function loadTerminalLibraries() {
  await import('./react-production.js');
  globalThis[Symbol.for(${key})] ??= await __importModule(new URL(${JSON.stringify(TERMINAL_LIBRARIES.file)}, __importMetaUrl).href);
}`,
        resolveDir: dist('ui'),
        loader: 'js',
      }));
    },
  };
}

/**
 * yoga-layout (Ink's layout engine) is WebAssembly, embedded as a base64 data: URL. Its
 * Emscripten loader fetches that URL with fetch() whenever fetch exists, which in Node loads
 * undici (about 50 ms of the terminal UI's start, measured with --cpu-prof) to decode a string
 * the loader can decode itself; without fetch it does. So, for this file only, fetch counts as
 * absent.
 */
function yogaWithoutFetch() {
  return {
    name: 'yoga-without-fetch',
    setup(builder) {
      builder.onLoad({ filter: /[\\/]yoga-layout[\\/]dist[\\/]binaries[\\/]yoga-wasm-base64-esm\.js$/ }, (args) => {
        const source = readFileSync(args.path, 'utf8');
        const absent = '"function"!=typeof fetch';
        const uses = source.split(absent).length - 1;
        if (uses !== 2) throw new Error(`yoga-layout's loader changed (${uses} fetch checks, not 2): update yogaWithoutFetch in scripts/bundle-cli.mjs`);
        return { contents: source.replaceAll(absent, 'true'), loader: 'js' };
      });
    },
  };
}
