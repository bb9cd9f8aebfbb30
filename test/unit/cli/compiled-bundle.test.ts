// The code-cache loader runs a CommonJS bundle as require() would, and keeps V8's compiled
// code for the next run: used when it matches, rewritten when it does not, never in the way.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readdirSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from '@jest/globals';
import { BUNDLE_HEAD, BUNDLE_TAIL, loadCompiledBundle } from '../../../src/cli/compiled-bundle.js';

const dirs: string[] = [];
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

interface Bundle {
  answer(): number;
  where: string;
  load(specifier: string): Promise<unknown>;
  requireWorks: boolean;
}

function scratch(source: string): { bundle: string; cacheDir: string } {
  const dir = mkdtempSync(join(tmpdir(), 'devsynth-bundle-'));
  dirs.push(dir);
  const bundle = join(dir, 'cli.cjs');
  writeFileSync(bundle, source);
  return { bundle, cacheDir: join(dir, 'cache', 'v8') };
}

const SOURCE = `'use strict';
exports.answer = () => 6 * 7;
module.exports.where = __filename + ' in ' + __dirname;
exports.load = (specifier) => __importModule(specifier);
exports.requireWorks = typeof require('node:path').join === 'function';
`;
const noImport = async () => undefined;
const BUILT = new URL('../../../dist/cli/compiled-bundle.js', import.meta.url).href;

/** Loads the bundle in a new Node process, as the bin does, and saves the cache after the run. */
function runFresh(bundle: string, cacheDir: string): { used: boolean; answer: number } {
  const script = `import { loadCompiledBundle } from ${JSON.stringify(BUILT)};
const loaded = loadCompiledBundle(${JSON.stringify(bundle)}, ${JSON.stringify(cacheDir)}, async () => undefined);
const answer = loaded.exports.answer();
loaded.saveCache();
process.stdout.write(JSON.stringify({ used: loaded.cacheUsed, answer }));`;
  return JSON.parse(execFileSync(process.execPath, ['--input-type=module', '-e', script], { encoding: 'utf8' })) as { used: boolean; answer: number };
}

describe('loadCompiledBundle', () => {
  it.each([
    ['plain CommonJS, which the loader wraps', SOURCE],
    ['already the function the loader runs (as the build writes them)', `${BUNDLE_HEAD}${SOURCE}${BUNDLE_TAIL}\n`],
  ])('runs a bundle that is %s: its own file name, require and the import function it is given', async (_, source) => {
    const { bundle, cacheDir } = scratch(source);
    const imported: string[] = [];
    const loaded = loadCompiledBundle<Bundle>(bundle, cacheDir, async (specifier) => imported.push(specifier));
    expect(loaded.exports.answer()).toBe(42);
    expect(loaded.exports.where).toBe(`${bundle} in ${join(bundle, '..')}`);
    expect(loaded.exports.requireWorks).toBe(true);
    await loaded.exports.load('file:///x.js');
    expect(imported).toEqual(['file:///x.js']);
    expect(runFresh(bundle, cacheDir)).toEqual({ used: false, answer: 42 });
    expect(runFresh(bundle, cacheDir)).toEqual({ used: true, answer: 42 });
  });

  // V8 keeps what one process compiled in memory, so that a cache is only really read by a new
  // process: each run below is one, as each CLI run is (through the built module).
  it('writes the cache after the first run and uses it on the next', () => {
    const { bundle, cacheDir } = scratch(SOURCE);
    expect(runFresh(bundle, cacheDir)).toEqual({ used: false, answer: 42 });
    expect(readdirSync(cacheDir)).toHaveLength(1);
    expect(runFresh(bundle, cacheDir)).toEqual({ used: true, answer: 42 });
  });

  it('a new build of the bundle gets a new cache, and the old one is removed', () => {
    const { bundle, cacheDir } = scratch(SOURCE);
    runFresh(bundle, cacheDir);
    const [before] = readdirSync(cacheDir);
    // The same length, other code: only the file's identity tells the builds apart.
    writeFileSync(bundle, SOURCE.replace('6 * 7', '7 * 7'));
    utimesSync(bundle, new Date(), new Date(Date.now() + 5000));
    expect(runFresh(bundle, cacheDir)).toEqual({ used: false, answer: 49 });
    const after = readdirSync(cacheDir);
    expect(after).toHaveLength(1);
    expect(after[0]).not.toBe(before);
    expect(runFresh(bundle, cacheDir)).toEqual({ used: true, answer: 49 });
  });

  it('a damaged cache is refused by V8, the bundle still runs, and the cache is rewritten', () => {
    const { bundle, cacheDir } = scratch(SOURCE);
    runFresh(bundle, cacheDir);
    const [name] = readdirSync(cacheDir);
    writeFileSync(join(cacheDir, name as string), Buffer.from('not a code cache at all'));
    expect(runFresh(bundle, cacheDir)).toEqual({ used: false, answer: 42 });
    expect(runFresh(bundle, cacheDir)).toEqual({ used: true, answer: 42 });
  });

  it('two installs keep a cache each', () => {
    const one = scratch(SOURCE);
    const other = scratch(SOURCE);
    const shared = one.cacheDir;
    runFresh(one.bundle, shared);
    runFresh(other.bundle, shared);
    expect(readdirSync(shared)).toHaveLength(2);
    expect(runFresh(one.bundle, shared)).toEqual({ used: true, answer: 42 });
    expect(runFresh(other.bundle, shared)).toEqual({ used: true, answer: 42 });
  });

  it('no cache directory, or one that cannot be written: the bundle runs all the same', () => {
    const { bundle, cacheDir } = scratch(SOURCE);
    const without = loadCompiledBundle<Bundle>(bundle, undefined, noImport);
    expect(without.exports.answer()).toBe(42);
    expect(() => without.saveCache()).not.toThrow();
    // Under a file rather than a folder (a read-only folder would not stop root, who runs CI).
    const blocked = loadCompiledBundle<Bundle>(bundle, join(bundle, 'v8'), noImport);
    expect(blocked.exports.answer()).toBe(42);
    expect(() => blocked.saveCache()).not.toThrow();
    expect(readdirSync(join(cacheDir, '..', '..'))).toEqual(['cli.cjs']);
  });
});
