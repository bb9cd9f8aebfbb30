// Hostile config files through the built CLI: an alias bomb, a file of megabytes, tagged values
// hiding a key, and keys that aim at prototypes. Each is exit 3 with the file and line, no
// request sent, bounded memory, and no byte of a would-be key in the output.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { type FakeOpenRouter, startFakeOpenRouter } from '../helpers/fake-openrouter.js';
import { type CliResult, type CliSandbox, cliSandbox } from '../helpers/run-cli.js';

const FIXTURES = new URL('../fixtures/config/', import.meta.url).pathname;
const fixture = (name: string) => join(FIXTURES, name, '.devsynthrc.yml');

let fake: FakeOpenRouter;
let cli: CliSandbox;
beforeAll(async () => {
  fake = await startFakeOpenRouter();
  cli = cliSandbox(fake.url);
});
afterAll(async () => {
  await fake.close();
  cli.dispose();
});

/** `chat` and `config` with the file; both must be refused the same way. */
async function refused(file: string, options: { measureRss?: boolean } = {}): Promise<CliResult[]> {
  const results: CliResult[] = [];
  for (const args of [['chat', 'hi'], ['config', '--json']]) {
    // A run the attack would keep busy for minutes is killed: code null then, and the test fails.
    results.push(await cli.run(['--config', file, ...args], { ...options, killAfterMs: 20000 }));
  }
  for (const result of results) {
    expect(result.code).toBe(3);
    expect(result.stderr).not.toMatch(/unexpected error|\n\s+at /);
  }
  expect(results[0]!.stdout).toBe('');
  // --json: the contract's failure object, carrying the same message.
  const failure = JSON.parse(results[1]!.stdout) as { error: { kind: string; message: string; exit_code: number } };
  expect(failure.error).toMatchObject({ kind: 'config', exit_code: 3 });
  expect(results[1]!.stderr).toContain(failure.error.message.split('\n')[0]);
  expect(fake.requests).toHaveLength(0);
  return results;
}

describe('hostile config files (exit 3, file:line, nothing sent)', () => {
  it('an alias bomb ("billion laughs"): refused at its line, with bounded memory', async () => {
    const file = fixture('alias-bomb');
    for (const result of await refused(file, { measureRss: true })) {
      expect(result.stderr.split('\n')[0]).toBe(`devsynth-or: ${file}:3: aliases that expand too far (a YAML "billion laughs"?)`);
      expect(result.peakRssMb).toBeLessThan(200);
    }
  }, 60_000);

  it('a config file of 2 MB: refused before parsing, with bounded memory', async () => {
    const file = join(cli.home, 'huge.yml');
    // Valid YAML all the way: a flow list of two million numbers, what a parser would build.
    writeFileSync(file, `llm:\n  fallback: [${'1,'.repeat(1024 * 1024)}1]\n`);
    for (const result of await refused(file, { measureRss: true })) {
      expect(result.stderr.split('\n')[0]).toBe(`devsynth-or: ${file}: the configuration file is larger than 1 MB`);
      expect(result.peakRssMb).toBeLessThan(200);
    }
  }, 60_000);

  it('a flow list of 500,000 numbers under 1 MB: refused before parsing, with bounded memory', async () => {
    const file = join(cli.home, 'wide.yml');
    writeFileSync(file, `llm:\n  fallback: [${'1,'.repeat(500_000)}1]\n`);
    for (const result of await refused(file, { measureRss: true })) {
      expect(result.stderr.split('\n')[0]).toBe(`devsynth-or: ${file}:2: more than 5000 lines and list items; a configuration needs far fewer`);
      expect(result.peakRssMb).toBeLessThan(200);
    }
  }, 60_000);

  it('!!binary holding a key: refused at its line, the value in no form in the output', async () => {
    const file = fixture('tagged-binary');
    const key = 'sk-or-v1-b1n4ryb1n4ryb1n4ryb1n4ry0123456789';
    const encoded = Buffer.from(key).toString('base64');
    for (const result of await refused(file)) {
      expect(result.stderr.split('\n')[0]).toBe(`devsynth-or: ${file}:6: a tagged value (!!binary) is not allowed in a configuration file`);
      for (const form of [key, encoded, encoded.slice(0, 16), 'b1n4ry', '115,107,45']) {
        expect(result.stderr).not.toContain(form);
        expect(result.stdout).not.toContain(form);
      }
    }
  }, 60_000);

  it('a !!js/function value: refused at its line, its text not repeated', async () => {
    const file = fixture('tagged-custom');
    for (const result of await refused(file)) {
      expect(result.stderr.split('\n')[0]).toBe(`devsynth-or: ${file}:4: a tagged value (!!js/function) is not allowed in a configuration file`);
      expect(result.stderr + result.stdout).not.toContain('process.exit');
    }
  }, 60_000);

  it('__proto__, constructor and prototype keys: each reported as unknown at its line', async () => {
    const file = fixture('proto-keys');
    for (const result of await refused(file)) {
      expect(result.stderr).toContain('devsynth-or: invalid configuration (4 problems):');
      expect(result.stderr).toContain(`${file}:3: __proto__: unknown key`);
      expect(result.stderr).toContain(`${file}:6: llm.__proto__: unknown key`);
      expect(result.stderr).toContain(`${file}:8: llm.constructor: unknown key`);
      expect(result.stderr).toContain(`${file}:12: llm.providers.openrouter.prototype: unknown key`);
    }
  }, 60_000);
});
