// Acceptance: a redirect never takes the prompt or the key where the base URL could not go,
// and a redirect that no retry can fix (a loop, another scheme, too many) fails at once with
// its own message.
import { afterEach, describe, expect, it } from '@jest/globals';
import { chunk, SSE_HEADERS, sse } from '../helpers/hostile-server.js';
import { expectStateIntact, type HostileCase, hostileCase, oneErrorLine } from './network-support.js';

let current: HostileCase | undefined;
afterEach(async () => {
  await current?.dispose();
  current = undefined;
});

/** Redirects by path: `/api/v1/chat/completions` goes where `to(path)` says, a null answers. */
async function redirecting(to: (url: string) => string | null, args: string[] = ['chat', 'hi']) {
  current = await hostileCase((req, res) => {
    const location = to(req.url ?? '');
    if (location === null) {
      res.writeHead(200, SSE_HEADERS);
      res.write(sse(chunk('arrived', { choices: [{ index: 0, delta: { content: 'arrived' }, finish_reason: 'stop' }] })));
      return void res.end(sse('[DONE]'));
    }
    res.writeHead(307, { location }).end();
  });
  const result = await current.cli.run([...current.config, ...args], { killAfterMs: 60_000 });
  return { ...result, paths: current.server.requests.map((r) => r.url) };
}

describe('hostile server: redirects', () => {
  it('a 307 to plain http on another host is refused before any request goes there', async () => {
    const result = await redirecting(() => 'http://example.invalid/api/v1/chat/completions');
    expect(result.code).toBe(7);
    expect(oneErrorLine(result.stderr)).toBe(
      'devsynth-or: OpenRouter sent a redirect that is not followed: a redirect to http://example.invalid (http:// is allowed only to this machine)',
    );
    // Not "host not found": no lookup, no connection, and only our own server saw the prompt.
    expect(result.stderr).not.toMatch(/not found|ENOTFOUND|EAI_AGAIN/);
    expect(result.paths).toEqual(['/api/v1/chat/completions']);
    expectStateIntact(current!.cli);
  });

  it('a redirect loop fails at once, without retries', async () => {
    const result = await redirecting((url) => (url.endsWith('/a') ? '/api/v1/b' : '/api/v1/a'));
    expect(result.code).toBe(7);
    expect(oneErrorLine(result.stderr)).toBe('devsynth-or: OpenRouter sent a redirect that is not followed: a redirect loop (back to /api/v1/a)');
    expect(result.paths).toEqual(['/api/v1/chat/completions', '/api/v1/a', '/api/v1/b']);
  });

  it('a redirect to file: fails at once, without retries', async () => {
    const result = await redirecting(() => 'file:///etc/passwd');
    expect(result.code).toBe(7);
    expect(oneErrorLine(result.stderr)).toBe('devsynth-or: OpenRouter sent a redirect that is not followed: a redirect to a file: URL');
    expect(result.paths).toHaveLength(1);
  });

  it('5 redirects are followed; a 6th fails at once', async () => {
    const hops = (limit: number) => (url: string) => {
      const n = Number(/\/hop(\d+)$/.exec(url)?.[1] ?? 0);
      return n < limit ? `/api/v1/hop${n + 1}` : null;
    };
    const five = await redirecting(hops(5));
    expect(five.code).toBe(0);
    expect(five.stdout).toContain('arrived');
    expect(five.paths).toHaveLength(6);
    await current?.dispose();
    const six = await redirecting(hops(6));
    expect(six.code).toBe(7);
    expect(oneErrorLine(six.stderr)).toBe('devsynth-or: OpenRouter sent a redirect that is not followed: more than 5 redirects');
    expect(six.paths).toHaveLength(6);
  });

  it('the catalogue obeys the same rule', async () => {
    const result = await redirecting(() => 'http://example.invalid/models', ['models', '--refresh']);
    expect(result.code).toBe(7);
    expect(oneErrorLine(result.stderr)).toMatch(/redirect to http:\/\/example\.invalid/);
    expect(result.paths).toEqual(['/api/v1/models']);
  });
});
