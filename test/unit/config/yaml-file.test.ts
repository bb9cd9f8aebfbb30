// What a config file's YAML may not do: expand aliases without bound, or carry tagged values
// (!!binary, !!js/function, custom tags). Each is a ConfigError at file:line, before the data
// exists, so no part of a tagged value can be echoed.
import { describe, expect, it } from '@jest/globals';
import { ConfigError } from '../../../src/core/index.js';
import { parseYamlFile } from '../../../src/config/yaml-file.js';

const KEY = 'sk-or-v1-b1n4ryb1n4ryb1n4ryb1n4ry0123456789';
const base64 = Buffer.from(KEY).toString('base64');

function refusal(text: string): ConfigError {
  try {
    parseYamlFile('/home/u/c.yml', text);
  } catch (error) {
    if (error instanceof ConfigError) return error;
    throw error;
  }
  throw new Error('expected the file to be refused');
}

describe('parseYamlFile: aliases', () => {
  it('a "billion laughs" is a ConfigError at the first alias, not yaml\'s ReferenceError', () => {
    let text = 'a: &a ["lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol"]\n';
    for (const [name, previous] of [['b', 'a'], ['c', 'b'], ['d', 'c'], ['e', 'd'], ['f', 'e']]) {
      text += `${name}: &${name} [${Array(9).fill(`*${previous}`).join(', ')}]\n`;
    }
    const error = refusal(`# comment\n${text}`);
    expect(error.exitCode).toBe(3);
    expect(error.message).toBe('/home/u/c.yml:3: aliases that expand too far (a YAML "billion laughs"?)');
    // An anchor used a few times is still fine.
    const file = parseYamlFile('/home/u/c.yml', 'base: &b { temperature: 0.2 }\none: *b\ntwo: *b\n');
    expect(file.data).toEqual({ base: { temperature: 0.2 }, one: { temperature: 0.2 }, two: { temperature: 0.2 } });
  });
});

describe('parseYamlFile: structure', () => {
  it('more lines and list items than any configuration is refused before parsing, at the line', () => {
    const error = refusal(`llm:\n  fallback: [${'openrouter, '.repeat(6000)}openrouter]\n`);
    expect(error.message).toBe('/home/u/c.yml:2: more than 5000 lines and list items; a configuration needs far fewer');
    const lines = refusal(`# long\n${'# comment\n'.repeat(5000)}a: 1\n`);
    expect(lines.message).toMatch(/^\/home\/u\/c\.yml:5001: more than 5000/);
  });
});

describe('parseYamlFile: tagged values', () => {
  it.each([
    ['!!binary', `x_title: !!binary ${base64}`, 2],
    ['!!js/function', 'model: !!js/function "function () { return 1 }"', 2],
    ['!Ref', 'model: !Ref other', 2],
    ['!!str', 'model: !!str 1234', 2],
    ['!!map', 'llm: !!map\n  provider: openrouter', 2],
  ])('%s is refused at its line', (tag, line, at) => {
    const error = refusal(`# settings\n${line}\n`);
    expect(error.message).toBe(`/home/u/c.yml:${at}: a tagged value (${tag}) is not allowed in a configuration file`);
  });

  it('a tagged key is refused too', () => {
    expect(refusal('llm:\n  ? !!binary c2stb3It\n  : x\n').message).toMatch(/^\/home\/u\/c\.yml:2: a tagged value \(!!binary\)/);
  });

  it('the value behind a tag, and a tag that looks like a key, are never repeated', () => {
    const binary = refusal(`x_title: !!binary ${base64}\n`);
    expect(`${binary.message} ${binary.hint}`).not.toContain(base64);
    expect(`${binary.message} ${binary.hint}`).not.toContain(KEY);
    const keyAsTag = refusal(`x_title: !${KEY} v\n`);
    expect(keyAsTag.message).toBe('/home/u/c.yml:1: a tagged value (a tag) is not allowed in a configuration file');
  });
});
