// Bundles the CLI (dist/cli/main.js, as tsc wrote it) into dist/bundle/ with esbuild, for
// start-up: one file to parse instead of several hundred modules to resolve and load costs
// about 0.14 s less on every command, and Ink and React (with the 415 modules of es-toolkit that
// Ink imports) load in one chunk behind the terminal UI's dynamic import, which halves the UI's
// start-up CPU (docs/benchmarks.md). The library (dist/index.js) stays tsc's output. Not bundled:
// the native keyring, undici (loaded only for ca_file), TypeScript (cosmiconfig's optional loader
// for .ts configs, which we never use) and react-devtools-core (Ink's, only with DEV=true).
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { build } from 'esbuild';

const root = new URL('../', import.meta.url);
const outdir = new URL('dist/bundle/', root).pathname;
rmSync(outdir, { recursive: true, force: true });
await build({
  entryPoints: { cli: new URL('dist/cli/main.js', root).pathname },
  outdir,
  bundle: true,
  // Dynamic imports become their own chunks, loaded only when that path runs.
  splitting: true,
  format: 'esm',
  platform: 'node',
  target: 'node20',
  // Names are kept so that a --debug stack trace still reads.
  minifyWhitespace: true,
  minifySyntax: true,
  // The bundle sits at the same depth as dist/cli/, so import.meta.url paths such as
  // ../../config/default.yml and ../../package.json still point at the package's files.
  external: ['react-devtools-core', '@napi-rs/keyring', 'undici', 'typescript'],
  plugins: [ofetchWithoutGlobals(), confWithoutSchemas(), lazyBuiltins(), lockfileOnPlainFs()],
  // CommonJS dependencies call require() for Node's built-ins; an ESM bundle has none of its own.
  banner: { js: "import { createRequire as __devsynthRequire } from 'node:module'; const require = __devsynthRequire(import.meta.url);" },
  legalComments: 'none',
  logLevel: 'warning',
});

// The cached-catalogue answer (src/cli/fast-catalogue.ts) as CommonJS, for the bin to require
// before anything else loads: it imports only node built-ins and a few small modules.
await build({
  entryPoints: [new URL('dist/cli/fast-catalogue.js', root).pathname],
  outfile: new URL('fast.cjs', `file://${outdir}`).pathname,
  bundle: true,
  format: 'cjs',
  platform: 'node',
  target: 'node20',
  minifyWhitespace: true,
  minifySyntax: true,
  legalComments: 'none',
  logLevel: 'warning',
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
