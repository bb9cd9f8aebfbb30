// Costs and times as text: never in exponent notation, accurate to the digits shown; the
// footer on one row at any width, its total never shorter than its time to first token.
import { describe, expect, it } from '@jest/globals';
import fc from 'fast-check';
import stringWidth from 'string-width';
import { formatFooter } from '../../../src/ui/format-footer.js';
import { cacheFigures, formatCost, formatDollars, formatSeconds, formatTokenCount, formatUsageLine, type UsageFigures } from '../../../src/ui/format-usage.js';

const dollars = (text: string) => Number(text.replace(/^(-?)\$/, '$1').replace(/ \(free\)$/, ''));
const usage = { prompt_tokens: 1234, completion_tokens: 5678, total_tokens: 6912, cost: 0.0123 };
const seconds = (text: string | undefined) => Number(/([\d.]+) s/.exec(text ?? '')?.[1]);

describe('formatCost', () => {
  it.each([
    [8.1e-7, '$0.00000081'],
    [0.00042, '$0.00042'],
    [0.0123, '$0.0123'],
    [0.5, '$0.50'],
    [0.001, '$0.001'],
    [0.99999, '$1.00'],
    [1.234, '$1.23'],
    [12.3456, '$12.35'],
    [0, '$0 (free)'],
  ])('%p is %s', (value, text) => {
    expect(formatCost(value)).toBe(text);
  });

  it('a missing or non-finite cost is not shown', () => {
    expect(formatCost(undefined)).toBeUndefined();
    expect(formatCost(Number.NaN)).toBeUndefined();
    expect(formatCost(Number.POSITIVE_INFINITY)).toBeUndefined();
  });

  it('never has an exponent, and reads back within 1% of the value, from a billionth of a dollar to a million', () => {
    fc.assert(
      fc.property(fc.double({ min: 1e-9, max: 1e6, noNaN: true }), (value) => {
        const text = formatCost(value) as string;
        expect(text).not.toMatch(/e/i);
        expect(text).toMatch(/^\$\d+\.\d{2,}$/);
        expect(Math.abs(dollars(text) - value) / value).toBeLessThanOrEqual(1e-2);
      }),
      { numRuns: 1000 },
    );
  });

  it('formatDollars (balances, totals) says $0 for nothing and keeps a sign', () => {
    expect(formatDollars(0)).toBe('$0');
    expect(formatDollars(-0.25)).toBe('-$0.25');
    expect(formatDollars(-8.1e-7)).toBe('-$0.00000081');
    expect(formatDollars(10)).toBe('$10.00');
  });
});

describe('formatSeconds', () => {
  it('never reads a longer time as shorter', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 3_600_000 }), fc.integer({ min: 0, max: 3_600_000 }), (a, b) => {
        const [short, long] = a <= b ? [a, b] : [b, a];
        expect(seconds(formatSeconds(short))).toBeLessThanOrEqual(seconds(formatSeconds(long)));
      }),
    );
  });
});

describe('formatFooter', () => {
  const figures: UsageFigures = {
    model: 'anthropic/claude-3.7-sonnet:thinking',
    provider: 'Google Vertex (Europe)',
    usage,
    startedAt: 0,
    firstTokenAt: 1234,
    endedAt: 12_345,
  };

  it('says everything on a wide terminal', () => {
    expect(formatFooter(figures, 200)).toBe(
      'anthropic/claude-3.7-sonnet:thinking via Google Vertex (Europe) · 1234 + 5678 tokens · $0.0123 · first token 1.23 s · 511 tok/s · 12.3 s',
    );
  });

  it('fits 80 columns by leaving out the speed, the token split, the first token, then the provider', () => {
    expect(formatFooter(figures, 125)).toBe('anthropic/claude-3.7-sonnet:thinking via Google Vertex (Europe) · 1234 + 5678 tokens · $0.0123 · first token 1.23 s · 12.3 s');
    expect(formatFooter(figures, 120)).toBe('anthropic/claude-3.7-sonnet:thinking via Google Vertex (Europe) · 6912 tokens · $0.0123 · first token 1.23 s · 12.3 s');
    expect(formatFooter(figures, 100)).toBe('anthropic/claude-3.7-sonnet:thinking via Google Vertex (Europe) · 6912 tokens · $0.0123 · 12.3 s');
    const line = formatFooter(figures, 80);
    expect(stringWidth(line)).toBeLessThanOrEqual(80);
    expect(line).toBe('anthropic/claude-3.7-sonnet:thinking · 6912 tokens · $0.0123 · 12.3 s');
    // A usual answer keeps who answered at 80 columns.
    const usual = { model: 'openai/gpt-4o-mini', provider: 'OpenAI', usage: { prompt_tokens: 12, completion_tokens: 30, total_tokens: 42, cost: 0.0000225 }, startedAt: 0, firstTokenAt: 520, endedAt: 1000 };
    expect(formatFooter(usual, 80)).toBe('openai/gpt-4o-mini via OpenAI · 42 tokens · $0.0000225 · 1.00 s');
    expect(formatFooter(usual, 100)).toBe('openai/gpt-4o-mini via OpenAI · 12 + 30 tokens · $0.0000225 · first token 0.52 s · 63 tok/s · 1.00 s');
  });

  it('fits any width from 20 to 200 columns, whatever the model and provider names (wide characters too)', () => {
    const name = fc.oneof(fc.string({ maxLength: 120 }), fc.constantFrom('模型/很长的名字'.repeat(8), '🤖'.repeat(50), 'x'.repeat(300)));
    fc.assert(
      fc.property(name, name, fc.integer({ min: 20, max: 200 }), (model, provider, columns) => {
        const line = formatFooter({ ...figures, model: model.replace(/[\u0000-\u001f\u007f-\u009f]/g, ''), provider: provider.replace(/[\u0000-\u001f\u007f-\u009f]/g, '') }, columns);
        expect(stringWidth(line)).toBeLessThanOrEqual(columns);
        // The cost and the total time are the last to go.
        if (columns >= 40) {
          expect(line).toContain('$0.0123 · ');
          expect(line).toMatch(/ · 12\.3 s$/);
        }
      }),
      { numRuns: 200 },
    );
  });

  it('shortens a long model name with an ellipsis rather than wrapping', () => {
    const line = formatFooter({ ...figures, model: `vendor/${'very-long-model-name-'.repeat(6)}`, provider: undefined }, 80);
    expect(stringWidth(line)).toBeLessThanOrEqual(80);
    expect(line).toMatch(/^vendor\/very-long-model-name-.*… · 6912 tokens · \$0\.0123 · 12\.3 s$/);
  });

  it('its total time is never shorter than its time to first token (the REPL and --usage alike)', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 100_000 }), fc.integer({ min: 0, max: 100_000 }), fc.integer({ min: -500, max: 100_000 }), (start, toFirst, after) => {
        const timing = { startedAt: start, firstTokenAt: start + toFirst, endedAt: start + toFirst + after, usage };
        const footer = formatFooter(timing, 200);
        const total = seconds(/ · ([\d.]+ s)$/.exec(footer)?.[1]);
        expect(total).toBeGreaterThanOrEqual(seconds(/first token ([\d.]+ s)/.exec(footer)?.[1]));
        const plain = formatUsageLine(timing);
        expect(seconds(/, ([\d.]+ s), first token/.exec(plain)?.[1])).toBeGreaterThanOrEqual(seconds(/first token ([\d.]+ s)/.exec(plain)?.[1]));
      }),
    );
    // The case seen: 0.24 s to the first token, all of the answer in it, read "0.2 s" in all.
    expect(formatFooter({ startedAt: 0, firstTokenAt: 240, endedAt: 241, usage }, 200)).toMatch(/first token 0\.24 s · .* · 0\.24 s$/);
  });

  it('--usage has no exponent either', () => {
    expect(formatUsageLine({ ...figures, usage: { ...usage, cost: 8.1e-7 } })).toContain('$0.00000081');
  });
});

describe('what the prompt cache did', () => {
  const cachedUsage = (details: Record<string, unknown>, extra: Record<string, unknown> = {}) => ({
    prompt_tokens: 12_500,
    completion_tokens: 60,
    total_tokens: 12_560,
    cost: 0.0045,
    prompt_tokens_details: { cached_tokens: 0, audio_tokens: 0, ...details },
    ...extra,
  });
  const figures = (u: UsageFigures['usage']): UsageFigures => ({ usage: u, model: 'anthropic/claude-sonnet-4.5', provider: 'Anthropic', startedAt: 0, firstTokenAt: 800, endedAt: 2000 });

  it.each([
    [950, '950'],
    [1_000, '1k'],
    [1_234, '1.2k'],
    [12_400, '12.4k'],
    [99_949, '99.9k'],
    [99_950, '100k'],
    [123_456, '123k'],
    [999_499, '999k'],
    [999_500, '1M'],
    [1_250_000, '1.3M'],
  ])('token count %p is %s', (tokens, text) => {
    expect(formatTokenCount(tokens)).toBe(text);
  });

  it('reads cached and written tokens, and the discount where reported; nothing when the cache did nothing', () => {
    expect(cacheFigures(cachedUsage({ cached_tokens: 12_400 }))).toEqual({ cached: 12_400, written: 0 });
    expect(cacheFigures(cachedUsage({ cached_tokens: 12_400, cache_write_tokens: 96 }, { cache_discount: 0.0031 }))).toEqual({ cached: 12_400, written: 96, saving: 0.0031 });
    expect(cacheFigures(cachedUsage({ cached_tokens: 90 }, { cost_details: { upstream_inference_cost: null, cache_discount: -0.0031 } }))).toEqual({ cached: 90, written: 0, saving: -0.0031 });
    expect(cacheFigures(cachedUsage({ cached_tokens: 90 }, { cache_discount: null }))).toEqual({ cached: 90, written: 0 });
    expect(cacheFigures(cachedUsage({}))).toBeUndefined();
    expect(cacheFigures({ prompt_tokens: 1, completion_tokens: 1, total_tokens: 2 })).toBeUndefined();
    expect(cacheFigures(cachedUsage({ cached_tokens: 'many' as unknown as number }))).toBeUndefined();
    expect(cacheFigures(undefined)).toBeUndefined();
    // A server's nonsense is no count: nothing is said rather than "1e+294M cached".
    expect(cacheFigures(cachedUsage({ cached_tokens: 1e300, cache_write_tokens: -5 }))).toBeUndefined();
    expect(cacheFigures(cachedUsage({ cached_tokens: Number.POSITIVE_INFINITY }))).toBeUndefined();
  });

  it('the footer says how much was cached and saved, after the tokens', () => {
    const line = formatFooter(figures(cachedUsage({ cached_tokens: 12_400 }, { cache_discount: 0.0031 })), 200);
    expect(line).toBe('anthropic/claude-sonnet-4.5 via Anthropic · 12500 + 60 tokens · 12.4k cached (\u2212$0.0031) · $0.0045 · first token 0.80 s · 50 tok/s · 2.00 s');
  });

  it('the footer says a first request’s cache write, and what it cost more', () => {
    const line = formatFooter(figures(cachedUsage({ cache_write_tokens: 3_100 }, { cache_discount: -0.0012 })), 200);
    expect(line).toContain(' · 3.1k cache write (+$0.0012) · $0.0045 · ');
  });

  it('as the footer narrows, the provider goes, then the token sum, the saving, the counts; the cost stays', () => {
    const f = figures(cachedUsage({ cached_tokens: 12_400 }, { cache_discount: 0.0031 }));
    const widths = [200, 100, 90, 80, 70, 60, 50, 40, 30];
    const lines = widths.map((w) => formatFooter(f, w));
    for (const [i, line] of lines.entries()) {
      expect(stringWidth(line)).toBeLessThanOrEqual(widths[i]!);
      expect(line).toContain('$0.0045');
    }
    const savingGone = lines.findIndex((line) => !line.includes('\u2212$0.0031'));
    const countsGone = lines.findIndex((line) => !line.includes('12.4k cached'));
    const providerGone = lines.findIndex((line) => !line.includes('via Anthropic'));
    const totalGone = lines.findIndex((line) => !line.includes('tokens'));
    expect(providerGone).toBeGreaterThan(0);
    expect(totalGone).toBeGreaterThanOrEqual(providerGone);
    expect(savingGone).toBeGreaterThan(totalGone);
    expect(countsGone).toBeGreaterThan(savingGone);
    expect(lines.at(-1)).not.toContain('cached');
    // At 80 columns, the usual terminal: the model, what the cache did and the cost.
    expect(formatFooter(f, 80)).toBe('anthropic/claude-sonnet-4.5 · 12.4k cached (\u2212$0.0031) · $0.0045 · 2.00 s');
  });

  it('the --usage line gives the exact counts and the saving', () => {
    expect(formatUsageLine(figures(cachedUsage({ cached_tokens: 12_400, cache_write_tokens: 96 }, { cache_discount: 0.0031 })))).toBe(
      'usage: 12500 prompt + 60 completion = 12560 tokens, 12400 cached, 96 written to the cache (\u2212$0.0031), $0.0045, 2.00 s, first token 0.80 s, 50 tok/s (anthropic/claude-sonnet-4.5 via Anthropic)',
    );
    expect(formatUsageLine(figures(cachedUsage({ cached_tokens: 2_048 })))).toContain('tokens, 2048 cached, $0.0045');
    expect(formatUsageLine(figures(cachedUsage({})))).not.toContain('cache');
  });

  it('a cached answer: $0 spent, and what the original answer cost, in the footer and the --usage line', () => {
    const cached = { ...figures(cachedUsage({})), cached: true };
    expect(formatFooter(cached, 120)).toContain('cached, $0 spent (was $0.0045)');
    expect(formatFooter(cached, 120)).not.toMatch(/· \$0\.0045/);
    expect(formatUsageLine(cached)).toContain('cached: $0 spent (the original answer cost $0.0045)');
    expect(formatUsageLine(cached)).not.toContain(', $0.0045,');
  });
});
