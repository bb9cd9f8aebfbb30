// A circuit breaker per provider: closed → open (after `failureThreshold` consecutive failed
// requests) → half-open after `recoveryTimeoutMs`, where one probe decides. The state is plain
// JSON and lives in a BreakerStore, so that the state store can share it between processes:
// consecutive CLI runs in a CI job then fail fast during an outage instead of each waiting
// out its own retries.
import { OpenRouterCircuitOpenError } from '../errors.js';

/** The breaker's whole state, serialisable as JSON. Times are epoch milliseconds. */
export type BreakerState =
  | { state: 'closed'; failures: number }
  | { state: 'open'; failures: number; openedAt: number; retryAt: number }
  | { state: 'half-open'; failures: number; probeStartedAt: number };

export const CLOSED: BreakerState = Object.freeze({ state: 'closed', failures: 0 });

/**
 * Where breaker states are kept, keyed by provider id. `update` must apply `change` atomically
 * (the on-disk store does it under a lock), and returns the state it stored.
 */
export interface BreakerStore {
  get(key: string): Promise<BreakerState | undefined>;
  update(key: string, change: (current: BreakerState) => BreakerState): Promise<BreakerState>;
}

/** A store for one process. */
export function createMemoryBreakerStore(): BreakerStore {
  const states = new Map<string, BreakerState>();
  return {
    async get(key) {
      return states.get(key);
    },
    async update(key, change) {
      const next = change(states.get(key) ?? CLOSED);
      states.set(key, next);
      return next;
    },
  };
}

export interface BreakerOptions {
  key: string;
  failureThreshold: number;
  recoveryTimeoutMs: number;
  store: BreakerStore;
  now?: () => number;
  /** Told of every change of state, for the debug log. */
  onTransition?: (from: BreakerState['state'], to: BreakerState['state'], key: string) => void;
}

/** A half-open probe older than this is presumed dead (its process crashed), and another may go. */
const PROBE_LEASE_MS = 5 * 60_000;

/** What the caller reports once a guarded request has ended. */
export type BreakerOutcome = 'success' | 'failure' | 'neutral';

/** Given by acquire, handed back to release: whether this request is the half-open probe. */
export interface BreakerTicket {
  /** The probe's start time when this request is the probe; undefined otherwise. */
  probeStartedAt?: number;
}

export class CircuitBreaker {
  private readonly options: Required<Omit<BreakerOptions, 'onTransition'>> &
    Pick<BreakerOptions, 'onTransition'>;

  constructor(options: BreakerOptions) {
    this.options = { now: Date.now, ...options };
  }

  /**
   * Asks to send a request. Resolves when it may go (as the half-open probe, if it is one);
   * throws OpenRouterCircuitOpenError when it may not.
   */
  async acquire(): Promise<BreakerTicket> {
    const { key, now } = this.options;
    let refusedUntil: number | undefined;
    const ticket: BreakerTicket = {};
    await this.transition((current) => {
      const t = now();
      refusedUntil = undefined;
      delete ticket.probeStartedAt;
      if (current.state === 'open') {
        if (t < current.retryAt) {
          refusedUntil = current.retryAt;
          return current;
        }
        ticket.probeStartedAt = t;
        return { state: 'half-open', failures: current.failures, probeStartedAt: t };
      }
      if (current.state === 'half-open') {
        if (t - current.probeStartedAt < PROBE_LEASE_MS) {
          // One probe at a time: the others wait for its verdict.
          refusedUntil = t + 1000;
          return current;
        }
        ticket.probeStartedAt = t;
        return { ...current, probeStartedAt: t };
      }
      return current;
    });
    if (refusedUntil !== undefined) {
      const seconds = Math.max(1, Math.ceil((refusedUntil - now()) / 1000));
      throw new OpenRouterCircuitOpenError(
        `${key} is failing: circuit breaker open, no request sent; next try in ${seconds} s`,
        {
          retryAt: new Date(refusedUntil),
          hint: 'the last requests failed in a row; wait, or use --provider to pick another provider',
        },
      );
    }
    return ticket;
  }

  /**
   * Reports how the request ended. 'failure' counts towards opening (network, timeouts, 5xx and
   * 429 after retries); 'success' closes; 'neutral' (a user abort) releases a probe slot
   * without a verdict, and only for the probe itself (its ticket says so): a request admitted
   * before the circuit opened must not free the slot while the probe is still out. Client
   * errors count as 'success': the service answered.
   */
  async release(outcome: BreakerOutcome, ticket: BreakerTicket = {}): Promise<void> {
    const { failureThreshold, recoveryTimeoutMs, now } = this.options;
    await this.transition((current) => {
      const t = now();
      if (outcome === 'success') return CLOSED;
      if (outcome === 'neutral') {
        // Let the next call probe at once rather than waiting out the lease.
        const isTheProbe = current.state === 'half-open' && ticket.probeStartedAt === current.probeStartedAt;
        return isTheProbe ? { state: 'open', failures: current.failures, openedAt: t, retryAt: t } : current;
      }
      const failures = current.failures + 1;
      if (current.state === 'half-open' || failures >= failureThreshold) {
        return { state: 'open', failures, openedAt: t, retryAt: t + recoveryTimeoutMs };
      }
      return { state: 'closed', failures };
    });
  }

  /** The current state, for `status` and the UI. */
  async state(): Promise<BreakerState> {
    return (await this.options.store.get(this.options.key)) ?? CLOSED;
  }

  private async transition(change: (current: BreakerState) => BreakerState): Promise<void> {
    const { key, store, onTransition } = this.options;
    let before: BreakerState['state'] = 'closed';
    const after = await store.update(key, (current) => {
      before = current.state;
      return change(current);
    });
    if (before !== after.state) onTransition?.(before, after.state, key);
  }
}
