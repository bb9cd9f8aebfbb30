// Where MCP servers come from: `--mcp "<command line>"` flags and `mcp_servers:` in the config.
// Both become one list of specs; the toolbox (toolbox.ts) starts them.
import { basename, extname } from 'node:path';
import { parse as parseShellWords } from 'shell-quote';
import { assertSecureBaseUrl, ConfigError, UsageError } from '../../core/index.js';

export type McpServerSpec =
  | { name: string; transport: 'stdio'; command: string; args: string[]; env?: Record<string, string>; cwd?: string }
  | { name: string; transport: 'http'; url: string; headers?: Record<string, string> };

/** One entry of `mcp_servers:` as the config schema leaves it. */
export interface McpServerSetting {
  command?: string | null;
  args?: string[] | null;
  env?: Record<string, string> | null;
  cwd?: string | null;
  url?: string | null;
  headers?: Record<string, string> | null;
  enabled?: boolean | null;
}

/** Launchers whose own name says nothing about the server they start. */
const LAUNCHERS = new Set(['node', 'nodejs', 'npx', 'bunx', 'bun', 'deno', 'python', 'python3', 'uv', 'uvx', 'pipx', 'sh', 'bash', 'docker', 'pnpm', 'yarn']);

/** A short name for a server started by `command args`: the script or package, not the launcher. */
function nameFor(command: string, args: readonly string[]): string {
  const stem = (word: string) => basename(word.replace(/@[^/@]*$/, '')).replace(new RegExp(`${extname(word).replace('.', '\\.')}$`), '');
  let name = stem(command);
  if (LAUNCHERS.has(name)) {
    const script = args.find((arg) => !arg.startsWith('-') && arg !== 'run');
    if (script) name = stem(script);
  }
  return name.replace(/[^\w.-]/g, '_').replace(/^server-|-server$/g, '') || 'mcp';
}

/**
 * `--mcp "npx -y @modelcontextprotocol/server-filesystem ."`: split as a shell would split
 * words (quotes, backslashes), but run without a shell: a pipe, a redirect or `$(…)` is refused
 * rather than half-understood. Variables are not expanded here; the server gets our environment.
 */
export function specFromCommandLine(line: string, taken: ReadonlySet<string>): McpServerSpec {
  const words = parseShellWords(line, (name) => `$${name}`);
  if (words.some((word) => typeof word !== 'string')) {
    throw new UsageError(`--mcp takes one command and its arguments, without pipes, redirects or globs: "${line}"`, {
      hint: 'wrap anything more in a script, or declare the server under mcp_servers: in the config',
    });
  }
  const [command, ...args] = words as string[];
  if (!command) throw new UsageError('--mcp needs a command line, e.g. --mcp "npx -y @modelcontextprotocol/server-everything"');
  return { name: unique(nameFor(command, args), taken), transport: 'stdio', command, args };
}

function unique(name: string, taken: ReadonlySet<string>): string {
  if (!taken.has(name)) return name;
  let n = 2;
  while (taken.has(`${name}-${n}`)) n++;
  return `${name}-${n}`;
}

/** `mcp_servers:` entries (already interpolated), in the config's order; disabled ones left out. */
export function specsFromConfig(servers: Readonly<Record<string, McpServerSetting>> | undefined): McpServerSpec[] {
  const specs: McpServerSpec[] = [];
  for (const [name, setting] of Object.entries(servers ?? {})) {
    if (setting.enabled === false) continue;
    const where = `mcp_servers.${name}`;
    if (setting.url && setting.command) throw new ConfigError(`${where} has both command and url: give one (command for stdio, url for streamable HTTP)`);
    if (setting.url) {
      // A token in headers goes only where a key may go: https, or http on this machine.
      assertSecureBaseUrl(setting.url, `${where}.url`);
      specs.push({ name, transport: 'http', url: setting.url, ...(setting.headers ? { headers: setting.headers } : {}) });
    } else if (setting.command) {
      specs.push({
        name,
        transport: 'stdio',
        command: setting.command,
        args: setting.args ?? [],
        ...(setting.env ? { env: setting.env } : {}),
        ...(setting.cwd ? { cwd: setting.cwd } : {}),
      });
    } else {
      throw new ConfigError(`${where} needs a command (a stdio server) or a url (a streamable HTTP server)`);
    }
  }
  return specs;
}

/** The servers of this run: the config's, then the --mcp flags'. */
export function serverSpecs(configured: Readonly<Record<string, McpServerSetting>> | undefined, commandLines: readonly string[]): McpServerSpec[] {
  const specs = specsFromConfig(configured);
  const taken = new Set(specs.map((spec) => spec.name));
  for (const line of commandLines) {
    const spec = specFromCommandLine(line, taken);
    taken.add(spec.name);
    specs.push(spec);
  }
  return specs;
}
