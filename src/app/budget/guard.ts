// Spend limits for one run: --max-cost and the config's budget.per_run (this run's spend), and
// budget.daily and budget.monthly (UTC day and month, every process's spend: the usage file,
// plus the ledger's reservations in flight and spend the usage file lacks).
//
// The API (chat and embed use it; batch will, from many concurrent requests):
//
//   const budget = await openBudget(runtime, { maxCost });   // undefined: no limit applies
//   const reservation = await budget?.reserve(worstCaseUsd, 'this chat');  // before sending
//   ...send, record the usage...
//   await reservation?.settle(actualUsd);                     // after; undefined: the worst case counts
//
// reserve() throws SpendLimitError (exit 11) when the spend so far, what is reserved by every
// run in flight (this one included) and this worst case would exceed a limit; nothing may then
// be sent. A worst case of `undefined` is a request whose price is unknown: under a limit it is
// refused the same way (nothing can promise it fits). Once a limit has been reached, every
// later reserve() of the guard is refused at once: nothing more is sent. reserve() and settle()
// may be called concurrently: within the process they run one at a time (a queue), across
// processes under the ledger's lock. settle() must come AFTER the request's usage is recorded
// (runtime.usage().record): for a moment both count, never neither. Where the caller records
// no usage (embed), settle(actual, { recorded: false }) keeps the spend in the ledger instead.
// Each reservation settles once; settling again does nothing. A request answered before its
// usage can be recorded (one model call of a tool loop, recorded with the others at the end)
// holds its real cost meanwhile: reservation.hold(actualUsd) makes the reservation that sum, so
// the next call's check counts what was spent rather than what might have been.
import { randomUUID } from 'node:crypto';
import { LLMProviderError, SpendLimitError, type SpendLimitName } from '../../core/index.js';
import { createBudgetLedger, type BudgetLedger, type LedgerView } from '../../state/budget-ledger.js';
import type { UsageStore } from '../../state/usage-store.js';
import { formatDollars } from '../../ui/format-usage.js';
import type { Runtime } from '../runtime.js';

export interface Limit {
  name: SpendLimitName;
  usd: number;
}

export interface Reservation {
  /** What is reserved, in USD: the worst case, or what hold() made it. */
  readonly usd: number;
  /**
   * The request was answered and cost `actualUsd`, not yet recorded: the reservation becomes
   * that sum until settle() (undefined, or after settle(): nothing changes).
   */
  hold(actualUsd: number | undefined): Promise<void>;
  settle(actualUsd: number | undefined, options?: { recorded?: boolean }): Promise<void>;
}

export interface BudgetGuard {
  readonly limits: readonly Limit[];
  /** What this run has spent (settled), in USD. */
  spent(): number;
  reserve(worstCaseUsd: number | undefined, what: string): Promise<Reservation>;
}

/** Sums of money that differ by less than this are equal (float dust). */
const EPSILON = 1e-12;

/** A cost that can be counted: finite, zero or more. */
const validUsd = (usd: number | undefined) => (usd !== undefined && Number.isFinite(usd) && usd >= 0 ? usd : undefined);

/** "$0.50", "$5.00": whole cents with two decimals; smaller sums with enough digits. */
export function dollars(usd: number): string {
  if (Number.isInteger(Math.round(usd * 100)) && Math.abs(usd * 100 - Math.round(usd * 100)) < 1e-9) return `$${usd.toFixed(2)}`;
  return formatDollars(usd) ?? `$${usd}`;
}

/** How a limit is named in messages: "--max-cost $0.50", "the daily budget of $5.00". */
export function limitText(limit: Limit): string {
  if (limit.name === 'max_cost') return `--max-cost ${dollars(limit.usd)}`;
  const which = limit.name === 'per_run' ? 'per-run' : limit.name;
  return `the ${which} budget of ${dollars(limit.usd)}`;
}

const dayOf = (ms: number) => new Date(ms).toISOString().slice(0, 10);

/** The UTC days a shared limit counts, and when it starts again (ISO). */
export function periodOf(name: 'daily' | 'monthly', nowMs: number): { from: string; to: string; resetsAt: string; scope: string } {
  const now = new Date(nowMs);
  const [y, m, d] = [now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate()];
  if (name === 'daily') return { from: dayOf(nowMs), to: dayOf(nowMs), resetsAt: new Date(Date.UTC(y, m, d + 1)).toISOString(), scope: 'today (UTC)' };
  return { from: dayOf(Date.UTC(y, m, 1)), to: dayOf(nowMs), resetsAt: new Date(Date.UTC(y, m + 1, 1)).toISOString(), scope: 'this month (UTC)' };
}

/** What a failed request cost: nothing when the server refused it outright (an HTTP error, no answer), else unknown. */
export function costOfFailure(error: unknown): number | undefined {
  return error instanceof LLMProviderError && error.status !== undefined && !error.partialContent ? 0 : undefined;
}

export interface GuardParts {
  limits: readonly Limit[];
  /** Needed for daily and monthly limits. */
  usage?: Pick<UsageStore, 'spentBetween'>;
  ledger?: Pick<BudgetLedger, 'reserve' | 'release' | 'resize'>;
  now?: () => number;
}

export function createBudgetGuard(parts: GuardParts): BudgetGuard {
  const now = parts.now ?? Date.now;
  const runLimits = parts.limits.filter((l) => l.name === 'max_cost' || l.name === 'per_run');
  const sharedLimits = parts.limits.filter((l): l is Limit & { name: 'daily' | 'monthly' } => l.name === 'daily' || l.name === 'monthly');
  if (sharedLimits.length > 0 && (!parts.usage || !parts.ledger)) throw new TypeError('daily and monthly limits need the usage store and the ledger');
  let runSpent = 0;
  let runReserved = 0;
  /** Of runSpent: held by this run's reservations (answered, not yet recorded), still reserved in the ledger. */
  let runHeld = 0;
  let reached: SpendLimitError | undefined;
  // One reserve or settle at a time in this process: each sees the others' effects.
  let queue: Promise<unknown> = Promise.resolve();
  const serially = <T>(task: () => Promise<T>): Promise<T> => {
    const run = queue.then(task, task);
    queue = run.catch(() => undefined);
    return run;
  };

  const refuse = (limit: Limit, details: { spent: number; reserved: number; worst: number | undefined; what: string; scope: string; resetsAt?: string }): SpendLimitError => {
    const spentText = `${dollars(details.spent)} spent ${details.scope}${details.reserved > EPSILON ? ` and ${dollars(details.reserved)} reserved by requests in flight` : ''}`;
    const reset = details.resetsAt ? `it resets at ${details.resetsAt.slice(0, 16).replace('T', ' ')} UTC` : 'the limit is for this run';
    const unpriced = details.worst === undefined;
    const message = unpriced
      ? `${details.what} has no known price, so it cannot be kept within ${limitText(limit)} (${spentText}); nothing was sent`
      : `${details.what} could cost up to ${dollars(details.worst ?? 0)}, more than is left of ${limitText(limit)} (${spentText}); nothing was sent, ${reset}`;
    const hint = unpriced
      ? 'use a model with a catalogue price (devsynth-or models shows prices) or a ":free" one, or run without the limit'
      : limit.name === 'max_cost'
        ? 'raise --max-cost, lower --max-tokens, or shorten the prompt'
        : `raise budget.${limit.name} in the config (devsynth-or status shows every budget)`;
    return new SpendLimitError(message, { limit: limit.name, limitUsd: limit.usd, spentUsd: details.spent, ...(details.resetsAt ? { resetsAt: details.resetsAt } : {}) }, { hint });
  };

  const checkRun = (worst: number | undefined, what: string) => {
    for (const limit of runLimits) {
      if (worst === undefined || runSpent + runReserved + worst > limit.usd + EPSILON) {
        throw refuse(limit, { spent: runSpent, reserved: runReserved, worst, what, scope: 'in this run' });
      }
    }
  };
  const checkShared = (view: LedgerView, worst: number | undefined, what: string) => {
    const at = now();
    for (const limit of sharedLimits) {
      const period = periodOf(limit.name, at);
      const spent = (parts.usage?.spentBetween(period.from, period.to) ?? 0) + view.unrecordedBetween(period.from, period.to);
      if (worst === undefined || spent + view.reserved + worst > limit.usd + EPSILON) {
        // What this run holds is spent, though the ledger keeps it reserved until it is recorded.
        const held = Math.min(runHeld, view.reserved);
        throw refuse(limit, { spent: spent + held, reserved: view.reserved - held, worst, what, scope: period.scope, resetsAt: period.resetsAt });
      }
    }
  };

  return {
    limits: parts.limits,
    spent: () => runSpent,
    reserve(worstCaseUsd, what) {
      return serially(async () => {
        if (reached) throw reached;
        const worst = worstCaseUsd === undefined ? undefined : Math.max(0, worstCaseUsd);
        const id = randomUUID();
        try {
          checkRun(worst, what);
          if (sharedLimits.length > 0) await parts.ledger?.reserve(id, worst ?? 0, (view) => checkShared(view, worst, what));
        } catch (error) {
          if (error instanceof SpendLimitError && worst !== undefined) reached = error;
          throw error;
        }
        let amount = worst ?? 0;
        runReserved += amount;
        let settled = false;
        let held = false;
        return {
          get usd() {
            return amount;
          },
          hold(actualUsd) {
            return serially(async () => {
              const actual = validUsd(actualUsd);
              if (settled || actual === undefined) return;
              // Spent from now on, as this run counts; reserved in the ledger until it is recorded.
              if (held) {
                runSpent += actual - amount;
                runHeld += actual - amount;
              } else {
                runReserved -= amount;
                runSpent += actual;
                runHeld += actual;
              }
              held = true;
              amount = actual;
              if (sharedLimits.length > 0) await parts.ledger?.resize(id, actual);
            });
          },
          settle(actualUsd, options = {}) {
            return serially(async () => {
              if (settled) return;
              settled = true;
              const actual = validUsd(actualUsd);
              if (held) {
                runHeld -= amount;
                runSpent += (actual ?? amount) - amount;
              } else {
                runReserved -= amount;
                runSpent += actual ?? amount;
              }
              // Unknown: the worst case is kept as spend. Not recorded in the usage file: the spend is kept here.
              const unrecorded = actual === undefined ? amount : options.recorded === false ? actual : 0;
              if (sharedLimits.length > 0) await parts.ledger?.release(id, unrecorded);
            });
          },
        };
      });
    },
  };
}

/** The limits configured for this run: --max-cost, then budget.per_run, daily, monthly. */
export async function limitsOf(runtime: Runtime, options: { maxCost?: number | undefined }): Promise<Limit[]> {
  const budget = (await runtime.config()).config.budget;
  const limits: Limit[] = [];
  if (options.maxCost !== undefined) limits.push({ name: 'max_cost', usd: options.maxCost });
  for (const name of ['per_run', 'daily', 'monthly'] as const) {
    const usd = budget?.[name];
    if (typeof usd === 'number') limits.push({ name, usd });
  }
  return limits;
}

/** The guard of this run; undefined when no limit applies. */
export async function openBudget(runtime: Runtime, options: { maxCost?: number | undefined }): Promise<BudgetGuard | undefined> {
  const limits = await limitsOf(runtime, options);
  if (limits.length === 0) return undefined;
  const shared = limits.some((l) => l.name === 'daily' || l.name === 'monthly');
  return createBudgetGuard({
    limits,
    ...(shared ? { usage: runtime.usage(), ledger: createBudgetLedger(runtime.paths.state, { warn: runtime.warn }) } : {}),
  });
}
