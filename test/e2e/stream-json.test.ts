// --format stream-json from the built binary: one JSON event per line as the call goes, and
// always one final result or error line, whatever ends the run (success, retry, fallback, no
// key, a usage error, Ctrl+C).
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from '@jest/globals';
import { errorBodies } from '../helpers/fake-openrouter.js';
import { useFakeCli } from '../helpers/run-cli.js';

const t = useFakeCli();

type Event = Record<string, unknown> & { type: string };

/** Every line of stdout parsed (a line that is not JSON fails the test); the text ends in a newline. */
function events(stdout: string): Event[] {
  expect(stdout.endsWith('\n')).toBe(true);
  return stdout
    .slice(0, -1)
    .split('\n')
    .map((line) => JSON.parse(line) as Event);
}

const config = (yaml: string) => {
  const path = join(t.cli.home, 'config.yml');
  writeFileSync(path, yaml);
  return path;
};

describe('--format stream-json', () => {
  it('success: meta, the tokens, usage, then one result line with the --json fields', async () => {
    t.fake.script({ kind: 'reply', content: ['Hel', 'lo', ' there'], chunkDelayMs: 20 });
    const result = await t.cli.run(['chat', '--format', 'stream-json', 'hi']);
    expect(result.code).toBe(0);
    expect(result.stderr).toBe('');
    const all = events(result.stdout);
    expect(all[0]).toMatchObject({ type: 'meta', model: 'openrouter/free', provider: 'FakeProvider' });
    expect(all.filter((e) => e.type === 'token').map((e) => e.text).join('')).toBe('Hello there');
    expect(all.some((e) => e.type === 'usage')).toBe(true);
    const last = all.at(-1)!;
    expect(last).toMatchObject({ type: 'result', content: 'Hello there', model: 'openrouter/free', finish_reason: 'stop', usage: { completion_tokens: expect.any(Number) } });
    expect(all.filter((e) => e.type === 'result' || e.type === 'error')).toHaveLength(1);
  });

  it('the tokens are written as they arrive, before the answer ends', async () => {
    t.fake.script({ kind: 'reply', content: Array.from({ length: 30 }, (_, i) => `t${i} `), chunkDelayMs: 80 });
    let linesBeforeEnd = 0;
    const result = await t.cli.run(['chat', '--format=stream-json', 'hi'], {
      onStdout: (text) => {
        if (!text.includes('"type":"result"')) linesBeforeEnd = text.split('\n').filter((l) => l.includes('"type":"token"')).length;
      },
    });
    expect(result.code).toBe(0);
    expect(linesBeforeEnd).toBeGreaterThan(1);
  });

  it('a 429 then success: a retry event (snake_case, the error as its --json form), then the result', async () => {
    t.fake.script(errorBodies.rateLimited(0));
    const file = config('llm:\n  providers:\n    openrouter:\n      max_retries: 1\n      retry_initial_delay: 0.01\n');
    const result = await t.cli.run(['--config', file, 'chat', '--format', 'stream-json', 'hi']);
    expect(result.code).toBe(0);
    const all = events(result.stdout);
    const retry = all.find((e) => e.type === 'retry');
    expect(retry).toMatchObject({ attempt: 1, max_retries: 1, delay_ms: expect.any(Number), status: 429, error: { kind: 'rate_limit', exit_code: 5 } });
    expect(all.indexOf(retry!)).toBeLessThan(all.findIndex((e) => e.type === 'token'));
    expect(all.at(-1)).toMatchObject({ type: 'result', content: 'Hello from fake' });
  });

  it('a fallback to another provider: a fallback event, then the result naming who answered', async () => {
    t.fake.script(errorBodies.server(503));
    const file = config('llm:\n  fallback: [offline]\n  providers:\n    openrouter:\n      max_retries: 0\n');
    const result = await t.cli.run(['--config', file, 'chat', '--format', 'stream-json', 'hi']);
    expect(result.code).toBe(0);
    const all = events(result.stdout);
    expect(all.find((e) => e.type === 'fallback')).toMatchObject({ from: 'openrouter', to: 'offline', error: { kind: 'connection' } });
    expect(all.at(-1)).toMatchObject({ type: 'result', answered_by: 'offline', fallbacks: [{ provider: 'openrouter' }] });
  });

  it('no API key: one error event and nothing else, exit 4, no request', async () => {
    const result = await t.cli.run(['chat', '--format', 'stream-json', 'hi'], { env: { OPENROUTER_API_KEY: undefined } });
    expect(result.code).toBe(4);
    expect(events(result.stdout)).toEqual([{ type: 'error', error: { kind: 'auth', message: expect.any(String), exit_code: 4 } }]);
    expect(result.stderr).toMatch(/^devsynth-or: /);
    expect(t.fake.requests.filter((r) => r.path.endsWith('/chat/completions'))).toHaveLength(0);
  });

  it('a usage error after parsing (empty prompt) and a config error end with an error event too', async () => {
    const empty = await t.cli.run(['chat', '--format', 'stream-json'], { stdin: '  \n' });
    expect(empty.code).toBe(2);
    expect(events(empty.stdout)).toEqual([{ type: 'error', error: expect.objectContaining({ kind: 'usage', exit_code: 2 }) }]);
    const file = config('llm:\n  providers:\n    openrouter:\n      temperature: hot\n');
    const bad = await t.cli.run(['--config', file, 'chat', '--format', 'stream-json', 'hi']);
    expect(bad.code).toBe(3);
    expect(events(bad.stdout)).toEqual([{ type: 'error', error: expect.objectContaining({ kind: 'config', exit_code: 3 }) }]);
  });

  it('a contract failure (--extract, no block): the error event carries the answer as partial_content', async () => {
    t.fake.script({ kind: 'reply', content: ['no ', 'code'] });
    const result = await t.cli.run(['chat', '-x', '--format', 'stream-json', 'hi']);
    expect(result.code).toBe(10);
    const all = events(result.stdout);
    expect(all.at(-1)).toEqual({ type: 'error', error: { kind: 'contract', message: 'the answer has no fenced code block', exit_code: 10 }, partial_content: 'no code' });
  });

  it('bytes of the answer are JSON-escaped, never raw controls', async () => {
    t.fake.script({ kind: 'reply', content: ['a\u001b]0;x\u0007b\u009bc\u202ed'] });
    const result = await t.cli.run(['chat', '--format', 'stream-json', 'hi']);
    expect(result.code).toBe(0);
    expect(result.stdout).not.toMatch(/[\u0000-\u0009\u000b-\u001f\u007f-\u009f\u202e]/);
    expect(events(result.stdout).at(-1)).toMatchObject({ content: 'a\u001b]0;x\u0007b\u009bc\u202ed' });
  });

  it.each([
    ['SIGINT', 130, 'interrupted'],
    ['SIGTERM', 143, 'terminated'],
  ] as const)('%s mid-stream: the error event with the partial answer, exit %i', async (signal, code, kind) => {
    t.fake.script({ kind: 'reply', content: Array.from({ length: 60 }, (_, i) => `part${i} `), chunkDelayMs: 100 });
    let sent = false;
    const result = await t.cli.run(['chat', '--format', 'stream-json', 'tell me'], {
      killAfterMs: 30_000,
      onStdout: (text, child) => {
        if (!sent && text.includes('part2')) {
          sent = true;
          child.kill(signal);
        }
      },
    });
    expect(result.signal).toBeNull();
    expect(result.code).toBe(code);
    const all = events(result.stdout);
    const last = all.at(-1)!;
    expect(last).toMatchObject({ type: 'error', error: { kind, exit_code: code }, partial_content: expect.stringMatching(/^part0 part1 part2/) });
    expect(all.filter((e) => e.type === 'error' || e.type === 'result')).toHaveLength(1);
  });

  it('--json and --format stream-json contradict each other: exit 2, as an error event', async () => {
    const result = await t.cli.run(['chat', '--json', '--format', 'stream-json', 'hi']);
    expect(result.code).toBe(2);
    expect(events(result.stdout)).toEqual([{ type: 'error', error: expect.objectContaining({ kind: 'usage', message: '--json contradicts --format stream-json' }) }]);
  });

  it('--format json is --json', async () => {
    const result = await t.cli.run(['chat', '--format', 'json', 'hi']);
    expect(result.code).toBe(0);
    expect(JSON.parse(result.stdout)).toMatchObject({ content: 'Hello from fake' });
  });
});
