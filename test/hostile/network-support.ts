// What the hostile network tests share: a CLI sandbox pointed at a hostile server with short
// limits (so that waits take seconds), and the check that state files survived.
import { existsSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { expect } from '@jest/globals';
import { type CliSandbox, cliSandbox } from '../helpers/run-cli.js';
import { type Handler, type HostileServer, hostileServer } from '../helpers/hostile-server.js';

export interface HostileCase {
  server: HostileServer;
  cli: CliSandbox;
  /** `--config <file>` with the short limits. */
  config: string[];
  dispose(): Promise<void>;
}

/** Limits in seconds: a stall is seen after 1 s, a whole stream is cut after `stream_timeout`. */
export async function hostileCase(handle: Handler, limits: { stream_timeout?: number } = {}): Promise<HostileCase> {
  const server = await hostileServer(handle);
  const cli = cliSandbox(server.baseUrl);
  const file = join(cli.home, 'limits.yml');
  const settings = {
    call_timeout: 1,
    first_token_timeout: 3,
    timeout: 5,
    retry_initial_delay: 0.05,
    ...limits,
  };
  writeFileSync(
    file,
    `llm:\n  providers:\n    openrouter:\n${Object.entries(settings)
      .map(([key, value]) => `      ${key}: ${value}\n`)
      .join('')}`,
  );
  return {
    server,
    cli,
    config: ['--config', file],
    async dispose() {
      await server.close();
      cli.dispose();
    },
  };
}

/** The error lines of stderr: exactly one `devsynth-or:` line, returned. */
export function oneErrorLine(stderr: string): string {
  const lines = stderr.split('\n').filter((line) => line.startsWith('devsynth-or:'));
  expect(lines).toHaveLength(1);
  return lines[0] as string;
}

/** Every state file still parses, and no temporary file was left behind. */
export function expectStateIntact(cli: CliSandbox): void {
  const root = cli.env.DEVSYNTH_HOME as string;
  if (!existsSync(root)) return;
  const walk = (dir: string): string[] =>
    readdirSync(dir).flatMap((name) => {
      const path = join(dir, name);
      return statSync(path).isDirectory() ? walk(path) : [path];
    });
  for (const path of walk(root)) {
    expect(path).not.toMatch(/\.tmp-/);
    if (path.endsWith('.json')) expect(() => JSON.parse(readFileSync(path, 'utf8'))).not.toThrow();
  }
}
