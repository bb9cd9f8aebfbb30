// The terminal UI's one-line footer (the one-shot UI and the REPL): who answered, tokens, what
// the prompt cache did, cost and times, fitted to the terminal's width. Apart from
// format-usage.ts because measuring cells loads wrap-ansi, which the piped paths never need.
import { fitsIn } from './answer-text.js';
import { cacheFigures, type CacheFigures, cachedCost, formatSeconds, formatTokenCount, formatUsageCost, savingText, times, type UsageFigures } from './format-usage.js';

/** The footer's cache part: "12.4k cached (−$0.0031)", "3.1k cache write (+$0.0012)". */
function cacheText(cache: CacheFigures | undefined, withSaving: boolean): string | undefined {
  if (!cache) return undefined;
  const counts = [cache.cached ? `${formatTokenCount(cache.cached)} cached` : undefined, cache.written ? `${formatTokenCount(cache.written)} cache write` : undefined];
  const saving = withSaving && cache.saving !== undefined ? ` (${savingText(cache.saving)})` : '';
  return `${counts.filter(Boolean).join(', ')}${saving}`;
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
