// --web from the built binary: the web plugin in the request (checked against the OpenAPI
// spec), and the answer's url_citation annotations listed after it: on stderr in a pipe (stdout
// stays the answer), in --json as `citations`, on the terminal after the live UI (tmux), all
// terminal-safe.
import { execFileSync } from 'node:child_process';
import { afterEach, beforeEach, describe, expect, it } from '@jest/globals';
import { type FakeOpenRouter, startFakeOpenRouter, urlCitation } from '../helpers/fake-openrouter.js';
import { validateChatRequest } from '../helpers/openapi.js';
import { BIN, type CliSandbox, cliSandbox } from '../helpers/run-cli.js';
import { renewingSocket } from '../helpers/tmux.js';

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

const chats = () => fake.requests.filter((r) => r.path === '/chat/completions');
const CITED = [urlCitation('https://nodejs.org/en/blog/release/v24.0.0', 'Node.js 24 released'), urlCitation('https://example.org/news', 'Some news')];

describe('--web sends the web plugin', () => {
  it.each<[string[], unknown]>([
    [['--web'], [{ id: 'web' }]],
    [['--web', '--web-max-results', '3'], [{ id: 'web', max_results: 3 }]],
    [['--web-max-results', '7'], [{ id: 'web', max_results: 7 }]],
  ])('%j', async (args, plugins) => {
    const result = await cli.run(['chat', ...args, 'news?']);
    expect(result.code).toBe(0);
    const [request] = chats();
    expect(request?.invalid).toBeUndefined();
    expect(validateChatRequest(request?.body)).toEqual([]);
    expect(request?.body?.plugins).toEqual(plugins);
  });

  it('no --web, no plugins', async () => {
    expect((await cli.run(['chat', 'hi'])).code).toBe(0);
    expect(chats()[0]?.body).not.toHaveProperty('plugins');
  });
});

describe('the sources the answer cites', () => {
  it('in a pipe: the answer alone on stdout, the sources on stderr', async () => {
    fake.script({ kind: 'reply', content: ['Node 24', ' is out.'], annotations: CITED });
    const result = await cli.run(['chat', '--web', 'news?']);
    expect(result.code).toBe(0);
    expect(result.stdout).toBe('Node 24 is out.\n');
    expect(result.stderr).toBe('Sources:\n  [1] Node.js 24 released https://nodejs.org/en/blog/release/v24.0.0\n  [2] Some news https://example.org/news\n');
  });

  it('-q: none on stderr', async () => {
    fake.script({ kind: 'reply', annotations: CITED });
    const result = await cli.run(['chat', '-q', '--web', 'news?']);
    expect(result.code).toBe(0);
    expect(result.stderr).toBe('');
  });

  it.each([true, false])('--json lists them as citations (streaming: %s)', async (stream) => {
    fake.script({ kind: 'reply', annotations: [...CITED, CITED[0] as Record<string, unknown>] });
    const result = await cli.run(['chat', '--json', '--web', ...(stream ? [] : ['--no-stream']), 'news?']);
    expect(result.code).toBe(0);
    expect(JSON.parse(result.stdout).citations).toEqual([
      { url: 'https://nodejs.org/en/blog/release/v24.0.0', title: 'Node.js 24 released' },
      { url: 'https://example.org/news', title: 'Some news' },
    ]);
    expect(result.stderr).toBe('');
  });

  it('hostile titles and URLs reach stderr terminal-safe', async () => {
    fake.script({ kind: 'reply', annotations: [urlCitation('https://evil.example/\u001b]0;pwned\u0007x', 'Title\u001b[2J\u202eevil')] });
    const result = await cli.run(['chat', '--web', 'news?']);
    expect(result.code).toBe(0);
    expect(result.stderr).toContain('Sources:');
    expect(result.stderr).not.toMatch(/[\u001b\u0007\u202e]/);
  });
});

const socket = renewingSocket('devsynth-web');
const tmux = (...args: string[]) => execFileSync('tmux', ['-L', socket.name, ...args], { encoding: 'utf8' });
const quote = (value: string) => `'${value.replace(/'/g, "'\\''")}'`;

describe('in the terminal UI (tmux)', () => {
  afterEach(() => socket.stop());

  it('the sources follow the answer on the terminal', async () => {
    fake.script({ kind: 'reply', content: ['Node 24', ' is out.'], annotations: CITED });
    const env = Object.entries({ ...cli.env, TERM: 'xterm-256color' }).map(([k, v]) => `${k}=${quote(v)}`).join(' ');
    tmux('new-session', '-d', '-s', 'ui', '-x', '100', '-y', '24', `env -i ${env} ${quote(process.execPath)} ${quote(BIN)} chat --web 'news?'; echo EXIT=$?; sleep 30`);
    let screen = '';
    for (const until = Date.now() + 20_000; Date.now() < until && !/EXIT=\d/.test(screen); ) {
      await new Promise((resolve) => setTimeout(resolve, 100));
      screen = tmux('capture-pane', '-p', '-t', 'ui');
    }
    expect(screen).toContain('EXIT=0');
    expect(screen).toMatch(/Node 24 is out\.[\s\S]*Sources:\n {2}\[1\] Node\.js 24 released https:\/\/nodejs\.org\/en\/blog\/release\/v24\.0\.0\n {2}\[2\] Some news https:\/\/example\.org\/news\n/);
  });
});
