// What a user installs and first reads: the file list of the package (`npm pack`, offline, no
// build: the test run has built dist/ already), the scripts npm runs on an install, and the
// examples of the top-level --help.
import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { promisify } from 'node:util';
import { afterEach, beforeEach, describe, expect, it } from '@jest/globals';
import { type FakeOpenRouter, startFakeOpenRouter } from '../helpers/fake-openrouter.js';
import { type CliSandbox, cliSandbox } from '../helpers/run-cli.js';

const ROOT = new URL('../../', import.meta.url).pathname;
const packageJson = JSON.parse(readFileSync(`${ROOT}package.json`, 'utf8')) as { license: string; scripts: Record<string, string> };

describe('the package', () => {
  it('holds the licence, the changelog, the README, the bin, the build and the default config, and no sources or tests', async () => {
    // --ignore-scripts: only the list, without prepack's build (the suite's pretest built it).
    const { stdout } = await promisify(execFile)('npm', ['pack', '--dry-run', '--json', '--ignore-scripts', '--offline'], { cwd: ROOT, encoding: 'utf8' });
    const [packed] = JSON.parse(stdout) as Array<{ files: Array<{ path: string }> }>;
    const files = packed!.files.map((file) => file.path);
    expect(files).toEqual(expect.arrayContaining(['LICENSE', 'CHANGELOG.md', 'README.md', 'package.json', 'bin/devsynth-or.cjs', 'dist/index.js', 'dist/index.d.ts', 'dist/bundle/cli.cjs', 'dist/bundle/embed.cjs', 'dist/bundle/config-files.cjs', 'dist/bundle/start.cjs', 'config/default.yml']));
    expect(files.filter((path) => /^(src|test|scripts|bench|docs|\.ci)\//.test(path))).toEqual([]);
  }, 60_000);

  it('is under the licence package.json names', () => {
    expect(packageJson.license).toBe('MIT');
    expect(readFileSync(`${ROOT}LICENSE`, 'utf8')).toMatch(/^MIT License\n\nCopyright \(c\) \d{4} the devsynth-or authors\n/);
  });

  it('runs nothing on a user’s install: it is built before packing, and after a checkout’s npm install', () => {
    // npm (11) flags preinstall/install/postinstall, and prepare for a tarball or a git source,
    // as install scripts awaiting approval: `npm install -g ./devsynth-or-*.tgz` warned about
    // prepare. prepack builds what is packed; "dependencies" runs only in the project's own
    // folder after its node_modules changed (a fresh clone's `npm install`, a git install's).
    for (const event of ['preinstall', 'install', 'postinstall', 'prepare']) expect(packageJson.scripts).not.toHaveProperty(event);
    expect(packageJson.scripts).toMatchObject({ prepack: 'npm run build', dependencies: 'npm run build' });
  });
});

describe('the top-level --help', () => {
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

  it('ends with examples of real commands, the first one runnable with no key', async () => {
    const help = await cli.run(['--help']);
    expect(help.code).toBe(0);
    const examples = help.stdout.split('\nExamples:\n')[1]?.split('\n').filter((line) => line.trim() !== '') ?? [];
    expect(examples.length).toBeGreaterThanOrEqual(5);
    const commands = [...help.stdout.matchAll(/^ {2}([a-z]+) /gm)].map((match) => match[1]);
    for (const line of examples) {
      // The command's name: the first word after devsynth-or and its global options.
      const command = /devsynth-or (?:--[a-z-]+ [a-z]+ )*([a-z<]+)/.exec(line)?.[1];
      expect([...commands, '<command']).toContain(command);
    }
    for (const needed of ['chat', 'embed', 'models', '--json', '| jq']) expect(examples.join('\n')).toContain(needed);

    const first = /devsynth-or (.*?) {2,}/.exec(examples[0]!)?.[1];
    expect(first).toBe('--provider offline chat "Say hello"');
    const answer = await cli.run(['--provider', 'offline', 'chat', 'Say hello'], { env: { OPENROUTER_API_KEY: undefined } });
    expect(answer).toMatchObject({ code: 0, stdout: expect.stringContaining('Say hello') });
    expect(fake.requests).toEqual([]);
  });
});
