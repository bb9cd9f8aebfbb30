// `models recommend "<task>"` end to end: the built binary over the known catalogue
// (fake-catalogue.ts rankingModels): the task's words become needs and a policy, the
// constraints filter, TSV in a pipe, --json with reasons, an aligned table in a terminal
// (tmux), and offline from the cache once the server is gone; with nothing cached and no
// network, an error naming `devsynth-or models --refresh`.
import { execFileSync } from 'node:child_process';
import { afterAll, afterEach, beforeAll, describe, expect, it } from '@jest/globals';
import { rankingModels } from '../helpers/fake-catalogue.js';
import { type FakeOpenRouter, startFakeOpenRouter } from '../helpers/fake-openrouter.js';
import { BIN, type CliSandbox, cliSandbox } from '../helpers/run-cli.js';
import { renewingSocket } from '../helpers/tmux.js';

let fake: FakeOpenRouter;
let cli: CliSandbox;
beforeAll(async () => {
  fake = await startFakeOpenRouter({ models: rankingModels() });
  cli = cliSandbox(fake.url);
});
afterAll(async () => {
  await fake.close();
  cli.dispose();
});

const tsv = (stdout: string) => stdout.trimEnd().split('\n').map((line) => line.split('\t'));
const catalogueFetches = () => fake.requests.filter((r) => r.path === '/models').length;

describe('models recommend in a pipe', () => {
  it('a vision task said to be cheap: the cheapest vision models, as TSV rows with reasons', async () => {
    const result = await cli.run(['models', 'recommend', 'describe these screenshots, cheaply']);
    expect(result).toMatchObject({ code: 0, stderr: '' });
    expect(tsv(result.stdout)).toEqual([
      ['1', 'acme/mini-3', '128000', '0.1', '0.4', '128k context; has vision'],
      ['2', 'acme/mini-3:nitro', '128000', '0.2', '0.8', '128k context; has vision'],
      ['3', 'acme/mid-2', '1048576', '2.50', '10.00', '1.05M context; has vision'],
      ['4', 'acme/giant-pro', '200000', '15.00', '60.00', '200k context; has vision'],
    ]);
  });

  it('no keyword: the best policy; routers and embedding models never appear; --limit', async () => {
    const result = await cli.run(['models', 'recommend', 'say hello', '--limit', '3']);
    expect(result.code).toBe(0);
    expect(tsv(result.stdout).map((row) => row[1])).toEqual(['acme/giant-pro', 'acme/mid-2', 'acme/mini-3']);
    const all = await cli.run(['models', 'recommend', 'say hello', '--limit', '50']);
    expect(all.stdout).not.toMatch(/openrouter\/|acme\/embed-1/);
    expect(tsv(all.stdout)).toHaveLength(8);
  });

  it('a long-document task needs 200k of context; a fast task ranks nitro first', async () => {
    const long = await cli.run(['models', 'recommend', 'summarise an entire book']);
    expect(tsv(long.stdout).map((row) => row[1])).toEqual(['acme/giant-pro', 'acme/mid-2']);
    const fast = await cli.run(['models', 'recommend', 'quick answers', '--limit', '2']);
    expect(tsv(fast.stdout).map((row) => [row[1], row[5]])).toEqual([
      ['acme/mini-3:nitro', '128k context; nitro variant (highest-throughput providers)'],
      ['qwen/qwen3-coder-8b', '33k context; small model (8B)'],
    ]);
  });

  it('--json: an array with rank, prices, capabilities, the policy and the reasons', async () => {
    const result = await cli.run(['models', 'recommend', 'python code, cheap', '--json', '--limit', '2']);
    expect(result.code).toBe(0);
    expect(JSON.parse(result.stdout)).toEqual([
      {
        rank: 1,
        id: 'meta/llama-70b-instruct:free',
        name: 'Meta: Llama 70B Instruct (free)',
        context_length: 131072,
        price: { prompt: 0, completion: 0 },
        capabilities: [],
        free: true,
        policy: 'cheapest',
        reasons: ['free', '131k context'],
      },
      {
        rank: 2,
        id: 'qwen/qwen3-coder-8b',
        name: 'Qwen: Qwen3 Coder 8B',
        context_length: 32768,
        price: { prompt: 0.05, completion: 0.2 },
        capabilities: ['tools'],
        free: false,
        policy: 'cheapest',
        reasons: ['$0.05/M in, $0.2/M out', '33k context', 'named for code'],
      },
    ]);
  });

  it('the constraints: --max-price, --min-context, --free, --pick', async () => {
    const cheap = await cli.run(['models', 'recommend', 'say hello', '--max-price', '0.1', '--pick', 'cheapest']);
    expect(tsv(cheap.stdout).map((row) => row[1])).toEqual(['meta/llama-70b-instruct:free', 'old/legacy-4k', 'qwen/qwen3-coder-8b', 'acme/mini-3']);
    const big = await cli.run(['models', 'recommend', 'say hello', '--min-context', '150000', '--json']);
    expect(JSON.parse(big.stdout).map((m: { id: string }) => m.id)).toEqual(['acme/giant-pro', 'acme/mid-2']);
    const free = await cli.run(['models', 'recommend', 'say hello', '--free']);
    expect(tsv(free.stdout).map((row) => row[1])).toEqual(['meta/llama-70b-instruct:free']);
    const none = await cli.run(['models', 'recommend', 'read these images', '--free']);
    expect(none).toMatchObject({ code: 0, stdout: '', stderr: 'devsynth-or: no model fits (--free rules out 7 of 8)\n' });
    const bad = await cli.run(['models', 'recommend', 'x', '--pick', 'smartest']);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/argument 'smartest' is invalid/);
    // Subcommands' parse errors go to the one handler too (commander's own exit was 1).
    const show = await cli.run(['models', 'show', 'acme/mini-3', '--bogus']);
    expect(show).toMatchObject({ code: 2, stderr: expect.stringMatching(/unknown option '--bogus'/) });
  });

  it('works offline from the cache: the server stopped, the same answer, no request', async () => {
    const own = await startFakeOpenRouter({ models: rankingModels() });
    const sandbox = cliSandbox(own.url);
    try {
      const online = await sandbox.run(['models', 'recommend', 'prove a theorem step by step']);
      expect(online.code).toBe(0);
      await own.close();
      const offline = await sandbox.run(['models', 'recommend', 'prove a theorem step by step']);
      expect(offline).toEqual({ code: 0, signal: null, stdout: online.stdout, stderr: '' });
      expect(tsv(offline.stdout).map((row) => row[1])).toEqual(['acme/giant-pro']);
    } finally {
      await own.close();
      sandbox.dispose();
    }
  });

  it('nothing cached and no network: exit 7, naming devsynth-or models --refresh', async () => {
    const own = await startFakeOpenRouter({ models: rankingModels() });
    const url = own.url;
    await own.close();
    const sandbox = cliSandbox(url);
    try {
      const result = await sandbox.run(['models', 'recommend', 'anything']);
      expect(result.code).toBe(7);
      expect(result.stdout).toBe('');
      expect(result.stderr).toMatch(/no model list is cached and it could not be fetched/);
      expect(result.stderr).toMatch(/devsynth-or models --refresh/);
    } finally {
      sandbox.dispose();
    }
  }, 60_000);

  it('another provider: exit 2 (the ranking reads OpenRouter catalogue)', async () => {
    const result = await cli.run(['models', 'recommend', 'anything'], { env: { DEVSYNTH_PROVIDER: 'offline' } });
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/ranks OpenRouter's catalogue; the provider is offline/);
  });

  it('is answered from the cache without a second fetch', async () => {
    const before = catalogueFetches();
    await cli.run(['models', 'recommend', 'a']);
    await cli.run(['models', 'recommend', 'b']);
    expect(catalogueFetches()).toBe(before);
  });
});

describe('models recommend in a terminal', () => {
  const socket = renewingSocket('devsynth-recommend');
  const quote = (value: string) => `'${value.replace(/'/g, "'\\''")}'`;
  const tmux = (...args: string[]) => execFileSync('tmux', ['-L', socket.name, '-f', '/dev/null', ...args], { encoding: 'utf8' });
  afterEach(() => socket.stop());

  it('an aligned table with a header, and what the task was read as on stderr', async () => {
    await cli.run(['models', 'recommend', 'warm the cache']);
    const env = Object.entries({ ...cli.env, TERM: 'xterm-256color' }).map(([k, v]) => `${k}=${quote(v)}`).join(' ');
    const command = `env -i ${env} ${quote(process.execPath)} ${quote(BIN)} models recommend ${quote('describe screenshots cheaply')} --limit 2; echo EXIT=$?; sleep 60`;
    tmux('new-session', '-d', '-s', 'ui', '-x', '200', '-y', '20', command);
    let text = '';
    for (const until = Date.now() + 30_000; Date.now() < until && !text.includes('EXIT='); await new Promise((resolve) => setTimeout(resolve, 50))) {
      text = tmux('capture-pane', '-p', '-t', 'ui:0');
    }
    const lines = text.split('\n').map((line) => line.trimEnd()).filter(Boolean);
    expect(lines[0]).toBe('devsynth-or: needs vision; policy cheapest');
    expect(lines[1]).toMatch(/^#\s+id\s+context\s+\$\/M in\s+\$\/M out\s+why$/);
    expect(lines[2]).toMatch(/^1\s+acme\/mini-3\s+128000\s+0\.1\s+0\.4\s+128k context; has vision$/);
    expect(lines[3]).toMatch(/^2\s+acme\/mini-3:nitro\s+128000\s+0\.2\s+0\.8\s+128k context; has vision$/);
    expect(lines[4]).toBe('EXIT=0');
  }, 60_000);
});
