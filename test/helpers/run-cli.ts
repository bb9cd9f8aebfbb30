// Runs the built binary as a user would: a child process with its own HOME and state
// directory, stdin as given (closed otherwise), and the fake OpenRouter as its base URL.
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { TEST_API_KEY } from './fake-openrouter.js';

export const BIN = new URL('../../bin/devsynth-or.cjs', import.meta.url).pathname;

export interface CliResult {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

export interface CliSandbox {
  home: string;
  env: Record<string, string>;
  run(args: string[], options?: RunOptions): Promise<CliResult>;
  dispose(): void;
}

export interface RunOptions {
  stdin?: string | Buffer;
  env?: Record<string, string | undefined>;
  cwd?: string;
  /** Called with the child and the output so far whenever stdout grows. */
  onStdout?: (text: string, child: ReturnType<typeof spawn>) => void;
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
          stdout += chunk;
          options.onStdout?.(stdout, child);
        });
        child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
        child.on('error', reject);
        child.on('close', (code, signal) => resolve({ code, signal, stdout, stderr }));
        child.stdin.end(options.stdin ?? '');
      }),
    dispose: () => rmSync(home, { recursive: true, force: true }),
  };
}
