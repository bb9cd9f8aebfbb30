// Usage figures as text: the cost and time formats used everywhere, the terminal UI's one-line
// footer (the one-shot UI and the REPL), and the `--usage` line of the plain writer; both say
// what the prompt cache read, wrote and saved when the server reports it.
import type { Usage } from '../core/index.js';
import { fitsIn } from './answer-text.js';

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
function cachedCost(usage: Usage | undefined, short = false): string {
  const original = formatCost(usage?.cost);
  if (short) return `cached, $0 spent${original ? ` (was ${original})` : ''}`;
  return `cached: $0 spent${original ? ` (the original answer cost ${original})` : ''}`;
}

/** A saving as a change of cost: "−$0.0031" (cheaper), "+$0.0012" (dearer). */
function savingText(saving: number): string {
  return `${saving > 0 ? '\u2212' : '+'}${formatDollars(Math.abs(saving))}`;
}

/** The footer's cache part: "12.4k cached (−$0.0031)", "3.1k cache write (+$0.0012)". */
function cacheText(cache: CacheFigures | undefined, withSaving: boolean): string | undefined {
  if (!cache) return undefined;
  const counts = [cache.cached ? `${formatTokenCount(cache.cached)} cached` : undefined, cache.written ? `${formatTokenCount(cache.written)} cache write` : undefined];
  const saving = withSaving && cache.saving !== undefined ? ` (${savingText(cache.saving)})` : '';
  return `${counts.filter(Boolean).join(', ')}${saving}`;
}

/**
 * The times of a request: the total counts to the end or the first token, whichever is later
 * (a clock set back while it streamed must not make it end before it began to answer).
 */
function times(figures: UsageFigures): { total: number; firstToken?: number; speed?: number } {
  const { startedAt, firstTokenAt, endedAt, usage } = figures;
  if (firstTokenAt === undefined) return { total: endedAt - startedAt };
  const end = Math.max(endedAt, firstTokenAt);
  const streaming = end - firstTokenAt;
  const speed = usage && usage.completion_tokens > 0 && streaming > 0 ? Math.round((usage.completion_tokens * 1000) / streaming) : undefined;
  return { total: end - startedAt, firstToken: firstTokenAt - startedAt, ...(speed !== undefined ? { speed } : {}) };
}

/** Footer parts in order, with what each becomes as the width shrinks. */
interface FooterParts {
  model?: string | undefined;
  provider?: string | undefined;
  tokens?: string | undefined;
  /** What the prompt cache read and wrote, and saved. */
  cache?: string | undefined;
  cost?: string | undefined;
  firstToken?: string | undefined;
  speed?: string | undefined;
  total: string;
}

const SEPARATOR = ' · ';

function joinFooter(parts: FooterParts): string {
  const who = parts.model ? (parts.provider ? `${parts.model} via ${parts.provider}` : parts.model) : undefined;
  return [who, parts.tokens, parts.cache, parts.cost, parts.firstToken, parts.speed, parts.total].filter(Boolean).join(SEPARATOR);
}

/** The longest start of `text` that, with an ellipsis, still `fits` (undefined: none does). */
function shortened(text: string, fits: (candidate: string) => boolean): string | undefined {
  // By code points: a cut must not split a surrogate pair.
  const chars = Array.from(text);
  let low = 1;
  let high = chars.length - 1;
  let best: string | undefined;
  while (low <= high) {
    const middle = (low + high) >> 1;
    const candidate = `${chars.slice(0, middle).join('')}…`;
    if (fits(candidate)) {
      best = candidate;
      low = middle + 1;
    } else high = middle - 1;
  }
  return best;
}

/**
 * The terminal UI's footer on one line of at most `columns` cells: who answered, tokens,
 * what the prompt cache did, cost, time to first token, speed, total time. As the width
 * shrinks, parts go by priority: the speed, the token split (their sum stays), the time to
 * first token, the provider, the token sum when the cache has something to say, the cache's
 * saving, then its counts (the sum back in their place), then the model is shortened and at
 * last left out; the cost and the total time stay.
 */
export function formatFooter(figures: UsageFigures, columns: number): string {
  const { usage } = figures;
  const { total, firstToken, speed } = times(figures);
  const cache = cacheFigures(usage);
  let parts: FooterParts = {
    model: figures.model,
    provider: figures.provider,
    tokens: usage ? `${usage.prompt_tokens} + ${usage.completion_tokens} tokens` : undefined,
    cache: cacheText(cache, true),
    cost: figures.cached ? cachedCost(usage, true) : usage ? formatUsageCost(usage, true) : undefined,
    firstToken: firstToken !== undefined ? `first token ${formatSeconds(firstToken)}` : undefined,
    speed: speed !== undefined ? `${speed} tok/s` : undefined,
    total: formatSeconds(total),
  };
  const fits = (candidate: FooterParts) => fitsIn(joinFooter(candidate), columns);
  const steps: Array<(p: FooterParts) => FooterParts> = [
    (p) => ({ ...p, speed: undefined }),
    (p) => ({ ...p, tokens: usage ? `${usage.total_tokens} tokens` : undefined }),
    (p) => ({ ...p, firstToken: undefined }),
    (p) => ({ ...p, provider: undefined }),
    // What the cache saved is worth more than the token count: the count gives way first, and
    // comes back in the cache's place when that must go too.
    (p) => (cache ? { ...p, tokens: undefined } : p),
    (p) => ({ ...p, cache: cacheText(cache, false) }),
    (p) => ({ ...p, cache: undefined, tokens: usage ? `${usage.total_tokens} tokens` : undefined }),
  ];
  for (const step of steps) {
    if (fits(parts)) return joinFooter(parts);
    parts = step(parts);
  }
  if (fits(parts)) return joinFooter(parts);
  if (parts.model) {
    const model = shortened(parts.model, (candidate) => fits({ ...parts, model: candidate }));
    // A model cut to a letter or two names nothing: better left out.
    parts = { ...parts, model: model && model.length > 4 ? model : undefined };
    if (fits(parts)) return joinFooter(parts);
  }
  parts = { ...parts, tokens: undefined, cache: undefined };
  const line = joinFooter(parts);
  return fits(parts) ? line : (shortened(line, (candidate) => fitsIn(candidate, columns)) ?? '');
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
