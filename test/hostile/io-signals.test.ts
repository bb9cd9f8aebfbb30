// Signals and a closed stdout mid-stream, against the built binary and the fake OpenRouter:
// whatever stops the run, the partial answer is printed and kept in the session, the request
// is counted in the usage totals, and the exit code says what stopped it.
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from '@jest/globals';
import { type FakeOpenRouter, startFakeOpenRouter } from '../helpers/fake-openrouter.js';
import { BIN, type CliSandbox, cliSandbox } from '../helpers/run-cli.js';

let fake: FakeOpenRouter;
let cli: CliSandbox;

beforeEach(async () => {
  fake = await startFakeOpenRouter();
  cli = cliSandbox(fake.url);
});
afterEach(async () => {
  await fake.close();
  cli.dispose();
});

const longReply = () => fake.script({ kind: 'reply', content: Array.from({ length: 60 }, (_, i) => `part${i} `), chunkDelayMs: 100 });
const sessionOf = (name: string) => JSON.parse(readFileSync(join(cli.env.DEVSYNTH_HOME!, 'sessions', `${name}.json`), 'utf8'));
const usageRequests = () => {
  const usage = JSON.parse(readFileSync(join(cli.env.DEVSYNTH_HOME!, 'usage.json'), 'utf8')) as { days: Record<string, Record<string, { requests: number }>> };
  return Object.values(usage.days).flatMap((models) => Object.values(models)).reduce((sum, t) => sum + t.requests, 0);
};

/** Runs a chat and sends `signal` once the answer has started. */
function stopMidStream(signal: NodeJS.Signals, args: string[]) {
  let sent = false;
  return cli.run(args, {
    killAfterMs: 30_000,
    onStdout: (text, child) => {
      if (!sent && text.includes('part2')) {
        sent = true;
        child.kill(signal);
      }
    },
  });
}

describe.each([
  ['SIGTERM', 143, /terminated \(SIGTERM\)/],
  ['SIGHUP', 129, /hung up \(SIGHUP\)/],
] as const)('%s mid-stream', (signal, code, message) => {
  it(`prints and keeps the partial answer, counts the request, exits ${code}`, async () => {
    longReply();
    const result = await stopMidStream(signal, ['chat', '--session', 'cut', 'tell me']);
    expect(result.signal).toBeNull();
    expect(result.code).toBe(code);
    expect(result.stdout).toMatch(/^part0 part1 part2 /);
    expect(result.stdout).not.toContain('part59');
    expect(result.stdout.endsWith('\n')).toBe(true);
    expect(result.stderr.trim().split('\n')).toEqual([expect.stringMatching(message)]);
    const saved = sessionOf('cut');
    expect(saved.messages.at(-1)).toMatchObject({ role: 'assistant', content: expect.stringMatching(/^part0 part1 part2/) });
    expect(usageRequests()).toBe(1);
  });

  it(`--json: the failure object carries exit_code ${code} and the partial answer`, async () => {
    longReply();
    let sent = false;
    const result = await cli.run(['chat', '--json', '--session', 'cut', 'tell me'], {
      killAfterMs: 30_000,
      // --json writes nothing until the end: the signal goes once the server has sent a few parts.
      onSpawn: (child) => {
        const timer = setInterval(() => {
          if (fake.requests.some((r) => r.path === '/chat/completions') && !sent) {
            sent = true;
            setTimeout(() => child.kill(signal), 700);
          }
        }, 20);
        child.on('close', () => clearInterval(timer));
      },
    });
    expect(result.code).toBe(code);
    const failure = JSON.parse(result.stdout);
    expect(failure.error).toMatchObject({ kind: signal === 'SIGTERM' ? 'terminated' : 'hangup', exit_code: code });
    expect(failure.partial_content).toMatch(/^part0 /);
    expect(sessionOf('cut').messages.at(-1).content).toBe(failure.partial_content);
  });
});

it('Ctrl+C (SIGINT) still exits 130 and counts the request', async () => {
  longReply();
  const result = await stopMidStream('SIGINT', ['chat', '--session', 'cut', 'tell me']);
  expect(result.code).toBe(130);
  expect(sessionOf('cut').messages.at(-1).content).toMatch(/^part0 part1 part2/);
  expect(usageRequests()).toBe(1);
});

describe('a closed stdout', () => {
  it('`| head -c 10`: the turn is saved, the request stops, nothing on stderr, exit 0', async () => {
    longReply();
    const quoted = [process.execPath, BIN, 'chat', '--session', 'piped', 'tell me'].map((word) => `'${word.replace(/'/g, "'\\''")}'`).join(' ');
    const result = await new Promise<{ code: number | null; stdout: string; stderr: string }>((resolve, reject) => {
      // Our exit code comes out on fd 3: a POSIX sh has no PIPESTATUS.
      const child = spawn('sh', ['-c', `{ ${quoted}; echo "exit=$?" >&3; } | head -c 10`], { cwd: cli.home, env: cli.env, stdio: ['ignore', 'pipe', 'pipe', 'pipe'] });
      let stdout = '';
      let stderr = '';
      child.stdout!.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
      child.stderr!.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
      let ours = '';
      (child.stdio[3] as NodeJS.ReadableStream).setEncoding('utf8');
      (child.stdio[3] as NodeJS.ReadableStream).on('data', (chunk: string) => (ours += chunk));
      const killer = setTimeout(() => child.kill('SIGKILL'), 30_000);
      child.on('error', reject);
      child.on('close', () => {
        clearTimeout(killer);
        resolve({ code: Number(/exit=(\d+)/.exec(ours)?.[1] ?? -1), stdout, stderr });
      });
    });
    expect(result.stdout).toBe('part0 part');
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    const saved = sessionOf('piped');
    expect(saved.messages.at(-1)).toMatchObject({ role: 'assistant', content: expect.stringMatching(/^part0 part1 /) });
    expect(saved.messages.at(-1).content).not.toContain('part59');
    expect(usageRequests()).toBe(1);
  });
});
