// The MCP servers of one run, started together through the official SDK, and their tools under
// the names the model sees. Every server is closed (its process reaped: stdin closed, then
// SIGTERM, then SIGKILL, as the SDK's stdio transport does) whatever happens: close() is called
// in a finally by every user of a toolbox, and a failed start closes the ones already started.
import type { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { CancelledError, DevsynthError, redactSecrets, ToolServerError } from '../../core/index.js';
import type { McpServerSpec } from './server-specs.js';
import { exposedNames } from './tool-names.js';
import { type ToolResultText, toolResultText } from './tool-result.js';

export interface ToolboxTool {
  server: string;
  /** The tool's name on its server. */
  name: string;
  /** The name the model sees (valid for OpenRouter, unique in this toolbox). */
  exposedName: string;
  description?: string;
  inputSchema: Record<string, unknown>;
}

export interface ToolboxOptions {
  /** Redacted debug log: server stderr lines and lifecycle. */
  debug?: (line: string) => void;
  /** Environment the stdio servers inherit before their own `env` (default: the SDK's safe subset). */
  baseEnv?: Record<string, string>;
  /** Values redacted from what a server wrote on stderr before it is quoted in an error. */
  secrets?: readonly string[];
  startTimeoutMs?: number;
  callTimeoutMs?: number;
  signal?: AbortSignal;
}

/** The last lines a server wrote on stderr, for the error that says why it failed. */
const STDERR_TAIL_CHARS = 2000;

interface Connection {
  spec: McpServerSpec;
  client: Client;
  /** Set when the server went away; calls then fail at once with it. */
  gone?: string;
  stderrTail: () => string;
  pid?: number | null;
}

export class McpToolbox {
  private constructor(
    private readonly connections: Connection[],
    readonly tools: ToolboxTool[],
    private readonly options: ToolboxOptions,
  ) {}

  /** Starts every server (in parallel) and lists its tools; any failure closes the others and throws. */
  static async open(specs: readonly McpServerSpec[], options: ToolboxOptions = {}): Promise<McpToolbox> {
    // The SDK is loaded once before the servers start in parallel.
    await import('@modelcontextprotocol/sdk/client/index.js');
    const started = await Promise.allSettled(specs.map((spec) => connect(spec, options)));
    const connections = started.flatMap((outcome) => (outcome.status === 'fulfilled' ? [outcome.value] : []));
    const failed = started.find((outcome): outcome is PromiseRejectedResult => outcome.status === 'rejected');
    if (failed) {
      await Promise.allSettled(connections.map((connection) => connection.client.close()));
      throw failed.reason;
    }
    const listed: Array<Omit<ToolboxTool, 'exposedName'>> = [];
    try {
      for (const connection of connections) {
        const { server, tools } = await listTools(connection, options);
        for (const tool of tools) listed.push({ server, ...tool });
      }
    } catch (error) {
      await Promise.allSettled(connections.map((connection) => connection.client.close()));
      throw error;
    }
    const names = exposedNames(listed);
    return new McpToolbox(connections, listed.map((tool, i) => ({ ...tool, exposedName: names[i] ?? tool.name })), options);
  }

  /** The tool the model called by `exposedName`, if there is one. */
  find(exposedName: string): ToolboxTool | undefined {
    return this.tools.find((tool) => tool.exposedName === exposedName);
  }

  /**
   * Calls a tool. A tool's own failure (isError, or an error the server answers with) is a
   * result the model is told about; a server that is gone or stops answering is a
   * ToolServerError (exit 7), and a cancel is CancelledError.
   */
  async call(exposedName: string, args: Record<string, unknown>, signal?: AbortSignal): Promise<ToolResultText> {
    const tool = this.find(exposedName);
    if (!tool) return { text: `no tool named "${exposedName}"`, isError: true };
    const connection = this.connections.find((c) => c.spec.name === tool.server);
    if (!connection) return { text: `no server for tool "${exposedName}"`, isError: true };
    if (connection.gone) throw serverGone(connection);
    try {
      const result = await connection.client.callTool({ name: tool.name, arguments: args }, undefined, {
        timeout: this.options.callTimeoutMs ?? 120_000,
        ...(signal ? { signal } : {}),
      });
      return toolResultText(result);
    } catch (error) {
      if (signal?.aborted) throw new CancelledError('cancelled by the user');
      if (connection.gone) throw serverGone(connection);
      const code = (error as { code?: unknown }).code;
      // -32001 is the SDK's request timeout; -32000 a closed connection.
      if (code === -32001 || code === -32000) throw new ToolServerError(tool.server, `MCP server "${tool.server}" did not answer the call of ${tool.name}: ${(error as Error).message}`, { cause: error });
      // The server answered with an error (bad arguments, the tool threw): the model hears it.
      return { text: `error: ${(error as Error).message}`, isError: true };
    }
  }

  /** The process ids of the stdio servers (for the user's --debug, and for tests that check they are reaped). */
  get pids(): number[] {
    return this.connections.flatMap((connection) => (connection.pid ? [connection.pid] : []));
  }

  /** Closes every server; never throws. */
  async close(): Promise<void> {
    await Promise.allSettled(this.connections.map((connection) => connection.client.close()));
  }
}

function serverGone(connection: Connection): ToolServerError {
  const tail = connection.stderrTail();
  return new ToolServerError(connection.spec.name, `MCP server "${connection.spec.name}" ${connection.gone ?? 'went away'}`, {
    ...(tail ? { hint: `its last words on stderr: ${lastLine(tail)}` } : {}),
  });
}

const lastLine = (text: string) => text.trim().split('\n').at(-1)?.slice(0, 300) ?? '';

async function connect(spec: McpServerSpec, options: ToolboxOptions): Promise<Connection> {
  // One after the other: the modules share dependencies, and loading them once is enough.
  const { Client } = await import('@modelcontextprotocol/sdk/client/index.js');
  const transportModule = spec.transport === 'stdio' ? await import('@modelcontextprotocol/sdk/client/stdio.js') : await import('@modelcontextprotocol/sdk/client/streamableHttp.js');
  let stderr = '';
  let transport;
  if (spec.transport === 'stdio') {
    const { StdioClientTransport, getDefaultEnvironment } = transportModule as typeof import('@modelcontextprotocol/sdk/client/stdio.js');
    transport = new StdioClientTransport({
      command: spec.command,
      args: spec.args,
      // The SDK's safe subset (PATH, HOME…), never our API keys, then what the config gives it.
      env: { ...(options.baseEnv ?? getDefaultEnvironment()), ...spec.env },
      ...(spec.cwd ? { cwd: spec.cwd } : {}),
      stderr: 'pipe',
    });
    transport.stderr?.on('data', (chunk: Buffer) => {
      const text = chunk.toString('utf8');
      stderr = redactSecrets(stderr + text, options.secrets ?? []).slice(-STDERR_TAIL_CHARS);
      for (const line of text.split('\n')) if (line.trim()) options.debug?.(`mcp ${spec.name}: ${line}`);
    });
  } else {
    const { StreamableHTTPClientTransport } = transportModule as typeof import('@modelcontextprotocol/sdk/client/streamableHttp.js');
    transport = new StreamableHTTPClientTransport(new URL(spec.url), { requestInit: { headers: spec.headers ?? {} } });
  }
  const client = new Client({ name: 'devsynth-or', version: '1' });
  const connection: Connection = { spec, client, stderrTail: () => stderr };
  client.onclose = () => {
    connection.gone ??= 'exited';
  };
  const where = spec.transport === 'stdio' ? `"${[spec.command, ...spec.args].join(' ')}"` : spec.url;
  try {
    await client.connect(transport, { timeout: options.startTimeoutMs ?? 60_000, ...(options.signal ? { signal: options.signal } : {}) });
  } catch (error) {
    await client.close().catch(() => undefined);
    if (options.signal?.aborted) throw new CancelledError('cancelled by the user');
    // The process may have written why it failed just before it went; give it a moment to land.
    await new Promise((resolve) => setTimeout(resolve, 50));
    const tail = stderr.trim();
    const reason = (error as Error).message.replace(/^MCP error -?\d+: /, '');
    throw new ToolServerError(spec.name, `MCP server "${spec.name}" could not start (${where}): ${reason}`, {
      hint: tail ? `its last words on stderr: ${lastLine(tail)}` : 'check the command line (run it by hand: it should wait for JSON-RPC on stdin)',
      cause: error,
    });
  }
  if (spec.transport === 'stdio') connection.pid = (transport as { pid?: number | null }).pid ?? null;
  options.debug?.(`mcp ${spec.name}: started${connection.pid ? ` (pid ${connection.pid})` : ''}`);
  return connection;
}

async function listTools(connection: Connection, options: ToolboxOptions): Promise<{ server: string; tools: Array<Omit<ToolboxTool, 'server' | 'exposedName'>> }> {
  const tools: Array<Omit<ToolboxTool, 'server' | 'exposedName'>> = [];
  let cursor: string | undefined;
  try {
    do {
      const page = await connection.client.listTools(cursor ? { cursor } : {}, { timeout: options.startTimeoutMs ?? 60_000 });
      for (const tool of page.tools) {
        tools.push({ name: tool.name, ...(tool.description ? { description: tool.description } : {}), inputSchema: tool.inputSchema as Record<string, unknown> });
      }
      cursor = page.nextCursor;
    } while (cursor);
  } catch (error) {
    if (error instanceof DevsynthError) throw error;
    throw new ToolServerError(connection.spec.name, `MCP server "${connection.spec.name}" did not list its tools: ${(error as Error).message}`, { cause: error });
  }
  return { server: connection.spec.name, tools };
}
