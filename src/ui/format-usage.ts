// Usage figures as text: the cost and time formats used everywhere, and the `--usage` line of
// the plain writer, which says what the prompt cache read, wrote and saved when the server
// reports it. The terminal UI's footer is format-footer.ts: it measures text in terminal cells
// (wrap-ansi), which costs every command that loads it 16 ms at start (Intl.Segmenter).
import type { Usage } from '../core/index.js';

export interface UsageFigures {
  usage?: Usage | undefined;
  model?: string | undefined;
  provider?: string | undefined;
  startedAt: number;
  firstTokenAt?: number | undefined;
  endedAt: number;
  /** Replayed from the response cache: the usage is the original answer's, and nothing was spent. */
  cached?: boolean | undefined;
}

/** Significant digits below a dollar: $0.0123, $0.00000081. */
const SIGNIFICANT = 3;

/**
 * An amount in dollars, never in exponent notation: cents from a dollar up ($1.23, $12.35),
 * three significant digits below (trailing zeros dropped, two decimals at least: $0.0123,
 * $0.50, $0.00000081). A cost is often a small fraction of a cent, and "$8.1e-7" is not a price.
 */
export function formatDollars(amount: number | undefined): string | undefined {
  if (amount === undefined || !Number.isFinite(amount)) return undefined;
  if (amount === 0) return '$0';
  const sign = amount < 0 ? '-' : '';
  const value = Math.abs(amount);
  if (value >= 1) return `${sign}$${value.toFixed(2)}`;
  // Decimals for SIGNIFICANT digits from the first non-zero one; below a billionth of a
  // billionth nothing is left to show but a hint of how small.
  const decimals = Math.min(20, Math.max(2, SIGNIFICANT - 1 - Math.floor(Math.log10(value))));
  const fixed = value.toFixed(decimals).replace(/0+$/, '');
  const [whole = '0', fraction = ''] = fixed.split('.');
  return `${sign}$${whole}.${fraction.padEnd(2, '0')}`;
}

/** A request's cost: as formatDollars, and "free" said when it cost nothing. */
export function formatCost(cost: number | undefined): string | undefined {
  if (cost === 0) return '$0 (free)';
  return formatDollars(cost);
}

/**
 * A usage's cost with where it came from, when not OpenRouter's own figure in the answer:
 * "$0.0012 (looked up)" (GET /generation), "~$0.0012 (estimated)" (catalogue prices); `short`
 * for the footer: "~$0.0012 est.".
 */
export function formatUsageCost(usage: Usage | undefined, short = false): string | undefined {
  const cost = formatCost(usage?.cost);
  if (cost === undefined) return undefined;
  if (usage?.cost_source === 'estimated') return short ? `~${cost} est.` : `~${cost} (estimated)`;
  if (usage?.cost_source === 'looked_up') return `${cost} (looked up)`;
  return cost;
}

/**
 * Milliseconds as seconds: two decimals below ten seconds, one above. Rounding is monotonic
 * (a longer time never reads shorter), so the total never reads less than the first token.
 */
export function formatSeconds(ms: number): string {
  const seconds = Math.max(0, ms) / 1000;
  return `${seconds < 10 ? seconds.toFixed(2) : seconds.toFixed(1)} s`;
}

/** A token count in little room: 950, 1.2k, 12.4k, 124k, 1.2M. */
export function formatTokenCount(tokens: number): string {
  if (tokens < 1_000) return String(tokens);
  if (tokens < 999_500) return tokens < 99_950 ? `${(tokens / 1_000).toFixed(1).replace(/\.0$/, '')}k` : `${Math.round(tokens / 1_000)}k`;
  return `${(tokens / 1_000_000).toFixed(1).replace(/\.0$/, '')}M`;
}

/** What the prompt cache did for a request, from the usage the server sent. */
export interface CacheFigures {
  /** Prompt tokens read from the cache (prompt_tokens_details.cached_tokens). */
  cached: number;
  /** Prompt tokens written to the cache (prompt_tokens_details.cache_write_tokens, explicit caching only). */
  written: number;
  /**
   * Dollars the cache saved (OpenRouter's cache_discount, in the usage or its cost_details,
   * where reported; the chat usage's spec does not name it): positive, a lower
   * cost; negative, writes that cost more than they saved (Anthropic's first request).
   */
  saving?: number;
}

/** A token count as reported, when it is one: a whole number of tokens a prompt can have. */
const count = (value: unknown): number => (typeof value === 'number' && value > 0 && value <= Number.MAX_SAFE_INTEGER ? Math.floor(value) : 0);

/** The cache's part in a request, or undefined when it did nothing (or nothing was reported). */
export function cacheFigures(usage: Usage | undefined): CacheFigures | undefined {
  const details = usage?.prompt_tokens_details;
  const cached = count(details?.cached_tokens);
  const written = count(details?.cache_write_tokens);
  if (cached === 0 && written === 0) return undefined;
  // Where OpenRouter reports it varies: in the usage, or in its cost_details.
  const discount = usage?.cache_discount ?? usage?.cost_details?.cache_discount;
  const saving = typeof discount === 'number' && Number.isFinite(discount) && discount !== 0 ? discount : undefined;
  return { cached, written, ...(saving !== undefined ? { saving } : {}) };
}

/** A cached answer's cost: nothing this run, and what the original answer cost (said shorter in the footer). */
export function cachedCost(usage: Usage | undefined, short = false): string {
  const original = formatCost(usage?.cost);
  if (short) return `cached, $0 spent${original ? ` (was ${original})` : ''}`;
  return `cached: $0 spent${original ? ` (the original answer cost ${original})` : ''}`;
}

/** A saving as a change of cost: "−$0.0031" (cheaper), "+$0.0012" (dearer). */
export function savingText(saving: number): string {
  return `${saving > 0 ? '\u2212' : '+'}${formatDollars(Math.abs(saving))}`;
}

/**
 * The times of a request: the total counts to the end or the first token, whichever is later
 * (a clock set back while it streamed must not make it end before it began to answer).
 */
export function times(figures: UsageFigures): { total: number; firstToken?: number; speed?: number } {
  const { startedAt, firstTokenAt, endedAt, usage } = figures;
  if (firstTokenAt === undefined) return { total: endedAt - startedAt };
  const end = Math.max(endedAt, firstTokenAt);
  const streaming = end - firstTokenAt;
  const speed = usage && usage.completion_tokens > 0 && streaming > 0 ? Math.round((usage.completion_tokens * 1000) / streaming) : undefined;
  return { total: end - startedAt, firstToken: firstTokenAt - startedAt, ...(speed !== undefined ? { speed } : {}) };
}

/** The plain writer's `--usage` line on stderr (for logs and scripts: every figure, in words). */
export function formatUsageLine(figures: UsageFigures): string {
  const parts: string[] = [];
  const usage = figures.usage;
  if (usage) {
    parts.push(`${usage.prompt_tokens} prompt + ${usage.completion_tokens} completion = ${usage.total_tokens} tokens`);
    const cache = cacheFigures(usage);
    if (cache) {
      const counts = [cache.cached ? `${cache.cached} cached` : undefined, cache.written ? `${cache.written} written to the cache` : undefined];
      parts.push(`${counts.filter(Boolean).join(', ')}${cache.saving !== undefined ? ` (${savingText(cache.saving)})` : ''}`);
    }
    const cost = formatUsageCost(usage);
    if (cost && !figures.cached) parts.push(cost);
  }
  if (figures.cached) parts.push(cachedCost(usage));
  const { total, firstToken, speed } = times(figures);
  parts.push(formatSeconds(total));
  if (firstToken !== undefined) parts.push(`first token ${formatSeconds(firstToken)}`);
  if (speed !== undefined) parts.push(`${speed} tok/s`);
  const who = [figures.model, figures.provider ? `via ${figures.provider}` : undefined].filter(Boolean).join(' ');
  return `usage: ${parts.join(', ')}${who ? ` (${who})` : ''}`;
}
