import { describe, expect, it } from '@jest/globals';
import {
  CancelledError,
  OpenRouterAuthenticationError,
  OpenRouterConnectionError,
  OpenRouterModelError,
  OpenRouterRateLimitError,
} from '../../../../src/core/errors.js';
import { breakerOutcomeOf } from '../../../../src/core/internal/breaker-outcome.js';

describe('breakerOutcomeOf', () => {
  it.each(['network', 'timeout', 'first_token_timeout', 'stalled', 'truncated', 'server', 'protocol'] as const)(
    'counts a %s connection failure against the service',
    (failure) => {
      expect(breakerOutcomeOf(new OpenRouterConnectionError(failure, 'x'))).toBe('failure');
    },
  );

  it('says nothing about the service for a user abort or a local TLS problem', () => {
    expect(breakerOutcomeOf(new CancelledError())).toBe('neutral');
    expect(breakerOutcomeOf(new OpenRouterConnectionError('tls', 'x'))).toBe('neutral');
  });

  it('says nothing for failures every call repeats: a refused redirect, an oversized response', () => {
    expect(breakerOutcomeOf(new OpenRouterConnectionError('redirect', 'x'))).toBe('neutral');
    expect(breakerOutcomeOf(new OpenRouterConnectionError('too_large', 'x'))).toBe('neutral');
  });

  it('takes an answer the service gave (4xx, 429, in-band error) as proof it is up', () => {
    expect(breakerOutcomeOf(new OpenRouterModelError('x', { status: 400 }))).toBe('success');
    expect(breakerOutcomeOf(new OpenRouterAuthenticationError('x', { status: 401 }))).toBe('success');
    expect(breakerOutcomeOf(new OpenRouterRateLimitError('x', { status: 429 }))).toBe('success');
  });
});
