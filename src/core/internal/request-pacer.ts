// Pacing inside one process: at most `limit` requests per model in any 60 s window. OpenRouter
// limits `:free` variants (and so the free router) to 20 requests a minute
// (../shared/docs/openrouter-api.md §5); pacing below that avoids the 429s and the backoff a
// batch job or a busy REPL would otherwise hit.
import { sleep as defaultSleep } from './attempt-deadline.js';

export const FREE_MODEL_REQUESTS_PER_MINUTE = 20;
const WINDOW_MS = 60_000;

export interface PacerOptions {
  /** Requests per minute for each model, or undefined for no pacing. */
  limitFor: (model: string) => number | undefined;
  now?: () => number;
  sleep?: (ms: number, signal?: AbortSignal) => Promise<void>;
  /** Told how long a request waits, for the debug log and the UI. */
  onWait?: (model: string, ms: number) => void;
}

/** Free variants and the free router share the free-tier limit. */
export function isFreeModel(model: string): boolean {
  return model.endsWith(':free') || model === 'openrouter/free';
}

export class RequestPacer {
  private readonly sent = new Map<string, number[]>();

  constructor(private readonly options: PacerOptions) {}

  /** Resolves when a request for `model` may be sent, and counts it. */
  async acquire(model: string, signal?: AbortSignal): Promise<void> {
    const limit = this.options.limitFor(model);
    if (limit === undefined || limit <= 0) return;
    const now = this.options.now ?? Date.now;
    const sleep = this.options.sleep ?? defaultSleep;
    for (;;) {
      const t = now();
      const recent = (this.sent.get(model) ?? []).filter((at) => t - at < WINDOW_MS);
      if (recent.length < limit) {
        recent.push(t);
        this.sent.set(model, recent);
        return;
      }
      const wait = (recent[0] as number) + WINDOW_MS - t;
      this.sent.set(model, recent);
      this.options.onWait?.(model, wait);
      await sleep(wait, signal);
    }
  }
}
