import { describe, expect, it } from '@jest/globals';
import { renderError } from '../../../src/cli/render-error.js';
import { OpenRouterRateLimitError } from '../../../src/core/index.js';

function render(error: unknown, options: { debug?: boolean; json?: boolean; color?: boolean } = {}) {
  const out = { stderr: '', stdout: '' };
  const code = renderError(error, {
    debug: options.debug ?? false,
    json: options.json ?? false,
    color: options.color ?? false,
    stderr: (text) => (out.stderr += text),
    stdout: (text) => (out.stdout += text),
  });
  return { code, ...out };
}

describe('renderError', () => {
  it('an unexpected error is exit 1 with "unexpected error", and no stack without --debug', () => {
    const result = render(new TypeError('cannot read properties of undefined'));
    expect(result.code).toBe(1);
    expect(result.stderr).toBe('devsynth-or: unexpected error: cannot read properties of undefined\n');
    expect(render(new TypeError('x'), { debug: true }).stderr).toMatch(/\n\s+at /);
  });

  it('a known error is its message, its hint, and its exit code; --json adds the object on stdout', () => {
    const error = new OpenRouterRateLimitError('rate limited (429): slow down', { status: 429, hint: 'wait', partialContent: 'half' });
    const result = render(error, { json: true });
    expect(result.code).toBe(5);
    expect(result.stderr).toBe('devsynth-or: rate limited (429): slow down\nhint: wait\n');
    expect(JSON.parse(result.stdout)).toEqual({ error: { kind: 'rate_limit', message: 'rate limited (429): slow down', status: 429, exit_code: 5 }, partial_content: 'half' });
  });

  it('colours only when asked, and never prints a key', () => {
    expect(render(new Error('boom'), { color: true }).stderr).toContain('\u001b[31m');
    expect(render(new Error('sent sk-or-v1-abcdef0123456789 along')).stderr).not.toContain('sk-or-v1-abcdef');
  });
});
