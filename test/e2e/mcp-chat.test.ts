// chat with MCP tools, from the built binary: the fake OpenRouter asks for tool calls, the test
// MCP server (test/fixtures/mcp/test-server.mjs) runs them, and the results go back to the model.
// In a pipe only --allow-tool tools run; in a terminal (tmux) the user is asked.
import { execFileSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it, jest } from '@jest/globals';
import { type FakeOpenRouter, startFakeOpenRouter } from '../helpers/fake-openrouter.js';
import { BIN, type CliSandbox, cliSandbox } from '../helpers/run-cli.js';
import { ptyHarness, shellQuote as quote } from '../helpers/tmux.js';

// Each test starts real MCP server processes (and the CLI): generous on a loaded machine.
jest.setTimeout(60_000);

const SERVER = new URL('../fixtures/mcp/test-server.mjs', import.meta.url).pathname;
const MCP = `${JSON.stringify(process.execPath)} ${JSON.stringify(SERVER)}`;

let fake: FakeOpenRouter;
let cli: CliSandbox;
beforeEach(async () => {
  fake = await startFakeOpenRouter();
  cli = cliSandbox(fake.url);
});
afterEach(async () => {
  await fake.close();
  cli.dispose();
  expect(fake.violations).toEqual([]);
});

type Message = { role: string; content: unknown; tool_call_id?: string; tool_calls?: Array<{ id: string; function: { name: string; arguments: string } }> };
const chatBodies = () => fake.requests.filter((r) => r.path === '/chat/completions').map((r) => r.body as { messages: Message[]; tools?: Array<{ function: { name: string } }> });
const toolMessages = (index: number) => (chatBodies()[index]?.messages ?? []).filter((m) => m.role === 'tool');

describe('chat --mcp in a pipe', () => {
  it('offers the tools, runs an allowed call and sends its result back; the answer is the last step\'s', async () => {
    fake.script(
      { kind: 'tool-calls', calls: [{ id: 'call_1', name: 'add', arguments: { a: 2, b: 40 } }] },
      { kind: 'reply', content: ['The sum', ' is 42.'] },
    );
    const result = await cli.run(['chat', '--mcp', MCP, '--allow-tool', 'add', 'What is 2 + 40?']);
    expect(result.code).toBe(0);
    expect(result.stdout).toBe('The sum is 42.\n');
    expect(result.stderr).toBe('devsynth-or: ⚙ add {"a":2,"b":40}\ndevsynth-or: ↳ 42\n');
    const bodies = chatBodies();
    expect(bodies).toHaveLength(2);
    expect(bodies[0]?.tools?.map((tool) => tool.function.name)).toEqual(['add', 'shout', 'fail', 'env', 'crash', 'sleep', 'pid', 'test_files_read']);
    expect(toolMessages(1)).toEqual([{ role: 'tool', tool_call_id: 'call_1', content: '42' }]);
    expect(bodies[1]?.messages.find((m) => m.role === 'assistant')?.tool_calls?.[0]?.function).toEqual({ name: 'add', arguments: '{"a":2,"b":40}' });
  });

  it('refuses a tool nobody allowed, tells the model why, and never runs it', async () => {
    fake.script(
      { kind: 'tool-calls', calls: [{ id: 'call_1', name: 'crash', arguments: {} }] },
      { kind: 'reply', content: ['I could not run it.'] },
    );
    const result = await cli.run(['chat', '--mcp', MCP, 'Crash the server']);
    // Had it run, the server would have exited and the chat with it (exit 7).
    expect(result.code).toBe(0);
    expect(result.stdout).toBe('I could not run it.\n');
    const [message] = toolMessages(1);
    expect(message?.content).toMatch(/^error: the user has not allowed the tool crash to run here/);
    expect(result.stderr).toContain('devsynth-or: ✗ error: the user has not allowed the tool crash');
  });

  it('allow_tools in the config allows as --allow-tool does; a tool\'s own failure is told to the model', async () => {
    const config = join(cli.home, 'tools.yml');
    writeFileSync(config, `mcp_servers:\n  calc:\n    command: ${JSON.stringify(process.execPath)}\n    args: [${JSON.stringify(SERVER)}]\nallow_tools: [fail, shout]\n`);
    fake.script(
      { kind: 'tool-calls', calls: [{ id: 'c1', name: 'fail', arguments: {} }, { id: 'c2', name: 'shout', arguments: { text: 'hi' } }] },
      { kind: 'reply', content: ['Done.'] },
    );
    const result = await cli.run(['--config', config, 'chat', 'Go']);
    expect(result.code).toBe(0);
    expect(toolMessages(1)).toEqual([
      { role: 'tool', tool_call_id: 'c1', content: 'the tool failed on purpose' },
      { role: 'tool', tool_call_id: 'c2', content: 'HI' },
    ]);
  });

  it('--json carries the calls; -q says nothing of them on stderr', async () => {
    fake.script({ kind: 'tool-calls', calls: [{ id: 'call_1', name: 'add', arguments: { a: 1, b: 2 } }] }, { kind: 'reply', content: ['3'] });
    const result = await cli.run(['chat', '--json', '-q', '--mcp', MCP, '--allow-tool', 'add', 'Add']);
    expect(result.code).toBe(0);
    expect(result.stderr).toBe('');
    const json = JSON.parse(result.stdout) as Record<string, unknown>;
    expect(json.content).toBe('3');
    expect(json.tool_calls).toEqual([{ id: 'call_1', name: 'add', arguments: { a: 1, b: 2 } }]);
    // Usage summed over both model calls.
    expect((json.usage as { total_tokens: number }).total_tokens).toBeGreaterThan(0);
  });

  it('--format stream-json shows each call and its result as events', async () => {
    fake.script({ kind: 'tool-calls', calls: [{ id: 'call_1', name: 'add', arguments: { a: 1, b: 2 } }] }, { kind: 'reply', content: ['3'] });
    const result = await cli.run(['chat', '--format', 'stream-json', '--mcp', MCP, '--allow-tool', 'add', 'Add']);
    expect(result.code).toBe(0);
    const events = result.stdout.trimEnd().split('\n').map((line) => JSON.parse(line) as { type: string; [k: string]: unknown });
    expect(events.find((event) => event.type === 'tool_call')).toMatchObject({ name: 'add', arguments: { a: 1, b: 2 } });
    expect(events.find((event) => event.type === 'tool_result')).toMatchObject({ name: 'add', content: '3', is_error: false });
    expect(events.at(-1)).toMatchObject({ type: 'result', content: '3' });
  });

  it('stops after --max-steps model calls and says so', async () => {
    fake.script(
      { kind: 'tool-calls', calls: [{ id: 'c1', name: 'add', arguments: { a: 1, b: 1 } }] },
      { kind: 'tool-calls', calls: [{ id: 'c2', name: 'add', arguments: { a: 2, b: 2 } }] },
    );
    const result = await cli.run(['chat', '--mcp', MCP, '--allow-tool', 'add', '--max-steps', '2', 'Loop']);
    expect(result.code).toBe(0);
    expect(chatBodies()).toHaveLength(2);
    expect(result.stderr).toContain('devsynth-or: warning: stopped after 2 model calls with tool calls still asked for (--max-steps)');
  });

  it('a server that dies during a call is exit 7, naming it', async () => {
    fake.script({ kind: 'tool-calls', calls: [{ id: 'c1', name: 'crash', arguments: {} }] });
    const result = await cli.run(['chat', '--mcp', MCP, '--allow-tool', 'crash', 'Crash']);
    expect(result.code).toBe(7);
    expect(result.stderr).toMatch(/^devsynth-or: ⚙ crash \{\}\ndevsynth-or: MCP server "test" exited\nhint: its last words on stderr: crashing now\n$/);
  });

  it('a server that cannot start is exit 7 before any request', async () => {
    const result = await cli.run(['chat', '--mcp', 'devsynth-no-such-server', 'Hi']);
    expect(result.code).toBe(7);
    expect(chatBodies()).toHaveLength(0);
  });
});

describe('chat --mcp in a terminal: the user is asked', () => {
  const pty = ptyHarness('devsynth-mcp-chat');
  const { tmux, waitFor } = pty;
  /** An argument the test server ignores, to find this test's server among others' in `ps`. */
  const tag = `--tag=mcp-chat-${process.pid}-${Date.now()}`;
  function start(prompt: string): void {
    const env = Object.entries({ ...cli.env, TERM: 'xterm-256color' }).map(([k, v]) => `${k}=${quote(v)}`).join(' ');
    const command = `env -i ${env} ${quote(process.execPath)} ${quote(BIN)} chat --mcp ${quote(`${MCP} ${tag}`)} ${quote(prompt)}; echo EXIT=$?; sleep 30`;
    tmux('new-session', '-d', '-s', 'ui', '-x', '120', '-y', '30', command);
  }
  beforeAll(() => {
    execFileSync('tmux', ['-V']);
  });
  afterEach(() => pty.stop());
  afterAll(() => pty.stop());

  it('y runs the call; n refuses it and the model is told', async () => {
    fake.script(
      { kind: 'tool-calls', calls: [{ id: 'c1', name: 'add', arguments: { a: 2, b: 3 } }] },
      { kind: 'tool-calls', calls: [{ id: 'c2', name: 'shout', arguments: { text: 'no' } }] },
      { kind: 'reply', content: ['All done.'] },
    );
    start('Use the tools');
    await waitFor((text) => text.includes('Run the tool add (test) with {"a":2,"b":3}?'));
    tmux('send-keys', '-t', 'ui', 'y');
    await waitFor((text) => text.includes('Run the tool shout (test) with {"text":"no"}?'));
    tmux('send-keys', '-t', 'ui', 'n');
    const shown = await waitFor((text) => text.includes('EXIT='));
    expect(shown).toContain('EXIT=0');
    expect(shown).toContain('All done.');
    expect(shown).toContain('⚙ add {"a":2,"b":3}');
    expect(shown).toContain('↳ 5');
    expect(shown).toContain('✗ error: the user declined to run the tool shout');
    expect(toolMessages(1)).toEqual([{ role: 'tool', tool_call_id: 'c1', content: '5' }]);
    expect(toolMessages(2).at(-1)).toEqual({ role: 'tool', tool_call_id: 'c2', content: 'error: the user declined to run the tool shout' });
  }, 90_000);

  it('a (always) runs that tool again without asking, for the rest of the run', async () => {
    fake.script(
      { kind: 'tool-calls', calls: [{ id: 'c1', name: 'add', arguments: { a: 1, b: 1 } }] },
      { kind: 'tool-calls', calls: [{ id: 'c2', name: 'add', arguments: { a: 2, b: 2 } }] },
      { kind: 'reply', content: ['Both summed.'] },
    );
    start('Add twice');
    await waitFor((text) => text.includes('Run the tool add'));
    tmux('send-keys', '-t', 'ui', 'a');
    const shown = await waitFor((text) => text.includes('EXIT='));
    expect(shown).toContain('EXIT=0');
    expect(shown).toContain('Both summed.');
    expect(toolMessages(2).map((m) => m.content)).toEqual(['2', '4']);
  }, 90_000);

  it('Ctrl+C at the question interrupts the run (exit 130), and the server is reaped', async () => {
    fake.script({ kind: 'tool-calls', calls: [{ id: 'c1', name: 'add', arguments: { a: 1, b: 1 } }] });
    start('Add');
    await waitFor((text) => text.includes('Run the tool add'));
    tmux('send-keys', '-t', 'ui', 'C-c');
    const shown = await waitFor((text) => text.includes('EXIT='));
    expect(shown).toContain('EXIT=130');
    expect(chatBodies()).toHaveLength(1);
    // No test server left running: it was a child of the chat, which reaped it before exiting.
    const left = execFileSync('ps', ['-eo', 'args'], { encoding: 'utf8' }).split('\n').filter((line) => line.startsWith(process.execPath) && line.endsWith(tag));
    expect(left).toEqual([]);
  }, 90_000);
});
