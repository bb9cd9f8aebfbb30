// Bundles the CLI (dist/cli/main.js, as tsc wrote it) into dist/bundle/ with esbuild, for
// start-up: one file to parse instead of several hundred modules to resolve and load costs
// about 0.14 s less on every command, and Ink and React (with the 415 modules of es-toolkit that
// Ink imports) load in one chunk behind the terminal UI's dynamic import, which halves the UI's
// start-up CPU (docs/benchmarks.md). The library (dist/index.js) stays tsc's output. Not bundled:
// the native keyring, undici (loaded only for ca_file), TypeScript (cosmiconfig's optional loader
// for .ts configs, which we never use) and react-devtools-core (Ink's, only with DEV=true).
import { rmSync } from 'node:fs';
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
  // ofetch's Node entry brings node-fetch-native, a fetch polyfill for Node versions without
  // one; we always hand ofetch a fetch (node-fetch.ts), so its plain ESM entry does.
  alias: { ofetch: new URL('node_modules/ofetch/dist/index.mjs', root).pathname },
  // CommonJS dependencies call require() for Node's built-ins; an ESM bundle has none of its own.
  banner: { js: "import { createRequire as __devsynthRequire } from 'node:module'; const require = __devsynthRequire(import.meta.url);" },
  legalComments: 'none',
  logLevel: 'warning',
});
