// The batch's progress line on a terminal (stderr a TTY): done/total, failed, cost so far and an
// ETA, redrawn in place at most ten times a second; and the summary line at the end. Numbers
// are ours; the one text from elsewhere (the failure kinds) is from our own table, but the line
// goes through terminalSafe like everything else written to a terminal.
import type { Writable } from '../runtime.js';
import { terminalSafe } from '../../ui/terminal-safe.js';

export interface BatchCounts {
  succeeded: number;
  failed: number;
  /** Failures by kind (rate_limit, rejected, usage, …). */
  failedByKind: Map<string, number>;
  /** Items answered by an earlier run into the same -o file: not sent again. */
  skipped: number;
  /** USD reported so far. */
  cost: number;
}

export const formatCost = (usd: number) => `$${usd < 0.01 && usd > 0 ? usd.toPrecision(2) : usd.toFixed(usd >= 100 ? 2 : 4)}`;

export function formatDuration(ms: number): string {
  const seconds = ms / 1000;
  if (seconds < 60) return `${seconds.toFixed(1)}s`;
  const minutes = Math.floor(seconds / 60);
  if (minutes < 60) return `${minutes}m${String(Math.round(seconds % 60)).padStart(2, '0')}s`;
  return `${Math.floor(minutes / 60)}h${String(minutes % 60).padStart(2, '0')}m`;
}

export class BatchProgress {
  private shownAt = 0;
  private shown = false;
  private readonly startedAt = Date.now();
  /** How many items there are, once known (a file is counted while the batch starts). */
  total: number | undefined;

  constructor(
    private readonly stderr: Writable,
    private readonly enabled: boolean,
  ) {}

  update(counts: BatchCounts, force = false): void {
    if (!this.enabled) return;
    const now = Date.now();
    if (!force && now - this.shownAt < 100) return;
    this.shownAt = now;
    const done = counts.succeeded + counts.failed;
    const total = this.total !== undefined ? Math.max(0, this.total - counts.skipped) : undefined;
    const eta = total !== undefined && done > 0 && done < total ? ` · ETA ${formatDuration(((now - this.startedAt) / done) * (total - done))}` : '';
    const line = `batch ${done}${total !== undefined ? `/${total}` : ''} · ${counts.failed} failed · ${formatCost(counts.cost)}${eta}`;
    this.stderr.write(`\r\u001b[2K${terminalSafe(line)}`);
    this.shown = true;
  }

  /** Clears the progress line, so the summary (or an error) starts on a clean line. */
  clear(): void {
    if (this.shown) this.stderr.write('\r\u001b[2K');
    this.shown = false;
  }

  /** "10 items: 8 succeeded, 2 failed (1 rate_limit, 1 rejected) · $0.0012 · 3.2s". */
  summary(counts: BatchCounts): string {
    const done = counts.succeeded + counts.failed;
    const kinds = [...counts.failedByKind.entries()].sort((a, b) => b[1] - a[1]).map(([kind, n]) => `${n} ${kind}`);
    const failed = `${counts.failed} failed${kinds.length ? ` (${kinds.join(', ')})` : ''}`;
    const skipped = counts.skipped > 0 ? `, ${counts.skipped} already answered (skipped)` : '';
    return terminalSafe(`${done} item${done === 1 ? '' : 's'}: ${counts.succeeded} succeeded, ${failed}${skipped} · ${formatCost(counts.cost)} · ${formatDuration(Date.now() - this.startedAt)}`);
  }
}
