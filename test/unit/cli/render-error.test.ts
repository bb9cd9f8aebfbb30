import { describe, expect, it } from '@jest/globals';
import { renderError } from '../../../src/cli/render-error.js';
import { AnswerContractError, OpenRouterRateLimitError } from '../../../src/core/index.js';

function render(error: unknown, options: { debug?: boolean; json?: boolean; color?: boolean; streamJson?: boolean } = {}) {
  const out = { stderr: '', stdout: '' };
  const code = renderError(error, {
    debug: options.debug ?? false,
    json: options.json ?? false,
    streamJson: options.streamJson ?? false,
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

  it('--format stream-json: the same object as the final {"type":"error"} event; a contract failure is exit 10', () => {
    const error = new AnswerContractError('the answer is not valid JSON', { partialContent: 'nope' });
    const result = render(error, { streamJson: true, json: false });
    expect(result.code).toBe(10);
    expect(result.stdout).toBe('{"type":"error","error":{"kind":"contract","message":"the answer is not valid JSON","exit_code":10},"partial_content":"nope"}\n');
    expect(result.stderr).toBe('devsynth-or: the answer is not valid JSON\n');
  });

  it('colours only when asked, and never prints a key', () => {
    expect(render(new Error('boom'), { color: true }).stderr).toContain('\u001b[31m');
    expect(render(new Error('sent sk-or-v1-abcdef0123456789 along')).stderr).not.toContain('sk-or-v1-abcdef');
  });

  it('a server\'s message, hint and metadata are made terminal-safe before our colours go around them', () => {
    const hostile = '\u001b]52;c;cm0gLXJmIH4K\u0007\u001b]0;title\u0007\u001b[?1049h\u009b2J\u202Eevil';
    const error = new OpenRouterRateLimitError(`Provider returned error: ${hostile}`, { status: 429, hint: hostile, metadata: { raw: hostile } });
    for (const color of [false, true]) {
      const result = render(error, { json: true, color, debug: true });
      expect(result.stderr).toContain('Provider returned error: ^[]52;c;cm0gLXJmIH4K^G^[]0;title^G^[[?1049h<U+009B>2J<U+202E>evil');
      // The only escape sequences left are our own colours.
      expect(result.stderr.replace(/\u001b\[(?:2|22|31|39)m/g, '')).not.toMatch(/[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]/);
      expect(result.stdout).not.toMatch(/[\u007f-\u009f\u202a-\u202e\u2066-\u2069]/);
      expect(JSON.parse(result.stdout).error.message).toBe(`Provider returned error: ${hostile}`);
    }
  });
});
