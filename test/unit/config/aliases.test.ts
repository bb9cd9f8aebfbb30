// The alias resolver: chains followed once at load, circles refused where they are written,
// ids that are not aliases passed through, and the reverse map `models` marks ids with.
import { describe, expect, it } from '@jest/globals';
import { aliasesByModel, resolveAliasChains, resolveAliasRouting, resolveModelId } from '../../../src/config/aliases.js';
import { ConfigError } from '../../../src/core/index.js';

const locate = (path: ReadonlyArray<string | number>) => `config.yml:${path.join('.')}`;

describe('resolveAliasChains', () => {
  it('maps each alias straight to the model id at the end of its chain', () => {
    const aliases = resolveAliasChains({ fast: 'openai/gpt-4o-mini', quick: 'fast', quicker: 'quick', think: 'deepseek/deepseek-r1' }, locate);
    expect(Object.fromEntries(aliases)).toEqual({
      fast: 'openai/gpt-4o-mini',
      quick: 'openai/gpt-4o-mini',
      quicker: 'openai/gpt-4o-mini',
      think: 'deepseek/deepseek-r1',
    });
    // Resolving a resolved id changes nothing: no value is itself an alias.
    for (const id of aliases.values()) expect(resolveModelId(aliases, id)).toBe(id);
  });

  it('refuses a circle, naming the alias, the circle and where it is written', () => {
    expect(() => resolveAliasChains({ a: 'b', b: 'a' }, locate)).toThrow(new ConfigError('config.yml:aliases.a: aliases.a: the aliases a → b → a go round in a circle'));
    expect(() => resolveAliasChains({ self: 'self' }, locate)).toThrow(/self → self go round in a circle/);
    // A chain into a circle is refused too, at the first alias that leads there.
    expect(() => resolveAliasChains({ in: 'x', x: 'y', y: 'x' }, locate)).toThrow(/aliases\.in: the aliases in → x → y → x/);
  });

  it('an alias named like a prototype key is an alias, not an object property', () => {
    const aliases = resolveAliasChains({ constructor: 'openai/gpt-4' }, locate);
    expect(resolveModelId(aliases, 'constructor')).toBe('openai/gpt-4');
    expect(resolveModelId(resolveAliasChains({}, locate), 'toString')).toBe('toString');
  });
});

describe('resolveModelId', () => {
  it('returns ids that are not aliases, and undefined, as they are', () => {
    const aliases = resolveAliasChains({ fast: 'openai/gpt-4o-mini' }, locate);
    expect(resolveModelId(aliases, 'fast')).toBe('openai/gpt-4o-mini');
    expect(resolveModelId(aliases, 'openai/gpt-4')).toBe('openai/gpt-4');
    expect(resolveModelId(aliases, undefined)).toBeUndefined();
  });
});

describe('aliasesByModel', () => {
  it('lists, for each model id, the aliases that lead to it, sorted', () => {
    const aliases = resolveAliasChains({ z: 'm/one', a: 'z', solo: 'm/two' }, locate);
    expect(Object.fromEntries(aliasesByModel(aliases))).toEqual({ 'm/one': ['a', 'z'], 'm/two': ['solo'] });
  });
});

describe('aliases with routing', () => {
  const written = {
    cheap: { model: 'anthropic/claude-haiku-4.5', routing: { sort: 'price' as const, only: ['anthropic'] } },
    cc: { model: 'cheap', routing: { only: ['amazon-bedrock'] } },
    ccc: 'cc',
    plain: 'openai/gpt-4o-mini',
    bare: { model: 'openai/gpt-4o' },
  };

  it('resolve to their model ids like the plain form', () => {
    expect(Object.fromEntries(resolveAliasChains(written, locate))).toEqual({
      cheap: 'anthropic/claude-haiku-4.5',
      cc: 'anthropic/claude-haiku-4.5',
      ccc: 'anthropic/claude-haiku-4.5',
      plain: 'openai/gpt-4o-mini',
      bare: 'openai/gpt-4o',
    });
  });

  it("list the routing along each chain, the alias named last; aliases without any are not listed", () => {
    const routing = resolveAliasRouting(written, locate);
    expect(Object.fromEntries(routing)).toEqual({
      cheap: [{ sort: 'price', only: ['anthropic'] }],
      cc: [{ sort: 'price', only: ['anthropic'] }, { only: ['amazon-bedrock'] }],
      ccc: [{ sort: 'price', only: ['anthropic'] }, { only: ['amazon-bedrock'] }],
    });
  });

  it('a circle through the object form is refused too', () => {
    expect(() => resolveAliasRouting({ a: { model: 'b' }, b: 'a' }, locate)).toThrow(/a → b → a go round in a circle/);
  });
});
