// A config file is read with a cap (1 MB), refused before parsing past it, whatever it is.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from '@jest/globals';
import { ConfigError } from '../../../src/core/index.js';
import { MAX_CONFIG_BYTES, readConfigFile } from '../../../src/config/read-config-file.js';

const dir = mkdtempSync(join(tmpdir(), 'devsynth-read-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const refusal = (path: string): ConfigError => {
  try {
    readConfigFile(path);
  } catch (error) {
    if (error instanceof ConfigError) return error;
    throw error;
  }
  throw new Error('expected a refusal');
};

describe('readConfigFile', () => {
  it('a file over 1 MB is refused (exit 3) naming it', () => {
    const path = join(dir, 'big.yml');
    writeFileSync(path, `llm:\n  provider: openrouter\n${'#'.repeat(2 * 1024 * 1024)}\n`);
    const error = refusal(path);
    expect(error.exitCode).toBe(3);
    expect(error.message).toBe(`${path}: the configuration file is larger than 1 MB`);
  });

  it('a file of exactly 1 MB is read', () => {
    const path = join(dir, 'full.yml');
    const text = `a: 1\n${'#'.repeat(MAX_CONFIG_BYTES - 6)}\n`;
    writeFileSync(path, text);
    expect(readConfigFile(path)).toBe(text);
  });

  it('a device without a size (/dev/zero) stops at the cap', () => {
    expect(refusal('/dev/zero').message).toBe('/dev/zero: the configuration file is larger than 1 MB');
  });

  it('a directory is a ConfigError, not an unexpected one', () => {
    expect(refusal(dir).message).toBe(`${dir}: is a directory, not a configuration file`);
  });
});
