import { describe, expect, it } from '@jest/globals';
import { OpenRouterCircuitOpenError } from '../../../../src/core/errors.js';
import { type BreakerState, CircuitBreaker, createMemoryBreakerStore } from '../../../../src/core/internal/circuit-breaker.js';

function setup(threshold = 3) {
  let now = 0;
  const store = createMemoryBreakerStore();
  const transitions: string[] = [];
  const make = () =>
    new CircuitBreaker({
      key: 'openrouter',
      failureThreshold: threshold,
      recoveryTimeoutMs: 60_000,
      store,
      now: () => now,
      onTransition: (from, to) => transitions.push(`${from}→${to}`),
    });
  return { make, store, transitions, advance: (ms: number) => (now += ms) };
}

async function fail(breaker: CircuitBreaker, times: number) {
  for (let i = 0; i < times; i++) {
    await breaker.acquire();
    await breaker.release('failure');
  }
}

describe('CircuitBreaker', () => {
  it('opens after failure_threshold consecutive failures, not before', async () => {
    const { make } = setup(3);
    const breaker = make();
    await fail(breaker, 2);
    await expect(breaker.acquire()).resolves.toBeUndefined();
    await breaker.release('failure');
    const error = await breaker.acquire().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(OpenRouterCircuitOpenError);
    expect((error as OpenRouterCircuitOpenError).exitCode).toBe(8);
    expect((error as OpenRouterCircuitOpenError).retryAt.getTime()).toBe(60_000);
  });

  it('a success resets the count', async () => {
    const { make } = setup(2);
    const breaker = make();
    await fail(breaker, 1);
    await breaker.acquire();
    await breaker.release('success');
    await fail(breaker, 1);
    await expect(breaker.state()).resolves.toEqual({ state: 'closed', failures: 1 });
  });

  it('after the recovery timeout one probe goes; others wait; its success closes', async () => {
    const { make, advance, transitions } = setup(1);
    const breaker = make();
    await fail(breaker, 1);
    advance(60_000);
    await breaker.acquire();
    await expect(breaker.acquire()).rejects.toBeInstanceOf(OpenRouterCircuitOpenError);
    await breaker.release('success');
    await expect(breaker.state()).resolves.toEqual({ state: 'closed', failures: 0 });
    expect(transitions).toEqual(['closed→open', 'open→half-open', 'half-open→closed']);
  });

  it('a failed probe re-opens it for a whole recovery period', async () => {
    const { make, advance } = setup(1);
    const breaker = make();
    await fail(breaker, 1);
    advance(60_000);
    await fail(breaker, 1);
    advance(59_999);
    await expect(breaker.acquire()).rejects.toBeInstanceOf(OpenRouterCircuitOpenError);
    advance(1);
    await expect(breaker.acquire()).resolves.toBeUndefined();
  });

  it('a neutral outcome (user abort) of a probe lets the next call probe at once', async () => {
    const { make, advance } = setup(1);
    const breaker = make();
    await fail(breaker, 1);
    advance(60_000);
    await breaker.acquire();
    await breaker.release('neutral');
    await expect(breaker.acquire()).resolves.toBeUndefined();
  });

  it('keeps its state as plain JSON, shared by every breaker on the store', async () => {
    const { make, store } = setup(2);
    await fail(make(), 2);
    const state = (await store.get('openrouter')) as BreakerState;
    expect(JSON.parse(JSON.stringify(state))).toEqual(state);
    expect(state).toMatchObject({ state: 'open', failures: 2, retryAt: 60_000 });
    await expect(make().acquire()).rejects.toBeInstanceOf(OpenRouterCircuitOpenError);
  });
});
