// A run stopped by a signal: its CancelledError takes the signal's kind and exit code from the
// one table, and --json's failure object carries them.
import { describe, expect, it } from '@jest/globals';
import { jsonFailure } from '../../../src/cli/render-error.js';
import { CancelledError, EXIT_CODES } from '../../../src/core/index.js';

describe('CancelledError by signal', () => {
  it.each([
    ['SIGINT', 'interrupted', 130],
    ['SIGHUP', 'hangup', 129],
    ['SIGTERM', 'terminated', 143],
  ] as const)('%s: kind %s, exit %i, in --json too', (signal, kind, code) => {
    const error = new CancelledError('stopped', { signal, partialContent: 'half an answer' });
    expect([error.kind, error.exitCode, error.signal]).toEqual([kind, code, signal]);
    expect(EXIT_CODES[kind]).toBe(code);
    expect(jsonFailure(error)).toEqual({ error: { kind, message: 'stopped', exit_code: code }, partial_content: 'half an answer' });
  });

  it('without a signal it is Ctrl+C as before: interrupted, 130', () => {
    expect(new CancelledError().exitCode).toBe(130);
  });
});
