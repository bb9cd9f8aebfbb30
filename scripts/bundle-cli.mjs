// Bundles the CLI (dist/cli/main.js, as tsc wrote it) into dist/bundle/ with esbuild, for
// start-up (docs/benchmarks.md). Three outputs:
//   - cli.cjs: the whole CLI as one CommonJS file, which the bin runs through V8's code cache
//     (src/cli/compiled-bundle.ts). CommonJS because Node 20 can cache the compiled code of a
//     script but not of an ES module, and because an ES module also costs its loader's resolve
//     and link steps for every chunk. Code behind a dynamic import stays in the file, but is only
//     evaluated (and compiled) when that path runs.
//   - terminal/: Ink and React (libraries.cjs, run through the code cache the same way) and
//     yoga-layout under them (yoga.js, an ES module: it awaits at top level, which CommonJS
//     cannot), loaded only by the terminal UI. The UI's own modules stay in cli.cjs and take Ink
//     and React from here (terminalLibraries), so that the UI and the rest of the CLI share one
//     copy of every class (an error's instanceof) and of every module's state.
//   - start.cjs: what the bin requires first (src/cli/start.ts): the cached-catalogue answer and
//     the code-cache loader, without loading the CLI.
// The library (dist/index.js) stays tsc's output. Not bundled: the native keyring, undici (loaded
// only for ca_file), TypeScript (cosmiconfig's optional loader for .ts configs, which we never
// use), react-devtools-core (Ink's, only with DEV=true), the MCP SDK and ajv (required from
// node_modules only by a run with MCP servers, tools or a schema: bundled, the SDK made cli.cjs
// 1.15 MB instead of 0.70, and ajv 0.91 MB, which every run's start-up reads).
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { build } from 'esbuild';

const root = new URL('../', import.meta.url);
const outdir = new URL('dist/bundle/', root).pathname;
const dist = (path) => new URL(`dist/${path}`, root).pathname;
rmSync(outdir, { recursive: true, force: true });

/** Where cli.cjs finds the terminal libraries (relative to itself), and the global they share. */
const TERMINAL_LIBRARIES = { yoga: './terminal/yoga.js', libraries: './terminal/libraries.cjs', key: 'devsynth-or.terminal-libraries' };
/** Where the bundles find the config-file libraries (relative to themselves), and what each import takes from them. */
const CONFIG_LIBRARIES = { file: './config-files.cjs', exports: { yaml: 'yaml', cosmiconfig: 'cosmiconfig' } };

// What every bundle run through the code cache (src/cli/compiled-bundle.ts) is built with.
const { BUNDLE_HEAD, BUNDLE_TAIL } = await import(new URL('dist/cli/compiled-bundle.js', root).href);
const asCachedBundle = {
  format: 'cjs',
  // import() becomes a lazy require(): code run through vm.Script has no module loader of its
  // own to import() with (the terminal libraries come through __importModule instead).
  supported: { 'dynamic-import': false },
  // A bundle sits at the same depth as dist/cli/, so import.meta.url paths such as
  // ../../config/default.yml and ../../package.json still point at the package's files.
  // The package's version written in (src/cli/version.ts): reading package.json for it cost
  // 0.7 ms of every start.
  define: { 'import.meta.url': '__importMetaUrl', DEVSYNTH_BUILD_VERSION: JSON.stringify(JSON.parse(readFileSync(new URL('package.json', root), 'utf8')).version) },
  // It starts and ends as the function the loader runs it as, so that it is not copied into a
  // wrapped string at every start.
  banner: { js: `${BUNDLE_HEAD}var __importMetaUrl = require('node:url').pathToFileURL(__filename).href;` },
  footer: { js: BUNDLE_TAIL },
};

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

// The full CLI, and `embed`'s own (the bin's choice when `embed` is the first argument): the
// same code, the embed command only, about a third of the size to read and deserialise.
for (const [entry, file] of [['cli/main.js', 'cli.cjs'], ['cli/main-embed.js', 'embed.cjs']]) {
  await build({
    ...shared,
    entryPoints: [dist(entry)],
    outfile: `${outdir}${file}`,
    ...asCachedBundle,
    external: ['@napi-rs/keyring', 'undici', 'typescript', '@modelcontextprotocol/sdk', '@modelcontextprotocol/sdk/*', 'ajv', 'ajv/*', 'ajv-formats'],
    plugins: [terminalLibraries(), configLibraries(), ofetchWithoutGlobals(), lazyBuiltins()],
    // An import of a name a module does not export (one lazyBuiltins does not give) fails here,
    // not as undefined at run time.
    logOverride: { 'import-is-undefined': 'error' },
  });
  // An import() left in the bundle would fail at run time (above): better now.
  const code = readFileSync(`${outdir}${file}`, 'utf8');
  const leftImport = /[^\w.$]import\(/.exec(code);
  if (leftImport) throw new Error(`${file} still calls import(): ${code.slice(leftImport.index - 80, leftImport.index + 80)}`);
}

// yoga-layout, Ink's layout engine: WebAssembly set up behind a top-level await, so an ES module.
await build({
  ...shared,
  stdin: { contents: "export { default } from 'yoga-layout';", resolveDir: root.pathname, sourcefile: 'yoga.js' },
  outfile: `${outdir}terminal/yoga.js`,
  format: 'esm',
  plugins: [yogaWithoutFetch()],
});

// Ink and React, in CommonJS like cli.cjs (and run the same way, through the code cache), with
// yoga-layout taken from the module above.
await build({
  ...shared,
  stdin: {
    contents: "export * as ink from 'ink'; export { default as react } from 'react'; export { default as jsxRuntime } from 'react/jsx-runtime';",
    resolveDir: root.pathname,
    sourcefile: 'libraries.js',
  },
  outfile: `${outdir}terminal/libraries.cjs`,
  ...asCachedBundle,
  // Ink's devtools (DEV=true only), required when asked for.
  external: ['react-devtools-core'],
  plugins: [yogaFromHost(), inkWithoutTopLevelAwait()],
});

// yaml and cosmiconfig (with js-yaml and the rest cosmiconfig brings), which only a run with a
// config file uses: 270 KB that every other start would read and hand to V8 (about 30 us per KB
// of bundle here: docs/benchmarks.md). cli.cjs and embed.cjs load it at the first parse or
// search (configLibraries), through the code cache like themselves.
await build({
  ...shared,
  stdin: { contents: "export * as yaml from 'yaml'; export * as cosmiconfig from 'cosmiconfig';", resolveDir: root.pathname, sourcefile: 'config-files.js' },
  outfile: `${outdir}config-files.cjs`,
  ...asCachedBundle,
  // cosmiconfig's loader for .ts config files, which our search never asks for.
  external: ['typescript'],
});

// The bin's first require (src/cli/start.ts), as CommonJS: node built-ins and a few small modules.
await build({
  ...shared,
  entryPoints: [dist('cli/start.js')],
  outfile: `${outdir}start.cjs`,
  format: 'cjs',
  // node:v8 (v8-flags.ts) only once the CLI runs: `models` from the cache never loads it.
  plugins: [lazyBuiltins()],
  logOverride: { 'import-is-undefined': 'error' },
});

// The loader reads the bundles as Latin-1 (src/cli/compiled-bundle.ts): a byte over 0x7f would
// come out as another character. esbuild escapes them (its charset is ASCII unless told otherwise).
for (const file of ['cli.cjs', 'embed.cjs', 'config-files.cjs', 'terminal/libraries.cjs']) {
  const text = readFileSync(`${outdir}${file}`, 'latin1');
  const wide = /[^\x00-\x7f]/.exec(text);
  if (wide) throw new Error(`${file} is not ASCII: ${JSON.stringify(text.slice(wide.index - 40, wide.index + 40))}`);
}

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
 * Node built-ins required on first use instead of as the bundle loads, where the importer uses
 * them on some paths only: commander's child_process (for executable subcommands; 7 ms with net
 * and dgram), and our own node:crypto (hashes: cache keys, attachments, batch ids; 9 ms, most of
 * it not in Node's start-up snapshot), node:zlib (crc32 of cache entries) and node:fs/promises
 * (files opened for reading: 4 ms), which every command loaded through the session store, the
 * caches and the input readers whether it hashed or opened anything or not, and node:module
 * (createRequire, for the offline provider and for required packages: 0.7 ms). Measured
 * with --cpu-prof and process.moduleLoadList.
 */
function lazyBuiltins() {
  const ours = /[\\/]dist[\\/](?!bundle[\\/])/;
  // commander requires child_process (CommonJS): it gets a proxy that loads on a property read.
  // Our ES modules import functions by name, which esbuild's interop copies as the import runs
  // (a proxy would be read then): they get functions of the same names that load on a call.
  const lazy = [
    { from: /[\\/]node_modules[\\/]commander[\\/]/, builtin: /^(node:)?child_process$/, namespace: 'lazy-builtin' },
    { from: ours, builtin: /^node:(crypto|zlib|fs\/promises|v8|module)$/, namespace: 'lazy-builtin-functions', kinds: ['import-statement'] },
  ];
  const load = (path) => `let loaded; const load = () => (loaded ??= require(${JSON.stringify(path)}));`;
  return {
    name: 'lazy-builtins',
    setup(builder) {
      builder.onResolve({ filter: /^(node:)?(child_process|crypto|zlib|fs\/promises|v8|module)$/ }, (args) => {
        // Static imports only: a dynamic import() (node-fetch's zlib, for a compressed body)
        // loads the module when it runs anyway, and takes all of it (zlib.constants).
        const rule = lazy.find(({ from, builtin, kinds }) => from.test(args.importer) && builtin.test(args.path) && (!kinds || kinds.includes(args.kind)));
        return rule ? { path: args.path, namespace: rule.namespace } : undefined;
      });
      builder.onLoad({ filter: /.*/, namespace: 'lazy-builtin' }, (args) => ({
        contents: `${load(args.path)}
module.exports = new Proxy({}, {
  // esbuild's interop asks whether a module is transpiled ESM as it imports it: no, without loading.
  get: (_, key) => (key === '__esModule' ? undefined : load()[key]),
  has: (_, key) => key in load(),
});`,
        loader: 'js',
      }));
      // Functions only (lower-case names: not classes, which `new` needs): importing anything
      // else from these modules fails the build here ("No matching export"), not at run time.
      builder.onLoad({ filter: /.*/, namespace: 'lazy-builtin-functions' }, (args) => {
        const real = createRequire(import.meta.url)(args.path);
        const names = Object.keys(real).filter((name) => /^[a-z]/.test(name) && typeof real[name] === 'function');
        return {
          contents: `${load(args.path)}\n${names.map((name) => `export function ${name}(...args) { return load().${name}(...args); }`).join('\n')}`,
          loader: 'js',
        };
      });
    },
  };
}

/**
 * In cli.cjs and embed.cjs, `yaml` and `cosmiconfig` are those of config-files.cjs, loaded (and
 * run through the code cache, saved at exit) when a module that imports them is first evaluated:
 * src/config/yaml-file.ts and project-file.ts, both imported only when a config file exists.
 */
function configLibraries() {
  const names = Object.keys(CONFIG_LIBRARIES.exports);
  const loader = 'config-libraries-loader';
  return {
    name: 'config-libraries',
    setup(builder) {
      builder.onResolve({ filter: new RegExp(`^(${names.join('|')})$`) }, (args) => ({ path: args.path, namespace: 'config-library' }));
      builder.onResolve({ filter: new RegExp(`^${loader}$`) }, () => ({ path: loader, namespace: 'config-library' }));
      builder.onLoad({ filter: /.*/, namespace: 'config-library' }, (args) =>
        args.path === loader
          ? {
              contents: `import { fileURLToPath } from 'node:url';
import { codeCacheDir, loadCompiledBundle } from './cli/compiled-bundle.js';
let libraries;
export function configLibraries() {
  if (!libraries) {
    const bundle = loadCompiledBundle(fileURLToPath(new URL(${JSON.stringify(CONFIG_LIBRARIES.file)}, __importMetaUrl)), codeCacheDir(process.env), __importModule, require);
    process.once('exit', () => bundle.saveCache());
    libraries = bundle.exports;
  }
  return libraries;
}`,
              resolveDir: dist(''),
              loader: 'js',
            }
          : { contents: `module.exports = require('${loader}').configLibraries().${CONFIG_LIBRARIES.exports[args.path]};`, loader: 'js' },
      );
    },
  };
}

/**
 * In cli.cjs, `ink`, `react` and `react/jsx-runtime` are those of terminal/libraries.cjs, which
 * src/ui/terminal-libraries.ts loads before any module that imports them is evaluated. Its
 * replacement here first imports yoga-layout through the bin's own import() (__importModule,
 * given to the bundle by src/cli/compiled-bundle.ts), where top-level await works, then runs
 * libraries.cjs through the code cache as the bin runs cli.cjs, saving its cache at exit.
 */
function terminalLibraries() {
  const names = { ink: 'ink', react: 'react', 'react/jsx-runtime': 'jsxRuntime' };
  const key = JSON.stringify(TERMINAL_LIBRARIES.key);
  return {
    name: 'terminal-libraries',
    setup(builder) {
      builder.onResolve({ filter: /^(ink|react|react\/jsx-runtime)$/ }, (args) => ({ path: args.path, namespace: 'terminal-library' }));
      builder.onLoad({ filter: /.*/, namespace: 'terminal-library' }, (args) => ({
        contents: `const libraries = globalThis[Symbol.for(${key})];
if (!libraries?.ink) throw new Error('${args.path} is needed before loadTerminalLibraries() ran (src/ui/terminal-libraries.ts)');
module.exports = libraries.${names[args.path]};`,
        loader: 'js',
      }));
      builder.onLoad({ filter: /[\\/]dist[\\/]ui[\\/]terminal-libraries\.js$/ }, () => ({
        contents: `import { fileURLToPath } from 'node:url';
import { codeCacheDir, loadCompiledBundle } from '../cli/compiled-bundle.js';
export async function loadTerminalLibraries() {
  await import('./react-production.js');
  const key = Symbol.for(${key});
  if (globalThis[key]?.ink) return;
  const yoga = await __importModule(new URL(${JSON.stringify(TERMINAL_LIBRARIES.yoga)}, __importMetaUrl).href);
  globalThis[key] = { yoga: yoga.default };
  const libraries = loadCompiledBundle(fileURLToPath(new URL(${JSON.stringify(TERMINAL_LIBRARIES.libraries)}, __importMetaUrl)), codeCacheDir(process.env), __importModule, require);
  Object.assign(globalThis[key], libraries.exports);
  process.once('exit', () => libraries.saveCache());
}`,
        resolveDir: dist('ui'),
        loader: 'js',
      }));
    },
  };
}

/** In terminal/libraries.cjs, yoga-layout is the one terminal/yoga.js set up (above). */
function yogaFromHost() {
  const key = JSON.stringify(TERMINAL_LIBRARIES.key);
  return {
    name: 'yoga-from-host',
    setup(builder) {
      builder.onResolve({ filter: /^yoga-layout$/ }, () => ({ path: 'yoga-layout', namespace: 'yoga-from-host' }));
      builder.onLoad({ filter: /.*/, namespace: 'yoga-from-host' }, () => ({
        contents: `const yoga = globalThis[Symbol.for(${key})]?.yoga;
if (!yoga) throw new Error('yoga-layout is needed before loadTerminalLibraries() set it up (scripts/bundle-cli.mjs)');
// Ink imports its default export; from an ES module, that is module.exports itself.
module.exports = yoga;`,
        loader: 'js',
      }));
    },
  };
}

/**
 * Ink's reconciler awaits at top level twice, both only when DEV=true (for React's devtools):
 * importing its devtools module and reading its own package.json. CommonJS cannot hold that, so
 * the first becomes a require() (a missing react-devtools-core then fails as CommonJS says, and
 * Ink's warning is kept for that code too) and the second the name and version, written in now.
 */
function inkWithoutTopLevelAwait() {
  const { name, version } = JSON.parse(readFileSync(new URL('node_modules/ink/package.json', root), 'utf8'));
  const patches = [
    ["await import('./devtools.js');", "require('./devtools.js');"],
    ["error.code === 'ERR_MODULE_NOT_FOUND'", "(error.code === 'ERR_MODULE_NOT_FOUND' || error.code === 'MODULE_NOT_FOUND')"],
    ['await loadPackageJson()', JSON.stringify({ name, version })],
  ];
  return {
    name: 'ink-without-top-level-await',
    setup(builder) {
      builder.onLoad({ filter: /[\\/]node_modules[\\/]ink[\\/]build[\\/]reconciler\.js$/ }, (args) => {
        let source = readFileSync(args.path, 'utf8');
        for (const [from, to] of patches) {
          if (source.split(from).length !== 2) throw new Error(`Ink's reconciler changed (${from}): update inkWithoutTopLevelAwait in scripts/bundle-cli.mjs`);
          source = source.replace(from, to);
        }
        return { contents: source, loader: 'js' };
      });
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
