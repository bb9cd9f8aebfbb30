// The core's internals are private: commands and UI import the core through src/core/index.ts
// only, so that the internals can change without touching them (style.md practice 18).
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { describe, expect, it } from '@jest/globals';

const src = new URL('../../../src/', import.meta.url).pathname;

function sourceFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return sourceFiles(path);
    return /\.(ts|tsx)$/.test(name) ? [path] : [];
  });
}

const importPattern = /(?:import|export)[^'"]*?from\s+['"]([^'"]+)['"]|import\(\s*['"]([^'"]+)['"]\s*\)/g;

function importsOf(file: string): string[] {
  const text = readFileSync(file, 'utf8');
  return [...text.matchAll(importPattern)].map((match) => match[1] ?? match[2] ?? '');
}

describe('import boundaries', () => {
  it('nothing outside src/core imports core internals or providers directly', () => {
    const offenders = sourceFiles(src)
      .filter((file) => !relative(src, file).startsWith('core/'))
      .flatMap((file) =>
        importsOf(file)
          .filter((spec) => /core\/(internal|providers)\//.test(spec))
          .map((spec) => `${relative(src, file)} → ${spec}`),
      );
    expect(offenders).toEqual([]);
  });

  it('finds imports at all (the scan is not vacuous)', () => {
    const all = sourceFiles(src).flatMap(importsOf);
    expect(all).toContain('../core/index.js');
  });
});
