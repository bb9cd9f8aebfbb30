// The CLI's V8 flags (src/cli/v8-flags.ts): a built-in loaded through withDefaultV8Flags sees
// V8's defaults (the flag hash Node's code cache for it was made under), and the changed flags
// are back afterwards. cachedDataVersionTag() is that hash, with V8's version and CPU.
import { cachedDataVersionTag } from 'node:v8';
import { afterEach, describe, expect, it } from '@jest/globals';
import { setV8Flag, withDefaultV8Flags } from '../../../src/cli/v8-flags.js';

const defaults = cachedDataVersionTag();
afterEach(() => {
  setV8Flag('semi-space-growth-factor', 2);
  setV8Flag('heap-growing-percent', 0);
  setV8Flag('flush-bytecode', true);
});

describe('V8 flags', () => {
  it('runs a load under the defaults and puts the changed flags back', () => {
    setV8Flag('semi-space-growth-factor', 1);
    setV8Flag('heap-growing-percent', 50);
    const changed = cachedDataVersionTag();
    expect(changed).not.toBe(defaults);
    expect(withDefaultV8Flags(() => cachedDataVersionTag())).toBe(defaults);
    expect(cachedDataVersionTag()).toBe(changed);
  });

  it('a boolean flag too (--no-flush-bytecode)', () => {
    setV8Flag('flush-bytecode', false);
    const changed = cachedDataVersionTag();
    expect(changed).not.toBe(defaults);
    expect(withDefaultV8Flags(() => cachedDataVersionTag())).toBe(defaults);
    expect(cachedDataVersionTag()).toBe(changed);
    setV8Flag('flush-bytecode', true);
    expect(cachedDataVersionTag()).toBe(defaults);
  });

  it('puts them back when the load throws', () => {
    setV8Flag('heap-growing-percent', 50);
    const changed = cachedDataVersionTag();
    expect(() => withDefaultV8Flags(() => { throw new Error('no such module'); })).toThrow('no such module');
    expect(cachedDataVersionTag()).toBe(changed);
  });

  it('a flag set to its default is no longer changed: nothing to undo for a load', () => {
    setV8Flag('semi-space-growth-factor', 1);
    setV8Flag('semi-space-growth-factor', 2);
    expect(cachedDataVersionTag()).toBe(defaults);
    expect(withDefaultV8Flags(() => cachedDataVersionTag())).toBe(defaults);
  });

  it('shares what is changed with another copy of the module (start.cjs and cli.cjs each bundle one)', async () => {
    setV8Flag('heap-growing-percent', 50);
    const changed = cachedDataVersionTag();
    // @ts-expect-error: a second instance of the module, as a second bundle has
    const copy = (await import('../../../src/cli/v8-flags.js?copy')) as typeof import('../../../src/cli/v8-flags.js');
    expect(copy.setV8Flag).not.toBe(setV8Flag);
    expect(copy.withDefaultV8Flags(() => cachedDataVersionTag())).toBe(defaults);
    expect(cachedDataVersionTag()).toBe(changed);
  });
});
