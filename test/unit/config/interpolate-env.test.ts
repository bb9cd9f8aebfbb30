import { describe, expect, it } from '@jest/globals';
import fc from 'fast-check';
import { ConfigError } from '../../../src/core/index.js';
import { interpolateEnv } from '../../../src/config/interpolate-env.js';

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
});
