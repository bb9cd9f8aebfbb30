// What the bin (bin/devsynth-or.cjs) loads first, as one small CommonJS file: the cached-catalogue
// answer, and the CLI bundle run through V8's code cache. Nothing here loads the CLI itself.
import type { CliIO } from '../app/runtime.js';
import { codeCacheDir, type ImportModule, loadCompiledBundle } from './compiled-bundle.js';

export { answerFromCache } from './fast-catalogue.js';

interface CliBundle {
  main(argv: string[], io?: CliIO): Promise<number>;
}

/** Runs the CLI (dist/bundle/cli.cjs) on `argv`; the exit code is left in process.exitCode. */
export async function runCli(bundle: string, argv: string[], importModule: ImportModule): Promise<void> {
  const cacheDir = codeCacheDir(process.env);
  const cli = loadCompiledBundle<CliBundle>(bundle, cacheDir, importModule);
  if (argv.includes('--debug') || process.env.DEVSYNTH_DEBUG === '1') {
    const state = !cacheDir ? 'off (DEVSYNTH_CODE_CACHE=0)' : cli.cacheUsed ? `used (${cacheDir})` : `compiled; cached after this run in ${cacheDir}`;
    process.stderr.write(`[debug] code cache: ${state}\n`);
  }
  await cli.exports.main(argv);
  cli.saveCache();
}
