// Runs the built binary as a user would: a child process with its own HOME and state
// directory, stdin as given (closed otherwise), and the fake OpenRouter as its base URL.
import { spawn } from 'node:child_process';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, expect } from '@jest/globals';
import { type FakeOpenRouter, type FakeOptions, startFakeOpenRouter, TEST_API_KEY } from './fake-openrouter.js';

export const BIN = new URL('../../bin/devsynth-or.cjs', import.meta.url).pathname;

export interface CliResult {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
  /**
   * The child's peak resident set in MB, read from /proc/<pid>/status (VmHWM) while it ran;
   * only with `measureRss`. A lower bound: the last reading before the child exited.
   */
  peakRssMb?: number;
}

export interface CliSandbox {
  home: string;
  env: Record<string, string>;
  run(args: string[], options?: RunOptions): Promise<CliResult>;
  dispose(): void;
}

export interface RunOptions {
  /** An async iterable is streamed to the child as it reads (gigabytes without holding them). */
  stdin?: string | Buffer | AsyncIterable<Buffer>;
  /** Called with each piece of stdout as it comes (with keepStdout false, for huge outputs). */
  onStdoutChunk?: (chunk: string) => void;
  /** false: stdout is not collected into the result (default true). */
  keepStdout?: boolean;
  env?: Record<string, string | undefined>;
  cwd?: string;
  /** Called with the child and the output so far whenever stdout grows. */
  onStdout?: (text: string, child: ReturnType<typeof spawn>) => void;
  /** Called once the child is spawned (to send it signals, for example). */
  onSpawn?: (child: ReturnType<typeof spawn>) => void;
  /** Poll the child's peak RSS (see CliResult.peakRssMb). */
  measureRss?: boolean;
  /** Kill the child (SIGKILL) after this long; a test of a hang must still end. */
  killAfterMs?: number;
}

/** VmHWM of a live process in MB, or undefined once it is gone. */
export function peakRssOf(pid: number | undefined): number | undefined {
  if (pid === undefined) return undefined;
  try {
    const match = /^VmHWM:\s+(\d+) kB/m.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return match ? Number(match[1]) / 1024 : undefined;
  } catch {
    return undefined;
  }
}

/** A temporary HOME and DEVSYNTH_HOME pointed at `baseUrl`, with the test key. */
export function cliSandbox(baseUrl: string): CliSandbox {
  const home = mkdtempSync(join(tmpdir(), 'devsynth-e2e-'));
  const env: Record<string, string> = {
    PATH: process.env.PATH ?? '',
    HOME: home,
    XDG_CONFIG_HOME: join(home, '.config'),
    DEVSYNTH_HOME: join(home, 'state'),
    OPENROUTER_BASE_URL: baseUrl,
    OPENROUTER_API_KEY: TEST_API_KEY,
  };
  return {
    home,
    env,
    run: (args, options = {}) =>
      new Promise((resolve, reject) => {
        const merged: Record<string, string> = { ...env };
        for (const [key, value] of Object.entries(options.env ?? {})) {
          if (value === undefined) delete merged[key];
          else merged[key] = value;
        }
        const child = spawn(process.execPath, [BIN, ...args], { cwd: options.cwd ?? home, env: merged, stdio: ['pipe', 'pipe', 'pipe'] });
        let stdout = '';
        let stderr = '';
        child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
          options.onStdoutChunk?.(chunk);
          if (options.keepStdout === false) return;
          stdout += chunk;
          options.onStdout?.(stdout, child);
        });
        child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
        let peak: number | undefined;
        const poll = options.measureRss
          ? setInterval(() => {
              const now = peakRssOf(child.pid);
              if (now !== undefined) peak = Math.max(peak ?? 0, now);
            }, 20)
          : undefined;
        const killer = options.killAfterMs ? setTimeout(() => child.kill('SIGKILL'), options.killAfterMs) : undefined;
        child.on('error', reject);
        child.on('close', (code, signal) => {
          if (poll) clearInterval(poll);
          if (killer) clearTimeout(killer);
          resolve({ code, signal, stdout, stderr, ...(peak !== undefined ? { peakRssMb: peak } : {}) });
        });
        options.onSpawn?.(child);
        // A child that exits before reading all its input closes the pipe: not the test's error.
        child.stdin.on('error', () => undefined);
        const input = options.stdin ?? '';
        if (typeof input === 'string' || Buffer.isBuffer(input)) child.stdin.end(input);
        else pipeline(Readable.from(input), child.stdin).catch(() => undefined);
      }),
    dispose: () => rmSync(home, { recursive: true, force: true }),
  };
}

/**
 * The usual setting of an e2e test file: a fresh fake OpenRouter and CLI sandbox for each test,
 * both stopped afterwards, and every request body the fake received checked against
 * OpenRouter's OpenAPI spec (`violations` empty). Read `fake` and `cli` inside the tests.
 */
export function useFakeCli(options: FakeOptions = {}): { readonly fake: FakeOpenRouter; readonly cli: CliSandbox } {
  let fake: FakeOpenRouter | undefined;
  let cli: CliSandbox | undefined;
  beforeEach(async () => {
    fake = await startFakeOpenRouter(options);
    cli = cliSandbox(fake.url);
  });
  afterEach(async () => {
    await fake?.close();
    cli?.dispose();
    expect(fake?.violations).toEqual([]);
  });
  return {
    get fake() {
      if (!fake) throw new Error('useFakeCli: the fake server exists inside a test only');
      return fake;
    },
    get cli() {
      if (!cli) throw new Error('useFakeCli: the sandbox exists inside a test only');
      return cli;
    },
  };
}
