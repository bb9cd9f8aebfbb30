// Each configured budget as `status` shows it: the limit, what is spent (and reserved by runs
// in flight) in its period, what is left, and when it starts again.
import { createBudgetLedger } from '../../state/budget-ledger.js';
import type { Runtime } from '../runtime.js';
import { dollars, limitsOf, periodOf } from './guard.js';

export interface BudgetReport {
  budget: 'per_run' | 'daily' | 'monthly';
  limit_usd: number;
  /** Absent for per_run: each run starts at zero. */
  spent_usd?: number;
  reserved_usd?: number;
  left_usd?: number;
  resets_at?: string;
}

export async function budgetsReport(runtime: Runtime, now = Date.now()): Promise<BudgetReport[]> {
  const limits = (await limitsOf(runtime, {})).filter((l) => l.name !== 'max_cost');
  if (limits.length === 0) return [];
  const usage = runtime.usage();
  const ledger = createBudgetLedger(runtime.paths.state, { warn: runtime.warn }).read();
  return limits.map((limit): BudgetReport => {
    if (limit.name !== 'daily' && limit.name !== 'monthly') return { budget: 'per_run', limit_usd: limit.usd };
    const period = periodOf(limit.name, now);
    const spent = usage.spentBetween(period.from, period.to) + ledger.unrecordedBetween(period.from, period.to);
    return {
      budget: limit.name,
      limit_usd: limit.usd,
      spent_usd: spent,
      reserved_usd: ledger.reserved,
      left_usd: Math.max(0, limit.usd - spent - ledger.reserved),
      resets_at: period.resetsAt,
    };
  });
}

/** "daily $5.00: $1.20 spent, $3.80 left, resets 2026-11-30 00:00 UTC" */
export function budgetLine(report: BudgetReport): string {
  if (report.budget === 'per_run') return `per run ${dollars(report.limit_usd)}`;
  const reserved = report.reserved_usd ? `, ${dollars(report.reserved_usd)} reserved by runs in flight` : '';
  return `${report.budget} ${dollars(report.limit_usd)}: ${dollars(report.spent_usd ?? 0)} spent${reserved}, ${dollars(report.left_usd ?? 0)} left, resets ${(report.resets_at ?? '').slice(0, 16).replace('T', ' ')} UTC`;
}
