// What the bin (bin/devsynth-or.cjs) loads first, as one small CommonJS file: the cached-catalogue
// answer, and the CLI bundle run through V8's code cache. Nothing here loads the CLI itself.
import type { CliIO } from '../app/runtime.js';
import { codeCacheDir, type ImportModule, loadCompiledBundle } from './compiled-bundle.js';
import { setV8Flag } from './v8-flags.js';

export { answerFromCache } from './fast-catalogue.js';

interface CliBundle {
  main(argv: string[], io?: CliIO): Promise<number>;
}

/**
 * Runs the CLI (dist/bundle/cli.cjs or embed.cjs) on `argv`; the exit code is left in
 * process.exitCode. `requireBuiltins`: the bin's require, which loads the bundle's built-ins.
 */
export async function runCli(bundle: string, argv: string[], importModule: ImportModule, requireBuiltins?: NodeJS.Require): Promise<void> {
  // V8 grows its young generation to 16 MB per semi-space under a long stream's allocation
  // rate, which is most of a 100,000-chunk answer's peak memory: kept at its starting size it
  // costs about 20 MB less for about 0.02 s more CPU (docs/benchmarks.md). A growth heuristic,
  // read when V8 decides to grow, so it can be set now; the heap's sizes themselves cannot.
  // Set before the bundle is compiled: V8's code cache must see the same flags every run.
  setV8Flag('semi-space-growth-factor', 1);
  // Likewise the old generation: V8 lets it grow to up to 4 times what the last full
  // collection kept before collecting again. What the CLI keeps is small (10 to 25 MB, the same
  // at 100,000 embedded lines as at 10,000), but a long `embed` promotes every vector it holds
  // across a network wait, so it ran at 4 times that: 130 to 160 MB where 1.5 times gives 95 to
  // 100 (docs/benchmarks.md). No limit: a larger live heap still gets a larger heap.
  setV8Flag('heap-growing-percent', 50);
  // V8 drops the compiled code of a function not run for a few full collections. In a long run
  // (a 30,000-line `embed`, a long answer) that is all of the start-up's, and the code cache this
  // run writes at its end then lacks it: every later start compiled it again, 22 ms of a one-text
  // embed after a 30,000-line one (docs/benchmarks.md). Kept, the cache holds what the run
  // compiled; what it costs is that code's memory, a few megabytes at most.
  setV8Flag('flush-bytecode', false);
  const cacheDir = codeCacheDir(process.env);
  const cli = loadCompiledBundle<CliBundle>(bundle, cacheDir, importModule, requireBuiltins);
  if (argv.includes('--debug') || process.env.DEVSYNTH_DEBUG === '1') {
    const state = !cacheDir ? 'off (DEVSYNTH_CODE_CACHE=0)' : cli.cacheUsed ? `used (${cacheDir})` : `compiled; cached after this run in ${cacheDir}`;
    process.stderr.write(`[debug] code cache: ${state}\n`);
  }
  await cli.exports.main(argv);
  cli.saveCache();
}
