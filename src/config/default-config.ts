// The shipped defaults (config/default.yml) as a config source. The build compiles the file to
// JSON (its data and the line of every key, for messages), because parsing YAML on every start
// costs about 12 ms, most of a cold `yaml`; the JSON keeps the YAML's text and is used only
// while that text is unchanged, so an edited default.yml (or no build, as under ts-jest) falls
// back to parsing it.
import { readFileSync } from 'node:fs';
import type { KeyPath } from './yaml-file.js';

/** A parsed config file: its data, and the line of any key path (or of its nearest parent). */
export interface ConfigSource {
  path: string;
  data: unknown;
  lineOf(path: KeyPath): number | undefined;
}

export const DEFAULTS_FILE = new URL('../../config/default.yml', import.meta.url).pathname;
/** Written by scripts/bundle-cli.mjs; the same path from dist/config/ and from dist/bundle/. */
export const COMPILED_DEFAULTS_FILE = new URL('../../dist/default-config.json', import.meta.url).pathname;

interface CompiledDefaults {
  source: string;
  data: unknown;
  lines: Record<string, number>;
}

/** A source whose lines come from a map of dotted key paths. */
export function sourceFromLines(path: string, data: unknown, lines: Record<string, number>): ConfigSource {
  return {
    path,
    data,
    lineOf(keyPath) {
      for (let depth = keyPath.length; depth >= 0; depth--) {
        const line = lines[keyPath.slice(0, depth).join('.')];
        if (line !== undefined) return line;
      }
      return undefined;
    },
  };
}

export async function readDefaults(files = { yaml: DEFAULTS_FILE, compiled: COMPILED_DEFAULTS_FILE }): Promise<ConfigSource> {
  const text = readFileSync(files.yaml, 'utf8');
  try {
    const compiled = JSON.parse(readFileSync(files.compiled, 'utf8')) as CompiledDefaults;
    if (compiled.source === text) return sourceFromLines(files.yaml, compiled.data, compiled.lines);
  } catch {
    // Not built, or unreadable: the YAML itself is the truth.
  }
  const { readYamlSource } = await import('./yaml-file.js');
  return readYamlSource(files.yaml, text);
}

/** What the build writes to COMPILED_DEFAULTS_FILE. */
export async function compileDefaults(yamlFile = DEFAULTS_FILE): Promise<string> {
  const text = readFileSync(yamlFile, 'utf8');
  const { keyLines, parseYamlFile } = await import('./yaml-file.js');
  const file = parseYamlFile(yamlFile, text);
  const compiled: CompiledDefaults = { source: text, data: file.data, lines: keyLines(file) };
  return `${JSON.stringify(compiled)}\n`;
}
