// The bin runs the CLI bundle through V8's code cache (src/cli/compiled-bundle.ts): written in
// the cache directory after the first run, used by the next, off with DEVSYNTH_CODE_CACHE=0,
// and never a change in what a command prints.
import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { promisify } from 'node:util';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from '@jest/globals';
import { type FakeOpenRouter, startFakeOpenRouter } from '../helpers/fake-openrouter.js';
import { BIN, type CliSandbox, cliSandbox } from '../helpers/run-cli.js';

let fake: FakeOpenRouter;
let cli: CliSandbox;
beforeEach(async () => {
  fake = await startFakeOpenRouter();
  cli = cliSandbox(fake.url);
});
afterEach(async () => {
  await fake.close();
  cli.dispose();
});

const cacheDir = () => join(cli.env.DEVSYNTH_HOME!, 'cache', 'v8');
const withoutDebug = (stderr: string) => stderr.split('\n').filter((line) => !line.startsWith('[debug]')).join('\n');

describe('the code cache', () => {
  it('is written by the first run and used by the next, which prints the same', async () => {
    const first = await cli.run(['--debug', 'chat', 'hello']);
    expect(first.code).toBe(0);
    expect(first.stdout.length).toBeGreaterThan(0);
    expect(first.stderr).toContain(`[debug] code cache: compiled; cached after this run in ${cacheDir()}`);
    expect(readdirSync(cacheDir())).toEqual([expect.stringMatching(new RegExp(`^cli-[0-9a-f]{8}-${process.version}-${process.arch}-\\d+-\\d+\\.v8cache$`))]);
    const second = await cli.run(['--debug', 'chat', 'hello']);
    expect(second.code).toBe(0);
    expect(second.stderr).toContain(`[debug] code cache: used (${cacheDir()})`);
    expect(second.stdout).toBe(first.stdout);
    expect(withoutDebug(second.stderr).replace(/\d+ ms/g, '')).toBe(withoutDebug(first.stderr).replace(/\d+ ms/g, ''));
  });

  it('batch, which lets V8 grow its young generation while it runs, writes a cache chat uses, and uses chat\'s', async () => {
    // V8 refuses a code cache made under other flags: batch must put its flag back before the
    // cache is written, or every command after it would compile the bundle again.
    const items = join(cli.env.DEVSYNTH_HOME!, '..', 'items.txt');
    writeFileSync(items, 'one\ntwo\n');
    const batch = await cli.run(['--debug', 'batch', items, '-q']);
    expect(batch.code).toBe(0);
    expect(batch.stderr).toContain('[debug] code cache: compiled; cached after this run');
    const chat = await cli.run(['--debug', 'chat', 'hello']);
    expect(chat.stderr).toContain(`[debug] code cache: used (${cacheDir()})`);
    const again = await cli.run(['--debug', 'batch', items, '-q']);
    expect(again.code).toBe(0);
    expect(again.stderr).toContain(`[debug] code cache: used (${cacheDir()})`);
  });

  it('embed runs its own bundle with its own cache, and says what the full CLI says', async () => {
    // `embed` first picks its bundle (bin/devsynth-or.cjs): --debug comes from the environment.
    const debug = { env: { DEVSYNTH_DEBUG: '1' } };
    const first = await cli.run(['embed', 'a text'], debug);
    expect(first.code).toBe(0);
    expect(first.stderr).toContain('[debug] code cache: compiled; cached after this run');
    expect(readdirSync(cacheDir())).toEqual([expect.stringMatching(/^embed-[0-9a-f]{8}-.*\.v8cache$/)]);
    const second = await cli.run(['embed', 'a text'], debug);
    expect(second.stderr).toContain(`[debug] code cache: used (${cacheDir()})`);
    expect(second.stdout).toBe(first.stdout);
    expect(withoutDebug(second.stderr)).toBe(withoutDebug(first.stderr));
    // A global flag first: the full CLI (cli.cjs), which must print the same.
    const full = await cli.run(['--no-color', 'embed', 'a text'], debug);
    expect(full.stdout).toBe(first.stdout);
    expect(readdirSync(cacheDir()).sort()).toEqual([expect.stringMatching(/^cli-/), expect.stringMatching(/^embed-/)]);
    for (const args of [['--help'], ['--batch-size', '0', 'x'], ['--bogus', 'x'], []]) {
      const own = await cli.run(['embed', ...args]);
      const viaFull = await cli.run(['--no-color', 'embed', ...args]);
      expect({ code: own.code, stdout: own.stdout, stderr: own.stderr }).toEqual({ code: viaFull.code, stdout: viaFull.stdout, stderr: viaFull.stderr });
    }
  });

  it('the config-file libraries load from their own bundle, through their own cache, only when a config file exists', async () => {
    await cli.run(['chat', 'hello']);
    expect(readdirSync(cacheDir()).filter((name) => name.startsWith('config-files-'))).toEqual([]);
    const config = join(cli.env.DEVSYNTH_HOME!, '..', 'devsynth.yml');
    writeFileSync(config, 'llm:\n  provider: offline\n');
    for (const run of [1, 2]) {
      const answer = await cli.run(['chat', 'hello'], { env: { DEVSYNTH_CONFIG: config } });
      expect({ run, code: answer.code }).toEqual({ run, code: 0 });
      expect(answer.stdout).toContain('[offline]');
      expect(readdirSync(cacheDir()).filter((name) => name.startsWith('config-files-'))).toEqual([expect.stringMatching(/^config-files-[0-9a-f]{8}-.*\.v8cache$/)]);
    }
    // A broken file is reported by line, through the same libraries.
    writeFileSync(config, 'llm:\n  provider: [offline\n');
    const broken = await cli.run(['embed', 'x'], { env: { DEVSYNTH_CONFIG: config } });
    expect(broken.code).toBe(3);
    expect(broken.stderr).toContain(`${config}:`);
  });

  it("keeps the start-up's compiled code when the run that writes it was a long one", async () => {
    // V8 drops the code of functions not run for a few full collections, which in a long run is
    // all of the start-up's: the cache it wrote then lacked it, and every later start compiled it
    // again. A long run's collections, made here: each collection drops whatever is not running
    // (--stress-flush-code), and ten come just before the cache is written.
    const dir = mkdtempSync(join(tmpdir(), 'devsynth-flush-'));
    try {
      const preload = join(dir, 'collect.cjs');
      writeFileSync(preload, `const vm = require('node:vm'); const create = vm.Script.prototype.createCachedData;
vm.Script.prototype.createCachedData = function (...args) { for (let i = 0; i < 10; i++) global.gc(); return create.apply(this, args); };`);
      const cacheSize = async (home: string, collect: boolean) => {
        const flags = ['--expose-gc', '--stress-flush-code', ...(collect ? ['-r', preload] : [])];
        const pending = promisify(execFile)(process.execPath, [...flags, BIN, 'embed', `a text ${home}`], { env: { ...cli.env, DEVSYNTH_HOME: home }, timeout: 60_000 });
        // Nothing on stdin: embed reads piped lines after its arguments.
        pending.child.stdin?.end();
        await pending;
        const v8 = join(home, 'cache', 'v8');
        const [file] = readdirSync(v8);
        return statSync(join(v8, file as string)).size;
      };
      const plain = await cacheSize(join(dir, 'plain'), false);
      const afterCollections = await cacheSize(join(dir, 'collected'), true);
      // Flushed, it was half the size (220 KB against 441).
      expect(afterCollections).toBeGreaterThan(plain * 0.9);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('is neither read nor written with DEVSYNTH_CODE_CACHE=0', async () => {
    const run = await cli.run(['--debug', 'chat', 'hello'], { env: { DEVSYNTH_CODE_CACHE: '0' } });
    expect(run.code).toBe(0);
    expect(run.stderr).toContain('[debug] code cache: off (DEVSYNTH_CODE_CACHE=0)');
    expect(existsSync(cacheDir())).toBe(false);
  });
});
