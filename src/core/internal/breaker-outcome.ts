// What a failed call tells the circuit breaker. Only signs that the service itself is failing
// count: network failures, timeouts, stalls, 5xx and 408. A 429 does not: free-model limits are
// per model, and one busy model must not shut every other model out. Answers the service gave
// (4xx, in-band errors) prove it is up, and a user abort says nothing either way; nor do a
// refused redirect or an oversized response, which every call repeats: each call should say
// so itself rather than "circuit open".
import { CancelledError, OpenRouterConnectionError } from '../errors.js';
import type { BreakerOutcome } from './circuit-breaker.js';

const NEUTRAL_FAILURES = new Set<OpenRouterConnectionError['failure']>(['tls', 'redirect', 'too_large']);

export function breakerOutcomeOf(error: unknown): BreakerOutcome {
  if (error instanceof CancelledError) return 'neutral';
  if (error instanceof OpenRouterConnectionError) return NEUTRAL_FAILURES.has(error.failure) ? 'neutral' : 'failure';
  return 'success';
}
