// The budgets' shared ledger (budget.json in the state folder): the spend reserved by requests
// in flight in every devsynth-or process of the user, and the spend the usage file does not
// hold (a request whose cost never became known is counted at its worst case; embed records
// no usage). Read and changed under the file's lock (json-store.ts), so that two runs started
// together cannot both take the last dollar of a daily budget. A reservation whose process is
// gone (dead on this machine, or older than RESERVATION_STALE_MS) no longer counts and is
// dropped at the next change.
import * as z from '../config/zod.js';
import { JsonStore, type Warn } from './json-store.js';
import { processIsAlive, THIS_HOST } from './safe-files.js';

/** A reservation this old is taken for a run that died elsewhere (or whose pid was reused). */
export const RESERVATION_STALE_MS = 60 * 60 * 1000;

const usd = () => z.number().check(z.minimum(0));
const reservationSchema = z.object({
  id: z.string(),
  host: z.string(),
  pid: z.int(),
  /** Epoch ms when it was made. */
  at: z.number(),
  usd: usd(),
});
const fileSchema = z.object({
  reservations: z.array(reservationSchema),
  /** days["2026-11-29"] = USD spent that day and not in the usage file. */
  unrecorded: z.record(z.string(), usd()),
});
export type LedgerReservation = z.infer<typeof reservationSchema>;
type LedgerFile = z.infer<typeof fileSchema>;

const DAY = /^\d{4}-\d{2}-\d{2}$/;

export interface LedgerView {
  /** USD reserved by the live reservations of every process. */
  reserved: number;
  /** USD spent and not in the usage file, from `fromDay` to `toDay` (both included). */
  unrecordedBetween(fromDay: string, toDay: string): number;
}

function viewOf(file: LedgerFile): LedgerView {
  return {
    reserved: file.reservations.reduce((sum, r) => sum + r.usd, 0),
    unrecordedBetween: (fromDay, toDay) =>
      Object.entries(file.unrecorded).reduce((sum, [day, spent]) => (DAY.test(day) && day >= fromDay && day <= toDay ? sum + spent : sum), 0),
  };
}

export function createBudgetLedger(dir: string, options: { warn?: Warn; now?: () => number } = {}) {
  const store = new JsonStore<LedgerFile>({ dir, name: 'budget', schema: fileSchema, empty: () => ({ reservations: [], unrecorded: {} }), ...(options.warn ? { warn: options.warn } : {}) });
  const now = () => options.now?.() ?? Date.now();
  const live = (r: LedgerReservation) => now() - r.at <= RESERVATION_STALE_MS && !(r.host === THIS_HOST && !processIsAlive(r.pid));
  /** The file without the reservations of gone processes, and without days before last month. */
  const tidy = (file: LedgerFile): LedgerFile => {
    const month = new Date(now());
    const oldest = new Date(Date.UTC(month.getUTCFullYear(), month.getUTCMonth() - 1, 1)).toISOString().slice(0, 10);
    return {
      reservations: file.reservations.filter(live),
      unrecorded: Object.fromEntries(Object.entries(file.unrecorded).filter(([day]) => DAY.test(day) && day >= oldest)),
    };
  };
  return {
    path: store.path,
    /** The ledger as it is now (no lock), for `status`. */
    read(): LedgerView {
      return viewOf(tidy(store.read()));
    },
    /**
     * Under the lock: `decide` sees the ledger (without this reservation) and throws to refuse;
     * else the reservation of `usd` is added, with this process's pid.
     */
    async reserve(id: string, amount: number, decide: (view: LedgerView) => void): Promise<void> {
      await store.update((file) => {
        const current = tidy(file);
        decide(viewOf(current));
        return { ...current, reservations: [...current.reservations, { id, host: THIS_HOST, pid: process.pid, at: now(), usd: amount }] };
      });
    },
    /** Reservation `id` becomes `amount` USD (its request's real cost, known before it is recorded). */
    async resize(id: string, amount: number): Promise<void> {
      await store.update((file) => {
        const current = tidy(file);
        return { ...current, reservations: current.reservations.map((r) => (r.id === id ? { ...r, usd: amount } : r)) };
      });
    },
    /** Removes reservation `id`; `unrecorded` USD is added to today's spend not in the usage file. */
    async release(id: string, unrecorded = 0): Promise<void> {
      const day = new Date(now()).toISOString().slice(0, 10);
      await store.update((file) => {
        const current = tidy(file);
        const unrecordedDays = unrecorded > 0 ? Object.fromEntries([...Object.entries(current.unrecorded), [day, (current.unrecorded[day] ?? 0) + unrecorded]]) : current.unrecorded;
        return { reservations: current.reservations.filter((r) => r.id !== id), unrecorded: unrecordedDays };
      });
    },
  };
}
export type BudgetLedger = ReturnType<typeof createBudgetLedger>;
