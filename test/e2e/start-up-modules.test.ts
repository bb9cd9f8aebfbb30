// What a command's start loads: only what that command uses. node:crypto and node:zlib are
// required where a hash or a checksum is first taken (scripts/bundle-cli.mjs, lazyBuiltins), and
// the terminal-width measure (wrap-ansi, whose string-width builds an Intl.Segmenter as it loads)
// only with the terminal UI (src/ui/format-footer.ts). Each was milliseconds of every start
// (docs/benchmarks.md has the figures; speed itself is measured there, not here).
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { type FakeOpenRouter, startFakeOpenRouter } from '../helpers/fake-openrouter.js';
import { BIN, type CliSandbox, cliSandbox } from '../helpers/run-cli.js';

const run = promisify(execFile);

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
process.on('exit', () => process.stderr.write('\\nPROBE' + JSON.stringify({ builtins: process.moduleLoadList.filter((m) => m.startsWith('NativeModule ')).map((m) => m.slice(13)), segmenters }) + '\\n'));`,
  );
});
afterAll(async () => {
  await fake.close();
  cli.dispose();
  rmSync(home, { recursive: true, force: true });
});

async function startOf(args: string[]): Promise<{ builtins: string[]; segmenters: number; stdout: string }> {
  const pending = run(process.execPath, ['-r', probe, BIN, ...args], { env: cli.env, timeout: 60_000 });
  // No stdin: chat would wait for a piped prompt.
  pending.child.stdin?.end();
  const { stdout, stderr } = await pending;
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
  });
});
