// The toolbox against real MCP servers on the official SDK: a stdio server written for the tests
// (test/fixtures/mcp/test-server.mjs) and a streamable HTTP one on 127.0.0.1. Every process a
// test starts is checked to be gone afterwards.
import { readdirSync, readFileSync } from 'node:fs';
import { createServer, type Server as HttpServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it, jest } from '@jest/globals';
import { McpToolbox } from '../../src/app/mcp/toolbox.js';
import type { McpServerSpec } from '../../src/app/mcp/server-specs.js';

// Each test starts real MCP server processes (and the CLI): generous on a loaded machine.
jest.setTimeout(60_000);

const SERVER = new URL('../fixtures/mcp/test-server.mjs', import.meta.url).pathname;
const stdio = (name: string, env: Record<string, string> = {}): McpServerSpec => ({ name, transport: 'stdio', command: process.execPath, args: [SERVER], env });

const open: McpToolbox[] = [];
afterEach(async () => {
  await Promise.all(open.splice(0).map((toolbox) => toolbox.close()));
});

async function start(specs: McpServerSpec[], options: Parameters<typeof McpToolbox.open>[1] = {}): Promise<McpToolbox> {
  const toolbox = await McpToolbox.open(specs, options);
  open.push(toolbox);
  return toolbox;
}

const alive = (pid: number) => {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
};

/** This process's children that run the test server (read from /proc: Linux only, like CI). */
function serverChildren(): number[] {
  return readdirSync('/proc').flatMap((entry) => {
    if (!/^\d+$/.test(entry)) return [];
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
      const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
      return ppid === process.pid && readFileSync(`/proc/${entry}/cmdline`, 'utf8').includes('test-server.mjs') ? [Number(entry)] : [];
    } catch {
      return [];
    }
  });
}

async function noServerChildren(): Promise<boolean> {
  for (let i = 0; i < 100 && serverChildren().length > 0; i++) await new Promise((resolve) => setTimeout(resolve, 50));
  return serverChildren().length === 0;
}

async function gone(pid: number): Promise<boolean> {
  for (let i = 0; i < 100 && alive(pid); i++) await new Promise((resolve) => setTimeout(resolve, 50));
  return !alive(pid);
}

describe('stdio servers', () => {
  it('lists the tools under the names the model sees and calls them', async () => {
    const toolbox = await start([stdio('t')]);
    expect(toolbox.tools.map((tool) => tool.exposedName)).toEqual(['add', 'shout', 'fail', 'env', 'crash', 'sleep', 'pid', 't_files_read']);
    expect(toolbox.find('add')).toMatchObject({ server: 't', name: 'add', description: 'Adds two numbers', inputSchema: { type: 'object' } });
    expect(await toolbox.call('add', { a: 2, b: 40 })).toEqual({ text: '42', isError: false });
    expect(await toolbox.call('t_files_read', {})).toEqual({ text: 'read', isError: false });
  });

  it('tells the model about a tool that failed, or one that does not exist, without stopping', async () => {
    const toolbox = await start([stdio('t')]);
    expect(await toolbox.call('fail', {})).toEqual({ text: 'the tool failed on purpose', isError: true });
    expect(await toolbox.call('nope', {})).toEqual({ text: 'no tool named "nope"', isError: true });
    expect(await toolbox.call('add', { a: 1, b: 1 })).toEqual({ text: '2', isError: false });
  });

  it('gives a server a safe environment: never our API key, plus what the config sets', async () => {
    const saved = process.env.OPENROUTER_API_KEY;
    process.env.OPENROUTER_API_KEY = 'sk-or-v1-must-not-leak';
    try {
      const toolbox = await start([stdio('t', { GREETING: 'hello' })]);
      expect((await toolbox.call('env', { name: 'OPENROUTER_API_KEY' })).text).toBe('(unset)');
      expect((await toolbox.call('env', { name: 'GREETING' })).text).toBe('hello');
      expect((await toolbox.call('env', { name: 'PATH' })).text).not.toBe('(unset)');
    } finally {
      if (saved === undefined) delete process.env.OPENROUTER_API_KEY;
      else process.env.OPENROUTER_API_KEY = saved;
    }
  });

  it('reaps every server process on close', async () => {
    const toolbox = await McpToolbox.open([stdio('a'), stdio('b')]);
    const pids = toolbox.pids;
    expect(pids).toHaveLength(2);
    expect(Number((await toolbox.call('a_pid', {})).text)).toBe(pids[0]);
    await toolbox.close();
    for (const pid of pids) expect(await gone(pid)).toBe(true);
  });

  it('a server that cannot start is exit 7 naming it, with its last words on stderr, and the others are closed', async () => {
    const error = await McpToolbox.open([stdio('good'), stdio('bad', { MCP_TEST_MODE: 'start-fail' })]).catch((e: unknown) => e);
    expect(error).toMatchObject({ name: 'ToolServerError', kind: 'connection', exitCode: 7, server: 'bad' });
    expect((error as Error).message).toMatch(/^MCP server "bad" could not start/);
    expect((error as { hint: string }).hint).toBe('its last words on stderr: boom: cannot open the database at /nowhere');
    expect(await noServerChildren()).toBe(true);
  });

  it('a command that does not exist is exit 7 too', async () => {
    const error = await McpToolbox.open([{ name: 'nx', transport: 'stdio', command: 'devsynth-no-such-command', args: [] }]).catch((e: unknown) => e);
    expect(error).toMatchObject({ kind: 'connection', exitCode: 7 });
    expect((error as Error).message).toMatch(/could not start \("devsynth-no-such-command"\): .*ENOENT/);
  });

  it('a server that never answers is given up on after the start timeout, and its process reaped', async () => {
    const error = await McpToolbox.open([stdio('hang', { MCP_TEST_MODE: 'hang' })], { startTimeoutMs: 500 }).catch((e: unknown) => e);
    expect(error).toMatchObject({ kind: 'connection', exitCode: 7 });
    expect((error as Error).message).toMatch(/could not start .*timed out/i);
    expect(await noServerChildren()).toBe(true);
  });

  it('a server that dies mid-call is exit 7, and so is every later call', async () => {
    const toolbox = await start([stdio('t')]);
    const pid = toolbox.pids[0] as number;
    const error = await toolbox.call('crash', {}).catch((e: unknown) => e);
    expect(error).toMatchObject({ name: 'ToolServerError', exitCode: 7 });
    expect((error as { hint: string }).hint).toBe('its last words on stderr: crashing now');
    await expect(toolbox.call('add', { a: 1, b: 2 })).rejects.toMatchObject({ exitCode: 7 });
    expect(await gone(pid)).toBe(true);
  });

  it('a call cancelled by its signal is CancelledError', async () => {
    const toolbox = await start([stdio('t')]);
    const controller = new AbortController();
    setTimeout(() => controller.abort(), 100);
    await expect(toolbox.call('sleep', { ms: 30_000 }, controller.signal)).rejects.toMatchObject({ name: 'CancelledError', exitCode: 130 });
  });

  it('a call that takes longer than the call timeout is exit 7', async () => {
    const toolbox = await start([stdio('t')], { callTimeoutMs: 200 });
    await expect(toolbox.call('sleep', { ms: 30_000 })).rejects.toMatchObject({ name: 'ToolServerError', exitCode: 7 });
  });
});

describe('streamable HTTP servers', () => {
  let http: HttpServer | undefined;
  afterEach(async () => {
    http?.closeAllConnections();
    await new Promise((resolve) => http?.close(resolve) ?? resolve(undefined));
    http = undefined;
  });

  it('lists and calls tools over HTTP on 127.0.0.1, sending the configured headers', async () => {
    const { Server } = await import('@modelcontextprotocol/sdk/server/index.js');
    const { StreamableHTTPServerTransport } = await import('@modelcontextprotocol/sdk/server/streamableHttp.js');
    const { CallToolRequestSchema, ListToolsRequestSchema } = await import('@modelcontextprotocol/sdk/types.js');
    const seenAuth: Array<string | undefined> = [];
    http = createServer(async (req, res) => {
      seenAuth.push(req.headers.authorization);
      // Stateless: one server and transport per request, as the SDK's stateless example does.
      const server = new Server({ name: 'http-test', version: '1' }, { capabilities: { tools: {} } });
      server.setRequestHandler(ListToolsRequestSchema, async () => ({ tools: [{ name: 'echo', inputSchema: { type: 'object', properties: { text: { type: 'string' } } } }] }));
      server.setRequestHandler(CallToolRequestSchema, async ({ params }) => ({ content: [{ type: 'text', text: `echo: ${String(params.arguments?.text)}` }] }));
      const transport = new StreamableHTTPServerTransport({ sessionIdGenerator: undefined });
      res.on('close', () => void transport.close());
      await server.connect(transport);
      await transport.handleRequest(req, res);
    });
    await new Promise<void>((resolve) => http?.listen(0, '127.0.0.1', resolve));
    const port = (http.address() as AddressInfo).port;
    const toolbox = await start([{ name: 'web', transport: 'http', url: `http://127.0.0.1:${port}/mcp`, headers: { Authorization: 'Bearer test-token' } }]);
    expect(toolbox.tools.map((tool) => tool.exposedName)).toEqual(['echo']);
    expect(await toolbox.call('echo', { text: 'hi' })).toEqual({ text: 'echo: hi', isError: false });
    expect(seenAuth.length).toBeGreaterThan(0);
    expect(seenAuth.every((value) => value === 'Bearer test-token')).toBe(true);
  });

  it('a URL where nothing listens is exit 7', async () => {
    const error = await McpToolbox.open([{ name: 'down', transport: 'http', url: 'http://127.0.0.1:9/mcp' }], { startTimeoutMs: 5000 }).catch((e: unknown) => e);
    expect(error).toMatchObject({ kind: 'connection', exitCode: 7 });
  });
});
