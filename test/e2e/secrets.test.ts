// One unique key through every command and many failures: it must appear in no stdout, no
// stderr, no --debug log line, and no file under DEVSYNTH_HOME.
import { readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { errorBodies, type FakeOpenRouter, startFakeOpenRouter } from '../helpers/fake-openrouter.js';
import { type CliResult, type CliSandbox, cliSandbox } from '../helpers/run-cli.js';

const KEY = `sk-or-v1-${'5ecre7'.repeat(6)}${process.pid}`;

function filesUnder(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? filesUnder(path) : [path];
  });
}

let fake: FakeOpenRouter;
let cli: CliSandbox;
const results: CliResult[] = [];

beforeAll(async () => {
  fake = await startFakeOpenRouter({ apiKey: KEY });
  cli = cliSandbox(fake.url);
  cli.env.OPENROUTER_API_KEY = KEY;
  cli.env.DEVSYNTH_DEBUG = '1';
});
afterAll(async () => {
  await fake.close();
  cli.dispose();
});

describe('the API key never leaks', () => {
  it('through every command and failure, with --debug on', async () => {
    const config = join(cli.home, 'fast.yml');
    writeFileSync(config, 'llm:\n  providers:\n    openrouter:\n      retry_initial_delay: 0.01\n      max_retries: 1\n');
    const echo = (status: number) => ({ kind: 'http-error' as const, status, body: { error: { code: status, message: `upstream echoed Authorization: Bearer ${KEY}`, metadata: { raw: KEY } } } });
    const steps = [
      { kind: 'reply' as const },
      echo(400),
      echo(500),
      echo(500),
      errorBodies.userNotFound(),
      errorBodies.insufficientCredits(),
      errorBodies.dailyCap(Date.now() + 1000),
      { kind: 'midstream-error' as const, content: ['part'], error: { code: 502, message: `provider saw ${KEY}` } },
      { kind: 'reset' as const, afterChunks: 1 },
      { kind: 'malformed' as const, content: ['x'], line: `data: {"leak":"${KEY}"` },
    ];
    fake.script(...steps);
    const runs: string[][] = [
      ['chat', '--usage', 'hello'],
      ['--config', config, 'chat', 'four hundred'],
      ['--config', config, 'chat', '--json', 'server errors'],
      ['chat', 'unauthorized'],
      ['chat', '--json', 'credits'],
      ['chat', 'daily cap'],
      ['chat', 'midstream'],
      ['--config', config, 'chat', 'reset'],
      ['chat', 'malformed'],
      ['chat', '--session', 'keyed', `my key is ${KEY}`],
      ['embed', 'a', 'b'],
      ['models'],
      ['models', 'show', 'openai/gpt-4o-mini'],
      ['status'],
      ['status', '--json'],
      ['config'],
      ['config', '--json'],
      ['config', 'path'],
      ['completion', 'bash'],
      ['chat', '-t', '9', 'bad flag'],
    ];
    for (const args of runs) results.push(await cli.run(args));
    // The runs really did fail in the ways meant.
    expect(results.map((r) => r.code)).toEqual([0, 6, 7, 4, 9, 5, 6, 7, 7, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 2]);
    expect(results.some((r) => r.stderr.includes('[debug] → POST'))).toBe(true);
    for (const result of results) {
      expect(result.stdout).not.toContain(KEY);
      expect(result.stderr).not.toContain(KEY);
    }
    const files = filesUnder(cli.env.DEVSYNTH_HOME!);
    expect(files.some((file) => file.endsWith('keyed.json'))).toBe(true);
    for (const file of files) expect(readFileSync(file, 'utf8')).not.toContain(KEY);
  });
});
