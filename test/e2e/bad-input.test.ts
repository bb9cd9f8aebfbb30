// Bad input, one table: each case gets one clear line on stderr, the contract's exit code, no
// stack trace, and leaves the sessions and the state as they were.
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { errorBodies, type FakeOpenRouter, startFakeOpenRouter } from '../helpers/fake-openrouter.js';
import { type CliSandbox, type RunOptions, cliSandbox } from '../helpers/run-cli.js';

let fake: FakeOpenRouter;
let cli: CliSandbox;
const file = (name: string, text: string) => {
  const path = join(cli.home, name);
  writeFileSync(path, text);
  return path;
};
const breakersFile = () => join(cli.env.DEVSYNTH_HOME!, 'breakers.json');
const snapshot = () => {
  const dir = join(cli.env.DEVSYNTH_HOME!, 'sessions');
  return {
    sessions: readdirSync(dir).map((name) => [name, readFileSync(join(dir, name), 'utf8')]),
    // A closed breaker with no failures is never written; a file that exists must not change.
    breakers: existsSync(breakersFile()) ? readFileSync(breakersFile(), 'utf8') : null,
  };
};

beforeAll(async () => {
  fake = await startFakeOpenRouter();
  cli = cliSandbox(fake.url);
  // Some state to keep: a named conversation and a breaker file with a failure on record.
  writeFileSync(join(cli.home, 'once.yml'), 'llm:\n  providers:\n    openrouter:\n      max_retries: 0\n');
  fake.script(errorBodies.server(500));
  expect((await cli.run(['--config', join(cli.home, 'once.yml'), 'chat', 'fail once'])).code).toBe(7);
  const made = await cli.run(['chat', '--session', 'keep', 'remember this']);
  expect(made.code).toBe(0);
});
afterAll(async () => {
  await fake.close();
  cli.dispose();
});

interface Case {
  name: string;
  args: () => string[];
  options?: () => RunOptions;
  before?: () => void;
  exit: number;
  line: RegExp;
}

const cases: Case[] = [
  { name: 'invalid YAML', args: () => ['--config', file('bad.yml', 'llm: [\n'), 'chat', 'x'], exit: 3, line: /bad\.yml:\d+:\d+: invalid YAML/ },
  { name: 'a wrong type', args: () => ['--config', file('type.yml', 'llm:\n  providers:\n    openrouter:\n      max_tokens: lots\n'), 'chat', 'x'], exit: 3, line: /type\.yml:4: llm\.providers\.openrouter\.max_tokens/ },
  { name: 'an unknown key', args: () => ['--config', file('key.yml', 'llm:\n  colour: red\n'), 'chat', 'x'], exit: 3, line: /key\.yml:2: llm\.colour: unknown key/ },
  { name: 'an unset ${VAR:?}', args: () => ['--config', file('req.yml', 'llm:\n  providers:\n    openrouter:\n      model: "${NEEDED:?set NEEDED}"\n'), 'chat', 'x'], exit: 3, line: /req\.yml:4: NEEDED is not set: set NEEDED/ },
  { name: 'a literal key', args: () => ['--config', file('lit.yml', 'llm:\n  providers:\n    openrouter:\n      api_key: sk-or-v1-1234567890abcdef\n'), 'chat', 'x'], exit: 3, line: /lit\.yml:4: .*literal API key/ },
  { name: 'temperature 3', args: () => ['chat', '-t', '3', 'x'], exit: 2, line: /--temperature: temperature must be between 0 and 2/ },
  { name: 'max tokens 0', args: () => ['chat', '--max-tokens', '0', 'x'], exit: 2, line: /--max-tokens: max tokens must be greater than 0/ },
  { name: 'an empty prompt', args: () => ['chat'], options: () => ({ stdin: '\n\n' }), exit: 2, line: /empty prompt/ },
  { name: 'an unknown model', args: () => ['chat', '-m', 'nobody/nothing', 'x'], before: () => fake.script(errorBodies.invalidModel('nobody/nothing')), exit: 6, line: /model not available \(400\): nobody\/nothing is not a valid model ID/ },
  { name: 'a malformed model id', args: () => ['chat', '-m', 'not a model', 'x'], exit: 2, line: /invalid model id "not a model"/ },
  { name: 'input over the size limit', args: () => ['chat', 'summarise'], options: () => ({ stdin: 'x'.repeat(9 * 1024 * 1024) }), exit: 2, line: /the request is 9\.0 MiB, over the 8\.0 MiB limit/ },
  { name: 'invalid UTF-8 on stdin', args: () => ['chat'], options: () => ({ stdin: Buffer.from([0xc3, 0x28, 0xa0, 0xa1]) }), exit: 2, line: /standard input is not valid UTF-8/ },
];

describe('bad input', () => {
  it.each(cases)('$name: exit $exit, one clear line, state intact', async (item) => {
    const before = snapshot();
    item.before?.();
    const requests = fake.requests.length;
    const result = await cli.run(item.args(), item.options?.() ?? {});
    expect(result.code).toBe(item.exit);
    const lines = result.stderr.trim().split('\n');
    expect(lines[0]).toMatch(/^devsynth-or: /);
    expect(result.stderr).toMatch(item.line);
    expect(result.stderr).not.toMatch(/\n\s+at |Error:/);
    expect(lines.filter((line) => line.startsWith('devsynth-or:'))).toHaveLength(1);
    expect(snapshot()).toEqual(before);
    // Only the unknown model needed the server to say no (and its did-you-mean the catalogue).
    expect(fake.requests.length - requests).toBe(item.name === 'an unknown model' ? 2 : 0);
  });

  it('a corrupt state file is set aside with a warning, and the command goes on', async () => {
    const breakers = join(cli.env.DEVSYNTH_HOME!, 'breakers.json');
    writeFileSync(breakers, '{"breakers": {');
    const result = await cli.run(['chat', 'still works']);
    expect(result.code).toBe(0);
    expect(result.stderr).toMatch(/^devsynth-or: warning: .*breakers\.json was unreadable \(not valid JSON\); moved it to .*corrupt-/);
    // Started afresh: a closed breaker, which is not written until it changes.
    expect(existsSync(breakers) ? JSON.parse(readFileSync(breakers, 'utf8')).breakers.openrouter : 'absent').toEqual('absent');
    expect(readdirSync(cli.env.DEVSYNTH_HOME!).some((name) => name.startsWith('breakers.json.corrupt-'))).toBe(true);
    const kept = JSON.parse(readFileSync(join(cli.env.DEVSYNTH_HOME!, 'sessions', 'keep.json'), 'utf8'));
    expect(kept.messages[0].content).toBe('remember this');
  });

  it('a state folder that cannot be written: the answer, one warning, exit 0', async () => {
    // DEVSYNTH_HOME under a plain file: every mkdir in it fails, whoever runs the test.
    const home = join(file('not-a-folder', ''), 'state');
    for (const args of [['chat', 'hello'], ['embed', 'hello'], ['models']]) {
      const result = await cli.run(args, { env: { DEVSYNTH_HOME: home } });
      expect([args, result.code]).toEqual([args, 0]);
      expect(result.stdout).not.toBe('');
      expect(result.stderr).toMatch(/^devsynth-or: warning: state not saved \(ENOTDIR: not a directory, mkdir '[^']+'\); point DEVSYNTH_HOME at a writable folder\n$/);
    }
  });
});
