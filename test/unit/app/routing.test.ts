// The one merge of OpenRouter routing: the config's, then an alias's chain, then the flags;
// the web plugin; the warning for a provider that ignores them.
import { describe, expect, it } from '@jest/globals';
import { chatRouting, mergeRouting, pluginsOfFlags, routingOfFlags } from '../../../src/app/routing.js';
import type { RoutingSettings } from '../../../src/config/routing-schema.js';

const sources = (routing?: RoutingSettings, aliases: Record<string, RoutingSettings[]> = {}) => ({
  config: { llm: { providers: { openrouter: { routing } } } },
  aliasRouting: new Map(Object.entries(aliases)),
});

describe('routingOfFlags', () => {
  it('maps each flag to its field, and nothing for flags not given', () => {
    expect(routingOfFlags({})).toEqual({});
    expect(routingOfFlags({ fallbacks: true, zdr: false, web: true })).toEqual({});
    expect(
      routingOfFlags({
        providerOrder: ['a', 'b'], only: ['a'], ignore: ['c'], sort: 'latency', maxPrice: 0, fallbacks: false,
        dataCollection: 'deny', zdr: true, quantizations: ['fp8'],
      }),
    ).toEqual({
      order: ['a', 'b'], only: ['a'], ignore: ['c'], sort: 'latency', max_price: { prompt: 0 }, allow_fallbacks: false,
      data_collection: 'deny', zdr: true, quantizations: ['fp8'],
    });
  });
});

describe('mergeRouting', () => {
  it('later layers replace fields (lists too), max_price merges by price', () => {
    expect(
      mergeRouting(
        { sort: 'latency', only: ['x', 'y'], max_price: { prompt: 5, completion: 10 }, data_collection: 'deny' },
        { sort: 'price', only: ['z'] },
        { max_price: { prompt: 1 } },
      ),
    ).toEqual({ sort: 'price', only: ['z'], max_price: { prompt: 1, completion: 10 }, data_collection: 'deny' });
  });

  it('is undefined when no layer sets anything', () => {
    expect(mergeRouting(undefined, null, {}, { sort: undefined })).toBeUndefined();
  });

  it('does not change its layers', () => {
    const config: RoutingSettings = { max_price: { prompt: 5 } };
    mergeRouting(config, { max_price: { completion: 2 } });
    expect(config).toEqual({ max_price: { prompt: 5 } });
  });
});

describe('chatRouting', () => {
  const aliases = { cheap: [{ sort: 'price' as const, only: ['anthropic'] }, { only: ['amazon-bedrock'] }] };

  it('config, then the typed alias chain (its own last), then the flags', () => {
    const warnings: string[] = [];
    const routing = chatRouting({ maxPrice: 2 }, sources({ sort: 'latency', zdr: true }, aliases), 'cheap', 'openrouter', (m) => warnings.push(m));
    expect(routing).toEqual({ provider: { sort: 'price', zdr: true, only: ['amazon-bedrock'], max_price: { prompt: 2 } } });
    expect(warnings).toEqual([]);
  });

  it('an id that is no alias gets the config and the flags alone; nothing at all sends nothing', () => {
    expect(chatRouting({ sort: 'throughput' }, sources({ sort: 'latency' }, aliases), 'anthropic/claude-haiku-4.5', 'openrouter', () => {})).toEqual({
      provider: { sort: 'throughput' },
    });
    expect(chatRouting({}, sources(), undefined, 'openrouter', () => {})).toEqual({});
  });

  it('adds the web plugin', () => {
    expect(chatRouting({ web: true, webMaxResults: 4 }, sources(), undefined, 'openrouter', () => {})).toEqual({ plugins: [{ id: 'web', max_results: 4 }] });
    expect(pluginsOfFlags({ webMaxResults: 2 })).toEqual([{ id: 'web', max_results: 2 }]);
    expect(pluginsOfFlags({ web: false })).toEqual([]);
  });

  it('warns once that another provider ignores the flags given (not what the config alone sets)', () => {
    const warnings: string[] = [];
    chatRouting({ only: ['a'], fallbacks: false }, sources({ sort: 'price' }), undefined, 'lmstudio', (m) => warnings.push(m));
    chatRouting({}, sources({ sort: 'price' }), undefined, 'local', (m) => warnings.push(m));
    expect(warnings).toEqual(["--only, --no-fallbacks are OpenRouter's; lmstudio ignores them"]);
  });
});
