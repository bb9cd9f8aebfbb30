// `devsynth-or usage`: spend, requests and tokens from the usage records, by day, model or
// provider, since a day, with how much of the cost was reported, looked up or estimated.
import { UsageError } from '../core/index.js';
import { parseDuration } from '../config/duration.js';
import { costBySource, type UsageCounts, type UsageDays } from '../state/usage-store.js';

export type UsageGrouping = 'day' | 'model' | 'provider';
export const USAGE_GROUPINGS: readonly UsageGrouping[] = ['day', 'model', 'provider'];

export interface UsageRow {
  key: string;
  requests: number;
  prompt_tokens: number;
  completion_tokens: number;
  cost: number;
  cost_by_source: { reported: number; looked_up: number; estimated: number };
}

export interface UsageReport {
  /** The first day counted (YYYY-MM-DD, UTC as the records are kept). */
  since: string;
  by: UsageGrouping;
  rows: UsageRow[];
  total: Omit<UsageRow, 'key'>;
}

/** Requests whose upstream no server named: their own row under --by provider. */
export const UNKNOWN_PROVIDER = '(unknown)';

const DAY = /^(\d{4})-(\d{2})-(\d{2})$/;

/**
 * The first day of `--since`: a duration back from `now` (7d, 12h: the day that moment falls
 * on) or a date YYYY-MM-DD. Anything else is a usage error.
 */
export function sinceDay(text: string, now: Date): string {
  const trimmed = text.trim();
  const ms = parseDuration(trimmed);
  if (ms !== undefined) {
    const from = new Date(now.getTime() - ms);
    if (!Number.isNaN(from.getTime())) return from.toISOString().slice(0, 10);
  }
  const match = DAY.exec(trimmed);
  if (match) {
    const date = new Date(`${trimmed}T00:00:00Z`);
    // 2026-02-31 parses as March: a date that does not round-trip is not one.
    if (!Number.isNaN(date.getTime()) && date.toISOString().slice(0, 10) === trimmed) return trimmed;
  }
  throw new UsageError(`--since takes a duration such as 7d or a date YYYY-MM-DD, not "${text}"`, {
    hint: 'devsynth-or usage --since 7d   or   devsynth-or usage --since 2026-11-01',
  });
}

const emptyRow = (key: string): UsageRow => ({
  key,
  requests: 0,
  prompt_tokens: 0,
  completion_tokens: 0,
  cost: 0,
  cost_by_source: { reported: 0, looked_up: 0, estimated: 0 },
});

function add(row: UsageRow, counts: UsageCounts, sign = 1): void {
  row.requests += sign * counts.requests;
  row.prompt_tokens += sign * counts.prompt_tokens;
  row.completion_tokens += sign * counts.completion_tokens;
  row.cost += sign * counts.cost;
  const parts = costBySource(counts);
  row.cost_by_source.reported += sign * parts.reported;
  row.cost_by_source.looked_up += sign * parts.looked_up;
  row.cost_by_source.estimated += sign * parts.estimated;
}

/** A row's figures with float noise rounded away (a provider's remainder: 0.3 − 0.1 − 0.2). */
function tidy(row: UsageRow): UsageRow {
  const round = (n: number) => (Math.abs(n) < 1e-12 ? 0 : Number(n.toPrecision(12)));
  return {
    ...row,
    cost: round(row.cost),
    cost_by_source: { reported: round(row.cost_by_source.reported), looked_up: round(row.cost_by_source.looked_up), estimated: round(row.cost_by_source.estimated) },
  };
}

/** The records from `since` on, grouped `by` day (oldest first), model or provider (dearest first). */
export function usageReport(days: UsageDays, since: string, by: UsageGrouping): UsageReport {
  const rows = new Map<string, UsageRow>();
  const total = emptyRow('');
  const rowOf = (key: string) => {
    let row = rows.get(key);
    if (!row) rows.set(key, (row = emptyRow(key)));
    return row;
  };
  for (const [day, models] of Object.entries(days)) {
    if (day < since) continue;
    for (const [model, totals] of Object.entries(models)) {
      add(total, totals);
      if (by === 'day') add(rowOf(day), totals);
      else if (by === 'model') add(rowOf(model), totals);
      else {
        // The requests no provider was named for are what the by_provider split leaves over.
        const unnamed = rowOf(UNKNOWN_PROVIDER);
        add(unnamed, totals);
        for (const [provider, counts] of Object.entries(totals.by_provider ?? {})) {
          add(rowOf(provider), counts);
          add(unnamed, counts, -1);
        }
      }
    }
  }
  const kept = [...rows.values()].map(tidy).filter((row) => row.requests > 0);
  kept.sort(by === 'day' ? (a, b) => a.key.localeCompare(b.key) : (a, b) => b.cost - a.cost || b.requests - a.requests || a.key.localeCompare(b.key));
  const { key: _key, ...sum } = tidy(total);
  return { since, by, rows: kept, total: sum };
}
