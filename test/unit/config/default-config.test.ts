// The compiled defaults must be the YAML, line for line: same data, same line for every key
// path (messages name default.yml:line), and never used once the YAML has changed.
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from '@jest/globals';
import { compileDefaults, DEFAULTS_FILE, readDefaults } from '../../../src/config/default-config.js';
import { type KeyPath, lineOf, parseYamlFile } from '../../../src/config/yaml-file.js';

const dirs: string[] = [];
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

function scratch(): { yaml: string; compiled: string } {
  const dir = mkdtempSync(join(tmpdir(), 'devsynth-defaults-'));
  dirs.push(dir);
  return { yaml: join(dir, 'default.yml'), compiled: join(dir, 'default-config.json') };
}

/** Every key path of a value, parents first, plus some that do not exist. */
function keyPaths(value: unknown, path: Array<string | number> = []): KeyPath[] {
  const here: KeyPath[] = [path, [...path, 'no_such_key']];
  if (value && typeof value === 'object') {
    for (const [key, child] of Object.entries(value)) here.push(...keyPaths(child, [...path, Array.isArray(value) ? Number(key) : key]));
  }
  return here;
}

describe('compiled defaults', () => {
  it('have the data and every line that parsing the YAML gives', async () => {
    const files = scratch();
    writeFileSync(files.yaml, readFileSync(DEFAULTS_FILE, 'utf8'));
    writeFileSync(files.compiled, await compileDefaults(files.yaml));
    const compiled = await readDefaults(files);
    const parsed = parseYamlFile(files.yaml, readFileSync(files.yaml, 'utf8'));
    expect(compiled.data).toEqual(parsed.data);
    const paths = keyPaths(parsed.data);
    expect(paths.length).toBeGreaterThan(60);
    for (const path of paths) expect([path, compiled.lineOf(path)]).toEqual([path, lineOf(parsed, path)]);
    // The compiled source carries no YAML document: it came from the JSON.
    expect('yaml' in compiled).toBe(false);
  });

  it('are ignored once the YAML changes, and when missing or unreadable', async () => {
    const files = scratch();
    writeFileSync(files.yaml, 'llm:\n  provider: openrouter\n');
    writeFileSync(files.compiled, await compileDefaults(files.yaml));
    writeFileSync(files.yaml, '# edited\nllm:\n\n  provider: offline\n');
    const stale = await readDefaults(files);
    expect(stale.data).toEqual({ llm: { provider: 'offline' } });
    expect(stale.lineOf(['llm', 'provider'])).toBe(4);
    writeFileSync(files.compiled, '{ not json');
    expect((await readDefaults(files)).data).toEqual({ llm: { provider: 'offline' } });
    rmSync(files.compiled);
    expect((await readDefaults(files)).data).toEqual({ llm: { provider: 'offline' } });
  });
});
