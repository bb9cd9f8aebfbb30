// The completion scripts run in the real shells: bash (the completion function called as
// `complete -F` would, with COMP_WORDS split as bash splits them), zsh (compsys in an
// interactive zsh in a pty, through zpty: the matches compadd accepted) and fish
// (`complete -C`). `devsynth-or` on their PATH is the built binary, its state a sandbox whose
// catalogue caches were filled from the fake OpenRouter. .ci/run installs zsh and fish.
import { execFile, execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { defaultModels } from '../helpers/fake-catalogue.js';
import { type FakeOpenRouter, startFakeOpenRouter } from '../helpers/fake-openrouter.js';
import { BIN, type CliSandbox, cliSandbox } from '../helpers/run-cli.js';

const run = promisify(execFile);

/** A catalogue id that runs a command if a script ever evaluates it (it creates ./pwned). */
const HOSTILE_ID = 'evil/$(touch${IFS}pwned)';

let fake: FakeOpenRouter;
let cli: CliSandbox;
/** The shells' working directory (holds notes.txt for file completion). */
let work: string;
let env: Record<string, string>;
const scripts: Record<string, string> = {};
let zshDump: string;

/** Types a line and Tab in an interactive zsh in a pty; see the script. */
const ZSH_DRIVER = new URL('./completion-zsh-driver.zsh', import.meta.url).pathname;

/** A shell word as typed back: the backslash escapes of bash's %q and zsh's quoting removed. */
const unescape = (word: string) => word.replace(/\\(.)/g, '$1');

/** What each shell completes `line` (the cursor at its end) to: whole words, sorted. */
const complete: Record<string, (line: string) => Promise<string[]>> = {
  async bash(line) {
    // COMP_WORDS as bash makes them: split at blanks, then at COMP_WORDBREAKS (':' and '=').
    const tokens = line.split(/[ \t]+/);
    const words = tokens.flatMap((token, index) => {
      const parts = token.split(/([:=])/).filter((part) => part !== '');
      return index === tokens.length - 1 && parts.length === 0 ? [''] : parts;
    });
    const cword = words.length - 1;
    const program = `source "$1"; COMP_LINE="$2"; COMP_POINT=\${#2}; COMP_CWORD=$3; shift 3; COMP_WORDS=("$@")
fn=$(complete -p devsynth-or | sed -n 's/.*-F \\([^ ]*\\).*/\\1/p')
"$fn" devsynth-or "\${COMP_WORDS[COMP_CWORD]}" "\${COMP_WORDS[COMP_CWORD-1]}"
printf '%s\\n' "\${COMPREPLY[@]}"`;
    const { stdout } = await run('bash', ['--norc', '--noprofile', '-c', program, 'bash', scripts.bash!, line, String(cword), ...words], { env, cwd: work, timeout: 60_000 });
    // Bash replaces only its own current word: what follows the last ':' or '='.
    const whole = tokens[tokens.length - 1]!;
    const kept = whole.slice(0, whole.length - words[cword]!.length);
    return settle(stdout.split('\n').filter(Boolean).map((reply) => kept + unescape(reply)));
  },
  async zsh(line) {
    const out = join(cli.home, 'zsh-matches');
    await run('zsh', ['-f', ZSH_DRIVER, line], { env: { ...env, SCRIPT: scripts.zsh!, OUT: out, DUMP: zshDump, TERM: 'dumb' }, cwd: work, timeout: 60_000 });
    const lines = readFileSync(out, 'utf8').split('\n').filter(Boolean);
    expect(lines).toContain('<end>');
    return settle(lines.filter((l) => l !== '<end>').map(unescape));
  },
  async fish(line) {
    const { stdout } = await run('fish', ['--no-config', '-c', 'source $argv[1]; complete -C $argv[2]', scripts.fish!, line], { env, cwd: work, timeout: 60_000 });
    return settle(stdout.split('\n').filter(Boolean).map((entry) => entry.split('\t')[0]!));
  },
};
const settle = (words: string[]) => [...new Set(words)].sort();

beforeAll(async () => {
  // Fails loudly rather than skipping: a missing shell is a broken test machine.
  for (const shell of ['bash', 'zsh', 'fish']) execFileSync(shell, ['--version']);
  fake = await startFakeOpenRouter({ models: [...defaultModels(), { ...defaultModels()[2], id: HOSTILE_ID }] });
  cli = cliSandbox(fake.url);
  // The caches the scripts read: filled by the CLI itself, from the fake catalogue.
  expect((await cli.run(['models'])).code).toBe(0);
  expect((await cli.run(['models', '--embeddings'])).code).toBe(0);
  expect((await cli.run(['--provider', 'offline', 'models'])).code).toBe(0);
  const bin = join(cli.home, 'bin');
  work = join(cli.home, 'work');
  mkdirSync(bin);
  mkdirSync(work);
  writeFileSync(join(work, 'notes.txt'), 'a line\n');
  // A user's templates and an alias: names the scripts get from the CLI (__templates, __models).
  const userConfig = join(cli.env.XDG_CONFIG_HOME!, 'devsynth');
  mkdirSync(join(userConfig, 'templates'), { recursive: true });
  writeFileSync(join(userConfig, 'templates', 'review.yml'), 'prompt: "Review {{input}}"\n');
  writeFileSync(join(userConfig, 'templates', 'summary.yml'), 'system: Summarise.\n');
  writeFileSync(join(userConfig, 'config.yml'), 'aliases:\n  fast: openai/gpt-4o-mini\n');
  // With work/raw-ids present, `__models` answers with that file as it is: what a script must
  // withstand from any source of ids (the CLI itself offers only plain ones).
  writeFileSync(
    join(bin, 'devsynth-or'),
    `#!/bin/sh\nif [ "$1" = __models ] && [ -f '${work}/raw-ids' ]; then cat '${work}/raw-ids'; exit 0; fi\nexec '${process.execPath}' '${BIN}' "$@"\n`,
    { mode: 0o755 },
  );
  env = { ...cli.env, PATH: `${bin}:${process.env.PATH ?? ''}` };
  for (const shell of ['bash', 'zsh', 'fish']) {
    scripts[shell] = join(cli.home, `completion.${shell}`);
    const result = await cli.run(['completion', shell]);
    expect(result.code).toBe(0);
    writeFileSync(scripts[shell]!, result.stdout);
  }
  zshDump = join(cli.home, 'zcompdump');
  execFileSync('zsh', ['-f', '-c', 'autoload -Uz compinit; compinit -u -d "$1"', 'zsh', zshDump], { env, timeout: 120_000 });
}, 180_000);

afterAll(async () => {
  await fake?.close();
  cli?.dispose();
});

const PROVIDERS = ['lmstudio', 'local', 'offline', 'openai', 'openrouter'];

interface Case {
  line: string;
  /** Exactly these, or (with `includes`/`excludes`) at least and none of these. */
  exactly?: string[];
  includes?: string[];
  excludes?: string[];
}

const CASES: Array<[string, Case]> = [
  ['a subcommand of models', { line: 'devsynth-or models sh', exactly: ['show'] }],
  ['a subcommand of config', { line: 'devsynth-or config pa', exactly: ['path'] }],
  ['the subcommands of auth', { line: 'devsynth-or auth lo', exactly: ['login', 'logout'] }],
  ['the shells of completion', { line: 'devsynth-or completion ', exactly: ['bash', 'fish', 'zsh'] }],
  ['the values of --sort', { line: 'devsynth-or models --sort ', exactly: ['context', 'id', 'price'] }],
  ['a value of --sort=', { line: 'devsynth-or models --sort=p', exactly: ['--sort=price'] }],
  [
    "chat's flags after a global flag and its value",
    { line: 'devsynth-or --provider offline chat -', includes: ['-m', '--model', '-s', '-q', '--no-stream', '--fallback-model', '--config', '--help'], excludes: ['--embeddings', '--refresh', '--batch-size', '-V'] },
  ],
  ["models' subcommand after --config and its file", { line: 'devsynth-or --config x.yml models ', exactly: ['recommend', 'show'] }],
  ['the providers', { line: 'devsynth-or --provider ', exactly: PROVIDERS }],
  ['the providers after --provider=', { line: 'devsynth-or models --provider=o', exactly: ['--provider=offline', '--provider=openai', '--provider=openrouter'] }],
  ['chat models (not embedding models) for chat -m', { line: 'devsynth-or chat -m openai/', exactly: ['openai/gpt-4', 'openai/gpt-4o-mini'] }],
  ['embedding models for embed -m', { line: 'devsynth-or embed -m openai/', exactly: ['openai/text-embedding-3-large', 'openai/text-embedding-3-small'] }],
  ['an id with a colon, whole', { line: 'devsynth-or chat --model meta-llama/llama-3.3-70b-instruct:f', exactly: ['meta-llama/llama-3.3-70b-instruct:free'] }],
  ['model ids for models show', { line: 'devsynth-or models show openai/gpt-4o', exactly: ['openai/gpt-4o-mini'] }],
  // The config's aliases are model names for any provider.
  ['the model ids of the provider named before the command', { line: 'devsynth-or --provider offline chat -m ', exactly: ['fast', 'offline/echo'] }],
  ['the model ids of the default provider, through the full CLI', { line: 'devsynth-or --provider openrouter chat -m openai/gpt-4o', exactly: ['openai/gpt-4o-mini'] }],
  ['alias names for chat -m', { line: 'devsynth-or chat -m fa', exactly: ['fast'] }],
  ['alias names for --fallback-model', { line: 'devsynth-or chat --fallback-model f', exactly: ['fast'] }],
  ['the subcommands of templates', { line: 'devsynth-or templates ', exactly: ['edit', 'list', 'path', 'show'] }],
  ['template names for chat --template', { line: 'devsynth-or chat --template re', exactly: ['review'] }],
  ['template names for templates show', { line: 'devsynth-or templates show ', exactly: ['review', 'summary'] }],
  ['files for embed --file', { line: 'devsynth-or embed --file no', exactly: ['notes.txt'] }],
];

describe.each(['bash', 'zsh', 'fish'])('%s completes', (shell) => {
  it.each(CASES)('%s', async (_name, { line, exactly, includes, excludes }) => {
    const words = await complete[shell]!(line);
    if (exactly) expect(words).toEqual([...exactly].sort());
    for (const word of includes ?? []) expect(words).toContain(word);
    for (const word of excludes ?? []) expect(words).not.toContain(word);
  }, 60_000);

  it('a hostile catalogue id is not offered by the CLI', async () => {
    expect(await complete[shell]!('devsynth-or chat -m ev')).toEqual([]);
    expect(await complete[shell]!('devsynth-or chat -m ')).not.toContain(HOSTILE_ID);
  }, 60_000);

  it('a hostile id reaching the script anyway is offered as text, never run', async () => {
    rmSync(join(work, 'pwned'), { force: true });
    writeFileSync(join(work, 'raw-ids'), `${HOSTILE_ID}\nopenai/gpt-4o\n`);
    try {
      expect(await complete[shell]!('devsynth-or chat -m ev')).toEqual([HOSTILE_ID]);
      expect(await complete[shell]!('devsynth-or chat -m ')).toContain(HOSTILE_ID);
      expect(existsSync(join(work, 'pwned'))).toBe(false);
    } finally {
      rmSync(join(work, 'raw-ids'), { force: true });
    }
  }, 60_000);
});
