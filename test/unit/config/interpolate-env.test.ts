import { describe, expect, it } from '@jest/globals';
import fc from 'fast-check';
import { ConfigError } from '../../../src/core/index.js';
import { parse as parseYaml } from 'yaml';
import { coreScalar, interpolateEnv, malformedReference } from '../../../src/config/interpolate-env.js';

const site = { file: 'f.yml', lineOf: () => 7 };
const run = (tree: unknown, env: Record<string, string> = {}) => interpolateEnv(tree, env, site);

describe('interpolateEnv', () => {
  it('replaces ${VAR}, several per string, and leaves other leaves alone', () => {
    const { value, unset } = run({ a: '${A}-${B}', n: 3, t: true, z: null, list: ['${A}'] }, { A: 'x', B: 'y' });
    expect(value).toEqual({ a: 'x-y', n: 3, t: true, z: null, list: ['x'] });
    expect(unset).toEqual([]);
  });

  it('${VAR:-default} for unset or empty, ${VAR:?msg} fails naming file:line, $${ is literal', () => {
    expect(run({ a: '${A:-fallback}' }, { A: '' }).value).toEqual({ a: 'fallback' });
    expect(run({ a: 'cost: $${HOME}' }, { HOME: '/root' }).value).toEqual({ a: 'cost: ${HOME}' });
    expect(() => run({ a: '${NEED:?give it}' })).toThrow(ConfigError);
    expect(() => run({ a: '${NEED:?give it}' })).toThrow('f.yml:7: NEED is not set: give it');
  });

  it('drops a value whose variable is unset and remembers where', () => {
    const { value, unset } = run({ keep: 'k', gone: 'Bearer ${TOKEN}' });
    expect(value).toEqual({ keep: 'k' });
    expect(unset).toEqual([{ variable: 'TOKEN', file: 'f.yml', line: 7, path: 'gone' }]);
  });

  it('keeps __proto__ an ordinary key of the copy (so the schema reports it), never its prototype', () => {
    const tree = JSON.parse('{"llm":{"__proto__":{"polluted":"${A}"}}}') as unknown;
    const { value } = run(tree, { A: 'yes' });
    const llm = (value as { llm: Record<string, unknown> }).llm;
    expect(Object.keys(llm)).toEqual(['__proto__']);
    expect(Object.getPrototypeOf(llm)).toBe(Object.prototype);
    expect(llm.polluted).toBeUndefined();
  });

  it('property: strings without "$" come out unchanged', () => {
    fc.assert(
      fc.property(fc.string().filter((s) => !s.includes('$')), (text) => {
        expect(run({ v: text }).value).toEqual({ v: text });
      }),
    );
  });

  it('property: a ${VAR} reference to any set value yields that value', () => {
    fc.assert(
      fc.property(fc.string({ minLength: 1 }).filter((s) => !/^[\s\d.+-]|true|false|null|^[~]/i.test(s)), fc.string().filter((s) => !s.includes('$')), (value, prefix) => {
        expect(run({ v: `${prefix}\${X}` }, { X: value }).value).toEqual({ v: `${prefix}${value}` });
      }),
    );
  });

  describe('a whole reference takes its YAML type, as the yaml package reads it', () => {
    /** What the pipeline did before coreScalar: yaml's parse, keeping booleans and numbers. */
    const byYaml = (text: string): unknown => {
      try {
        const parsed: unknown = parseYaml(text);
        return typeof parsed === 'number' || typeof parsed === 'boolean' ? parsed : text;
      } catch {
        return text;
      }
    };
    const digits = fc.string({ unit: fc.constantFrom(...'0123456789'), minLength: 1, maxLength: 6 });
    const sign = fc.constantFrom('', '+', '-');
    const numberLike = fc.oneof(
      fc.tuple(sign, digits).map(([s, d]) => s + d),
      fc.tuple(sign, digits, digits).map(([s, a, b]) => `${s}${a}.${b}`),
      fc.tuple(sign, digits).map(([s, d]) => `${s}.${d}`),
      fc.tuple(sign, digits).map(([s, d]) => `${s}${d}.`),
      fc.tuple(sign, digits, fc.constantFrom('e', 'E'), sign, digits).map((parts) => parts.join('')),
      fc.tuple(fc.constantFrom('0o', '0x', '0X', '0O'), fc.string({ unit: fc.constantFrom(...'0123456789abcdefgABCDEF'), minLength: 1, maxLength: 5 })).map((parts) => parts.join('')),
      fc.constantFrom('.inf', '-.Inf', '+.INF', '.nan', '.NaN', '.NAN', 'inf', 'NaN', '.Nan', '1_000', '1,5', '0b101', '0.5 ', ' 7'),
      fc.constantFrom('true', 'True', 'TRUE', 'false', 'False', 'FALSE', 'tRue', 'yes', 'no', 'on', 'off', 'y', '~', 'null', ''),
    );

    it('property: numbers and booleans as yaml reads them, anything else as the text', () => {
      fc.assert(
        // The oracle parses a whole YAML document, where " #" starts a comment and "&", "*",
        // "!" and "%" begin anchors, aliases, tags and directives ("0 #" and "&a 2" read as
        // numbers there); an environment value is one scalar, so such text stays text.
        fc.property(fc.oneof(numberLike, fc.string({ maxLength: 8 }).filter((s) => !/[#&*!%]/.test(s))), (text) => {
          const ours = coreScalar(text);
          const theirs = byYaml(text);
          if (Number.isNaN(theirs)) expect(Number.isNaN(ours)).toBe(true);
          else expect(ours).toEqual(theirs);
        }),
        { numRuns: 3000 },
      );
    });

    it('through interpolation', () => {
      expect(run({ t: '${T}', n: '${N}', b: '${B}', s: 'x${N}' }, { T: '0.5', N: '0x10', B: 'False' }).value).toEqual({ t: 0.5, n: 16, b: false, s: 'x0x10' });
    });
  });
});

describe('environment values that look like YAML syntax', () => {
  it('stay text: a comment, an anchor or a tag in a variable is not YAML to us', () => {
    expect(coreScalar('0 #')).toBe('0 #');
    expect(coreScalar('&a 2')).toBe('&a 2');
    expect(coreScalar('!!int 3')).toBe('!!int 3');
  });
});

describe('malformedReference', () => {
  it('finds a ${ that opens no reference, quoting only the name-like start', () => {
    expect(malformedReference('${OPENROUTER_API_KEY')).toBe('${OPENROUTER_API_KEY');
    expect(malformedReference('${A:-x')).toBe('${A');
    expect(malformedReference('${A-x}')).toBe('${A');
    expect(malformedReference('${sk-or-v1-secret}')).toBe('${sk');
    expect(malformedReference('ok ${A} then ${B')).toBe('${B');
    for (const fine of ['${A}', '${A:-x}', '${A:?must}', '$${A', 'plain', '$A', 'costs $5']) expect(malformedReference(fine)).toBeUndefined();
  });
});
