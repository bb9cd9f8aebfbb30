// Every fault a CI job may meet, one row each, through the built binary: how many attempts,
// the exit code, what reached stdout, what stderr says, and the breaker state afterwards.
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from '@jest/globals';
import { errorBodies, type FakeOpenRouter, type Step, startFakeOpenRouter } from '../helpers/fake-openrouter.js';
import { type CliSandbox, cliSandbox } from '../helpers/run-cli.js';

let fake: FakeOpenRouter;
let cli: CliSandbox;
let config: string;

beforeEach(async () => {
  fake = await startFakeOpenRouter();
  cli = cliSandbox(fake.url);
  config = join(cli.home, 'faults.yml');
  // Quick retries and short limits, so that the whole matrix takes seconds.
  writeFileSync(
    config,
    'llm:\n  providers:\n    openrouter:\n      retry_initial_delay: 0.01\n      max_retries: 2\n      call_timeout: 1\n      first_token_timeout: 1.5\n      timeout: 2\n      failure_threshold: 10\n',
  );
});
afterEach(async () => {
  await fake.close();
  cli.dispose();
});

interface Row {
  name: string;
  steps: Step[];
  attempts: number;
  exit: number;
  stdout: string | RegExp;
  stderr: RegExp;
  /** Failures the breaker counted afterwards. */
  failures: number;
}

const ok: Step = { kind: 'reply', content: ['recovered'] };
const now = Date.now();

const rows: Row[] = [
  { name: '429 with Retry-After in seconds', steps: [errorBodies.rateLimited(0), ok], attempts: 2, exit: 0, stdout: 'recovered\n', stderr: /429, retrying/, failures: 0 },
  { name: '429 with Retry-After as an HTTP date', steps: [{ ...errorBodies.rateLimited(), headers: { 'retry-after': new Date(now - 1000).toUTCString() } }, ok], attempts: 2, exit: 0, stdout: 'recovered\n', stderr: /429, retrying in 0\.0 s/, failures: 0 },
  { name: '429 with retry-after-ms', steps: [{ ...errorBodies.rateLimited(), headers: { 'retry-after-ms': '20' } }, ok], attempts: 2, exit: 0, stdout: 'recovered\n', stderr: /429, retrying in 0\.0 s/, failures: 0 },
  { name: 'the daily free-tier cap', steps: [errorBodies.dailyCap(Date.UTC(2030, 0, 1))], attempts: 1, exit: 5, stdout: '', stderr: /free-models-per-day[\s\S]*resets at 2030-01-01T00:00:00\.000Z/, failures: 0 },
  ...([500, 502, 503, 504, 524, 529] as const).map((status): Row => ({ name: `${status} that recovers`, steps: [errorBodies.server(status), ok], attempts: 2, exit: 0, stdout: 'recovered\n', stderr: new RegExp(`${status}, retrying`), failures: 0 })),
  { name: '503 that never recovers', steps: [errorBodies.server(503), errorBodies.server(503), errorBodies.server(503)], attempts: 3, exit: 7, stdout: '', stderr: /server error \(503\).*gave up after 3 attempts/, failures: 1 },
  { name: 'reset before the headers, then recovery', steps: [{ kind: 'reset' }, ok], attempts: 2, exit: 0, stdout: 'recovered\n', stderr: /network, retrying/, failures: 0 },
  { name: 'reset mid-stream', steps: [{ kind: 'reset', afterChunks: 2 }], attempts: 1, exit: 7, stdout: 'part0 part1 \n', stderr: /broke off/, failures: 1 },
  { name: 'stall before the headers, never recovering', steps: [{ kind: 'stall', beforeHeaders: true }, { kind: 'stall', beforeHeaders: true }, { kind: 'stall', beforeHeaders: true }], attempts: 3, exit: 7, stdout: '', stderr: /no response from OpenRouter within 1 s \(call_timeout\)/, failures: 1 },
  { name: 'stall mid-stream', steps: [{ kind: 'stall', afterChunks: 1 }], attempts: 1, exit: 7, stdout: 'part0 \n', stderr: /stalled: nothing for 1 s/, failures: 1 },
  { name: 'keep-alives forever, no token', steps: [{ kind: 'stall', keepAliveEveryMs: 200 }, { kind: 'stall', keepAliveEveryMs: 200 }, { kind: 'stall', keepAliveEveryMs: 200 }], attempts: 3, exit: 7, stdout: '', stderr: /first_token_timeout/, failures: 1 },
  { name: 'a truncated stream', steps: [{ kind: 'truncate', content: ['half ', 'an answer'] }], attempts: 1, exit: 7, stdout: 'half an answer\n', stderr: /ended before the answer was complete/, failures: 1 },
  { name: 'a malformed JSON chunk', steps: [{ kind: 'malformed', content: ['ok'] }], attempts: 1, exit: 7, stdout: 'ok\n', stderr: /not JSON/, failures: 1 },
  { name: 'a mid-stream error chunk', steps: [{ kind: 'midstream-error', content: ['Once'], error: { code: 502, message: 'Provider disconnected' } }], attempts: 1, exit: 6, stdout: 'Once\n', stderr: /reported an error \(502\): Provider disconnected/, failures: 0 },
  { name: 'a 200 with an error body', steps: [{ kind: 'error-in-200', shape: 'error-only' }], attempts: 1, exit: 6, stdout: '', stderr: /upstream failed \(via FakeProvider\)/, failures: 0 },
  { name: '402', steps: [errorBodies.insufficientCredits()], attempts: 1, exit: 9, stdout: '', stderr: /insufficient credits \(402\)[\s\S]*hint: add credits/, failures: 0 },
  { name: '403 moderation', steps: [errorBodies.moderation()], attempts: 1, exit: 6, stdout: '', stderr: /flagged for "violence"/, failures: 0 },
  { name: '413', steps: [errorBodies.payloadTooLarge()], attempts: 1, exit: 6, stdout: '', stderr: /request rejected \(413\)/, failures: 0 },
];

function breakerFailures(): number {
  try {
    return JSON.parse(readFileSync(join(cli.env.DEVSYNTH_HOME!, 'breakers.json'), 'utf8')).breakers.openrouter?.failures ?? 0;
  } catch {
    return 0;
  }
}

describe('fault matrix', () => {
  it.each(rows)('$name: $attempts attempt(s), exit $exit', async (row) => {
    fake.script(...row.steps);
    const result = await cli.run(['--config', config, 'chat', 'go']);
    expect(fake.requests.filter((r) => r.path === '/chat/completions')).toHaveLength(row.attempts);
    expect(result.code).toBe(row.exit);
    if (typeof row.stdout === 'string') expect(result.stdout).toBe(row.stdout);
    else expect(result.stdout).toMatch(row.stdout);
    expect(result.stderr).toMatch(row.stderr);
    expect(result.stderr).not.toMatch(/\n\s+at /);
    expect(breakerFailures()).toBe(row.failures);
  });

  it('connection refused: exit 7 after the retries', async () => {
    const url = fake.url;
    await fake.close();
    const result = await cli.run(['--config', config, 'chat', 'go'], { env: { OPENROUTER_BASE_URL: url } });
    expect(result.code).toBe(7);
    expect(result.stderr).toMatch(/connection refused \(|connection refused/);
    expect(result.stderr).toContain('gave up after 3 attempts');
    expect(breakerFailures()).toBe(1);
  });
});

describe('the breaker across processes', () => {
  it('opens after failure_threshold failed runs; after recovery_timeout one probe goes through and closes it', async () => {
    const breaker = join(cli.home, 'breaker.yml');
    writeFileSync(breaker, 'llm:\n  providers:\n    openrouter:\n      max_retries: 0\n      failure_threshold: 2\n      recovery_timeout: 1\n');
    fake.script(errorBodies.server(503), errorBodies.server(503));
    await cli.run(['--config', breaker, 'chat', 'go']);
    await cli.run(['--config', breaker, 'chat', 'go']);
    const refused = await cli.run(['--config', breaker, '--debug', 'chat', 'go']);
    expect(refused.code).toBe(8);
    expect(fake.requests).toHaveLength(2);
    await new Promise((resolve) => setTimeout(resolve, 1100));
    const probe = await cli.run(['--config', breaker, '--debug', 'chat', 'go']);
    expect(probe).toMatchObject({ code: 0, stdout: 'Hello from fake\n' });
    expect(probe.stderr).toContain('circuit breaker openrouter: open → half-open');
    expect(probe.stderr).toContain('circuit breaker openrouter: half-open → closed');
    expect(fake.requests).toHaveLength(3);
  });
});
