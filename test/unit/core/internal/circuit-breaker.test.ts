import { describe, expect, it } from '@jest/globals';
import fc from 'fast-check';
import { OpenRouterCircuitOpenError } from '../../../../src/core/errors.js';
import {
  type BreakerOutcome,
  type BreakerState,
  type BreakerStore,
  CLOSED,
  CircuitBreaker,
  createMemoryBreakerStore,
} from '../../../../src/core/internal/circuit-breaker.js';

const RECOVERY_MS = 60_000;

/** A store that keeps only JSON text, as a file shared between processes would. */
function createJsonTextStore(initial: Record<string, string> = {}): BreakerStore & { text: Record<string, string> } {
  const text: Record<string, string> = { ...initial };
  return {
    text,
    async get(key) {
      const stored = text[key];
      return stored === undefined ? undefined : (JSON.parse(stored) as BreakerState);
    },
    async update(key, change) {
      const stored = text[key];
      const next = change(stored === undefined ? CLOSED : (JSON.parse(stored) as BreakerState));
      text[key] = JSON.stringify(next);
      return JSON.parse(text[key]!) as BreakerState;
    },
  };
}

function setup(threshold = 3, store: BreakerStore = createMemoryBreakerStore(), clock = { t: 1_000_000 }) {
  const transitions: string[] = [];
  const make = (key = 'openrouter') =>
    new CircuitBreaker({
      key,
      failureThreshold: threshold,
      recoveryTimeoutMs: RECOVERY_MS,
      store,
      now: () => clock.t,
      onTransition: (from, to, at) => transitions.push(`${at}: ${from}→${to}`),
    });
  return {
    make,
    store,
    transitions,
    clock,
    now: () => clock.t,
    advance: (ms: number) => {
      clock.t += ms;
    },
  };
}

async function fail(breaker: CircuitBreaker, times: number) {
  for (let i = 0; i < times; i++) {
    await breaker.acquire();
    await breaker.release('failure');
  }
}

async function refusal(breaker: CircuitBreaker): Promise<OpenRouterCircuitOpenError> {
  const error = await breaker.acquire().then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(OpenRouterCircuitOpenError);
  return error as OpenRouterCircuitOpenError;
}

describe('CircuitBreaker: closed → open', () => {
  it('opens after failureThreshold consecutive failures, not before', async () => {
    const { make, now } = setup(3);
    const breaker = make();
    await fail(breaker, 2);
    await expect(breaker.state()).resolves.toEqual({ state: 'closed', failures: 2 });
    await expect(breaker.acquire()).resolves.toEqual(expect.any(Object));
    await breaker.release('failure');
    const error = await refusal(breaker);
    expect(error.exitCode).toBe(8);
    expect(error.kind).toBe('circuit_open');
    expect(error.retryAt.getTime()).toBe(now() + RECOVERY_MS);
    expect(error.message).toContain('openrouter');
    expect(error.message).toContain('60 s');
  });

  it('a success resets the count of consecutive failures', async () => {
    const { make } = setup(2);
    const breaker = make();
    await fail(breaker, 1);
    await breaker.acquire();
    await breaker.release('success');
    await expect(breaker.state()).resolves.toEqual({ state: 'closed', failures: 0 });
    await fail(breaker, 1);
    await expect(breaker.state()).resolves.toEqual({ state: 'closed', failures: 1 });
    await expect(breaker.acquire()).resolves.toEqual(expect.any(Object));
  });

  it('a neutral outcome (user abort) while closed neither counts nor resets', async () => {
    const { make } = setup(2);
    const breaker = make();
    await fail(breaker, 1);
    await breaker.acquire();
    await breaker.release('neutral');
    await expect(breaker.state()).resolves.toEqual({ state: 'closed', failures: 1 });
    await fail(breaker, 1);
    await expect(breaker.state()).resolves.toMatchObject({ state: 'open' });
  });

  it('refuses for the whole recovery period, with retryAt and the seconds left', async () => {
    const { make, advance, now } = setup(1);
    const breaker = make();
    await fail(breaker, 1);
    const retryAt = now() + RECOVERY_MS;
    advance(45_500);
    const error = await refusal(breaker);
    expect(error.retryAt.getTime()).toBe(retryAt);
    expect(error.message).toContain('15 s');
    advance(14_499);
    await refusal(breaker);
  });

  it('keeps breakers with different keys apart on one store', async () => {
    const { make } = setup(1);
    await fail(make('openrouter'), 1);
    await refusal(make('openrouter'));
    await expect(make('other').acquire()).resolves.toEqual(expect.any(Object));
  });
});

describe('CircuitBreaker: half-open', () => {
  it('after recoveryTimeoutMs lets one probe through and refuses a concurrent second call', async () => {
    const { make, advance } = setup(1);
    const breaker = make();
    await fail(breaker, 1);
    advance(RECOVERY_MS);
    const [first, second] = await Promise.allSettled([breaker.acquire(), breaker.acquire()]);
    expect(first.status).toBe('fulfilled');
    expect(second.status).toBe('rejected');
    expect((second as PromiseRejectedResult).reason).toBeInstanceOf(OpenRouterCircuitOpenError);
    await expect(breaker.state()).resolves.toMatchObject({ state: 'half-open' });
  });

  it('a successful probe closes the circuit', async () => {
    const { make, advance } = setup(1);
    const breaker = make();
    await fail(breaker, 1);
    advance(RECOVERY_MS);
    await breaker.acquire();
    await breaker.release('success');
    await expect(breaker.state()).resolves.toEqual({ state: 'closed', failures: 0 });
    await expect(breaker.acquire()).resolves.toEqual(expect.any(Object));
    await expect(breaker.acquire()).resolves.toEqual(expect.any(Object));
  });

  it('a failed probe re-opens the circuit for a full recovery period', async () => {
    const { make, advance, now } = setup(3);
    const breaker = make();
    await fail(breaker, 3);
    advance(RECOVERY_MS);
    await breaker.acquire();
    await breaker.release('failure'); // one failure in half-open is enough, whatever the threshold
    const error = await refusal(breaker);
    expect(error.retryAt.getTime()).toBe(now() + RECOVERY_MS);
    advance(RECOVERY_MS - 1);
    await refusal(breaker);
    advance(1);
    await expect(breaker.acquire()).resolves.toEqual(expect.any(Object));
  });

  it('a failed probe re-opens even when the count is below this breaker\'s threshold (state from another process)', async () => {
    const store = createMemoryBreakerStore();
    const clock = { t: 0 };
    await fail(setup(1, store, clock).make(), 1);
    const patient = setup(5, store, clock).make();
    clock.t += RECOVERY_MS;
    await patient.acquire();
    await patient.release('failure');
    await expect(store.get('openrouter')).resolves.toMatchObject({ state: 'open', retryAt: clock.t + RECOVERY_MS });
    await refusal(patient);
  });

  it('a neutral outcome of the probe lets the next call probe at once', async () => {
    const { make, advance } = setup(1);
    const breaker = make();
    await fail(breaker, 1);
    advance(RECOVERY_MS);
    const probe = await breaker.acquire();
    await refusal(breaker); // the probe is still out
    await breaker.release('neutral', probe);
    await expect(breaker.acquire()).resolves.toEqual({ probeStartedAt: expect.any(Number) });
    await expect(breaker.state()).resolves.toMatchObject({ state: 'half-open' });
  });

  it('lets another probe go when the first one never reported back (its lease ran out)', async () => {
    const { make, advance } = setup(1);
    const breaker = make();
    await fail(breaker, 1);
    advance(RECOVERY_MS);
    await breaker.acquire();
    advance(60_000);
    await refusal(breaker);
    advance(5 * 60_000);
    await expect(breaker.acquire()).resolves.toEqual(expect.any(Object));
  });
});

describe('CircuitBreaker: shared JSON state', () => {
  it('keeps its state as plain JSON: a round trip gives an equal state', async () => {
    const { make, store } = setup(2);
    await fail(make(), 2);
    const state = (await store.get('openrouter')) as BreakerState;
    expect(JSON.parse(JSON.stringify(state))).toEqual(state);
    expect(state).toMatchObject({ state: 'open', failures: 2 });
  });

  it('a round-tripped state is usable: a breaker on a fresh store holding it behaves the same', async () => {
    const { make, store, clock, advance } = setup(2);
    await fail(make(), 2);
    const snapshot = JSON.parse(JSON.stringify(await store.get('openrouter'))) as BreakerState;
    const copy = createMemoryBreakerStore();
    await copy.update('openrouter', () => snapshot);
    const onCopy = setup(2, copy, clock).make();
    await refusal(onCopy);
    advance(RECOVERY_MS);
    await expect(onCopy.acquire()).resolves.toEqual(expect.any(Object));
    await refusal(onCopy);
    await onCopy.release('success');
    await expect(copy.get('openrouter')).resolves.toEqual({ state: 'closed', failures: 0 });
  });

  it('works end to end on a store that keeps only JSON text', async () => {
    const store = createJsonTextStore();
    const { make, advance } = setup(2, store);
    const breaker = make();
    await fail(breaker, 2);
    expect(JSON.parse(store.text.openrouter!)).toMatchObject({ state: 'open', failures: 2 });
    await refusal(breaker);
    advance(RECOVERY_MS);
    await breaker.acquire();
    await refusal(breaker);
    await breaker.release('success');
    expect(JSON.parse(store.text.openrouter!)).toEqual({ state: 'closed', failures: 0 });
  });

  it('a new CircuitBreaker on the same store sees the state (another process after an outage)', async () => {
    const { make, store } = setup(2);
    await fail(make(), 1);
    await fail(make(), 1); // a second process adds the second consecutive failure
    await expect(store.get('openrouter')).resolves.toMatchObject({ state: 'open', failures: 2 });
    await refusal(make());
  });

  it('two breakers on one store share the half-open probe: only one of them sends it', async () => {
    const { make, advance } = setup(1);
    await fail(make(), 1);
    advance(RECOVERY_MS);
    const results = await Promise.allSettled([make().acquire(), make().acquire()]);
    expect(results.map((r) => r.status).sort()).toEqual(['fulfilled', 'rejected']);
  });
});

describe('CircuitBreaker: onTransition', () => {
  it('reports each change of state with the key, and nothing when the state stays', async () => {
    const { make, advance, transitions } = setup(2);
    const breaker = make();
    await fail(breaker, 1);
    expect(transitions).toEqual([]);
    await fail(breaker, 1);
    expect(transitions).toEqual(['openrouter: closed→open']);
    await refusal(breaker);
    expect(transitions).toHaveLength(1);
    advance(RECOVERY_MS);
    await breaker.acquire();
    await breaker.release('failure');
    advance(RECOVERY_MS);
    await breaker.acquire();
    await breaker.release('success');
    expect(transitions).toEqual([
      'openrouter: closed→open',
      'openrouter: open→half-open',
      'openrouter: half-open→open',
      'openrouter: open→half-open',
      'openrouter: half-open→closed',
    ]);
  });
});

describe('CircuitBreaker: a request admitted before the circuit opened', () => {
  // Such a request (a long stream, or a run in another process sharing the store) may end while
  // the half-open probe is out. Only the probe's own verdict may free the probe slot.
  it('ending neutral (user abort) during half-open does not let a second concurrent probe through', async () => {
    const { make, advance } = setup(1);
    const breaker = make();
    const long = await breaker.acquire(); // the long request, admitted while closed
    await fail(breaker, 1); // another request fails: open
    advance(RECOVERY_MS);
    await breaker.acquire(); // the probe
    await breaker.release('neutral', long); // the long request is aborted by its user
    await refusal(breaker); // the probe is still out: a second one must wait for its verdict
  });
});

describe('CircuitBreaker: property over random interleavings', () => {
  type Op =
    | { op: 'advance'; ms: number }
    | { op: 'acquire' }
    | { op: 'release'; which: number; outcome: BreakerOutcome };
  const op: fc.Arbitrary<Op> = fc.oneof(
    fc.record({ op: fc.constant('advance' as const), ms: fc.integer({ min: 0, max: 2 * RECOVERY_MS }) }),
    fc.constant({ op: 'acquire' as const }),
    fc.record({
      op: fc.constant('release' as const),
      which: fc.nat(),
      outcome: fc.constantFrom<BreakerOutcome>('success', 'failure', 'neutral'),
    }),
  );

  it('opens exactly when threshold failures came since the last success; refuses only when not closed; reports every change', async () => {
    await fc.assert(
      fc.asyncProperty(fc.integer({ min: 1, max: 4 }), fc.array(op, { maxLength: 40 }), async (threshold, ops) => {
        const { make, transitions, advance, now } = setup(threshold);
        const breaker = make();
        let outstanding = 0;
        let failuresSinceSuccess = 0;
        let previous: BreakerState = await breaker.state();
        for (const step of ops) {
          const seen = transitions.length;
          if (step.op === 'advance') advance(step.ms);
          if (step.op === 'acquire') {
            const outcome = await breaker.acquire().then(
              () => undefined,
              (error: unknown) => error,
            );
            if (outcome === undefined) {
              outstanding++;
            } else {
              expect(outcome).toBeInstanceOf(OpenRouterCircuitOpenError);
              // Never refused while closed, and retryAt is in the future.
              expect(previous.state).not.toBe('closed');
              expect((outcome as OpenRouterCircuitOpenError).retryAt.getTime()).toBeGreaterThan(now());
            }
          }
          if (step.op === 'release' && outstanding > 0) {
            outstanding--;
            await breaker.release(step.outcome);
            if (step.outcome === 'success') failuresSinceSuccess = 0;
            if (step.outcome === 'failure') failuresSinceSuccess++;
          }
          const current = await breaker.state();
          expect(JSON.parse(JSON.stringify(current))).toEqual(current);
          expect(current.failures).toBe(failuresSinceSuccess);
          expect(current.state === 'closed').toBe(failuresSinceSuccess < threshold);
          if (current.state === 'open' && previous.state !== 'open') expect(current.retryAt).toBeGreaterThanOrEqual(now());
          const expected = previous.state === current.state ? [] : [`openrouter: ${previous.state}→${current.state}`];
          expect(transitions.slice(seen)).toEqual(expected);
          previous = current;
        }
      }),
      { numRuns: 200 },
    );
  });
});
