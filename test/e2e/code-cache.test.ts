// The bin runs the CLI bundle through V8's code cache (src/cli/compiled-bundle.ts): written in
// the cache directory after the first run, used by the next, off with DEVSYNTH_CODE_CACHE=0,
// and never a change in what a command prints.
import { existsSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from '@jest/globals';
import { type FakeOpenRouter, startFakeOpenRouter } from '../helpers/fake-openrouter.js';
import { type CliSandbox, cliSandbox } from '../helpers/run-cli.js';

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

  it('is neither read nor written with DEVSYNTH_CODE_CACHE=0', async () => {
    const run = await cli.run(['--debug', 'chat', 'hello'], { env: { DEVSYNTH_CODE_CACHE: '0' } });
    expect(run.code).toBe(0);
    expect(run.stderr).toContain('[debug] code cache: off (DEVSYNTH_CODE_CACHE=0)');
    expect(existsSync(cacheDir())).toBe(false);
  });
});
