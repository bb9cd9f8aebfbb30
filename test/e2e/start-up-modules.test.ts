// What a command's start loads: only what that command uses. node:crypto and node:zlib are
// required where a hash or a checksum is first taken (scripts/bundle-cli.mjs, lazyBuiltins), and
// the terminal-width measure (wrap-ansi, whose string-width builds an Intl.Segmenter as it loads)
// only with the terminal UI (src/ui/format-footer.ts), node:module only for a package required
// from node_modules. Each was milliseconds of every start
// (docs/benchmarks.md has the figures; speed itself is measured there, not here).
import { spawn } from 'node:child_process';
import { closeSync, mkdtempSync, openSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { type FakeOpenRouter, startFakeOpenRouter } from '../helpers/fake-openrouter.js';
import { BIN, type CliSandbox, cliSandbox } from '../helpers/run-cli.js';

let fake: FakeOpenRouter;
let cli: CliSandbox;
let home: string;
let probe: string;
beforeAll(async () => {
  fake = await startFakeOpenRouter();
  cli = cliSandbox(fake.url);
  home = mkdtempSync(join(tmpdir(), 'devsynth-start-'));
  // Preloaded into the CLI's process: at exit, the built-in modules it loaded, and whether an
  // Intl.Segmenter was made (what loading wrap-ansi does), on stderr as one JSON line.
  probe = join(home, 'probe.cjs');
  writeFileSync(
    probe,
    `let segmenters = 0;
const Segmenter = Intl.Segmenter;
Intl.Segmenter = class extends Segmenter { constructor(...args) { super(...args); segmenters++; } };
// V8's code-cache tag (a hash of its flags): a built-in required under changed flags is one
// Node's own code cache is refused for.
const v8 = require('node:v8');
// The loader's own class, as module.constructor: require('node:module') would load the built-in
// whose loading a test checks.
const Module = module.constructor;
const defaults = v8.cachedDataVersionTag();
const underChangedFlags = [];
const load = Module._load;
Module._load = function (request, ...rest) {
  const loaded = process.moduleLoadList.includes('NativeModule ' + request.replace(/^node:/, ''));
  if (Module.isBuiltin(request) && !loaded && v8.cachedDataVersionTag() !== defaults) underChangedFlags.push(request);
  return load.call(this, request, ...rest);
};
process.on('exit', () => process.stderr.write('\\nPROBE' + JSON.stringify({ builtins: process.moduleLoadList.filter((m) => m.startsWith('NativeModule ')).map((m) => m.slice(13)), segmenters, underChangedFlags, flagsChanged: v8.cachedDataVersionTag() !== defaults }) + '\\n'));`,
  );
});
afterAll(async () => {
  await fake.close();
  cli.dispose();
  rmSync(home, { recursive: true, force: true });
});

interface Start {
  builtins: string[];
  segmenters: number;
  /** Built-ins required while V8's flags were changed (Node's code cache refused for them). */
  underChangedFlags: string[];
  /** Whether the run's heap flags were in force at its end. */
  flagsChanged: boolean;
  stdout: string;
}

/** A run with the probe; stdin an ended pipe, or /dev/null. */
async function startOf(args: string[], stdin: 'pipe' | 'null' = 'pipe'): Promise<Start> {
  const stdinFd = stdin === 'null' ? openSync('/dev/null', 'r') : undefined;
  const child = spawn(process.execPath, ['-r', probe, BIN, ...args], { env: cli.env, stdio: [stdinFd ?? 'pipe', 'pipe', 'pipe'], timeout: 60_000 });
  if (stdinFd !== undefined) closeSync(stdinFd);
  // No stdin: chat would wait for a piped prompt.
  child.stdin?.end();
  let stdout = '';
  let stderr = '';
  child.stdout?.on('data', (chunk: Buffer) => (stdout += chunk));
  child.stderr?.on('data', (chunk: Buffer) => (stderr += chunk));
  const code = await new Promise((resolve) => child.on('close', resolve));
  expect({ args, code, stderr: stderr.split('\n').filter((l) => !l.startsWith('PROBE')).join('\n').trim() }).toEqual({ args, code: 0, stderr: '' });
  const line = stderr.split('\n').find((l) => l.startsWith('PROBE'));
  expect(line).toBeDefined();
  return { ...JSON.parse(line!.slice(5)), stdout };
}

describe('what a start loads', () => {
  it('a command that hashes nothing loads neither node:crypto nor node:zlib, nor the width measure', async () => {
    for (const args of [['embed', '--help'], ['status', '--help'], ['chat', '--help']]) {
      const start = await startOf(args);
      expect(start.stdout).toContain('Usage: devsynth-or');
      expect(start.builtins).not.toContain('crypto');
      expect(start.builtins).not.toContain('zlib');
      expect(start.segmenters).toBe(0);
    }
  });

  it('a piped chat answers without the width measure; embed loads node:crypto when it hashes', async () => {
    const chat = await startOf(['chat', '--no-cache', 'hello']);
    expect(chat.stdout.length).toBeGreaterThan(0);
    expect(chat.segmenters).toBe(0);
    // The vector cache's keys are SHA-256 hashes: the lazy module is loaded, and works.
    const embed = await startOf(['embed', 'a text']);
    expect(JSON.parse(embed.stdout.split('\n')[0]!).embedding.length).toBeGreaterThan(0);
    expect(embed.builtins).toContain('crypto');
    // Its built-ins come through the bin's require: node:module (0.7 ms) is not loaded for them.
    expect(embed.builtins).not.toContain('module');
  });

  it("loads Node's built-ins under V8's default flags, so that their code cache is taken, and runs under the heap flags", async () => {
    // Texts not embedded before in this sandbox: a cached vector would send no request.
    for (const args of [['embed', 'a new text'], ['chat', '--no-cache', 'hello'], ['--no-color', 'embed', 'another new text']]) {
      const start = await startOf(args);
      // Among them node:http and node:crypto, 3 ms each with Node's cache and 8 to 9 without.
      expect(start.builtins).toEqual(expect.arrayContaining(['http']));
      expect({ args, underChangedFlags: start.underChangedFlags }).toEqual({ args, underChangedFlags: [] });
      expect(start.flagsChanged).toBe(true);
    }
  });

  it('stdin that is /dev/null is read as empty without loading the stream modules for it', async () => {
    const embed = await startOf(['embed', 'a text'], 'null');
    expect(embed.stdout.trim().split('\n')).toHaveLength(1);
    expect(embed.builtins).not.toContain('internal/fs/streams');
    const chat = await startOf(['chat', '--no-cache', 'hello'], 'null');
    expect(chat.stdout.length).toBeGreaterThan(0);
    expect(chat.builtins).not.toContain('internal/fs/streams');
  });
});
