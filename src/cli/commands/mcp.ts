// `devsynth-or mcp tools`: the tools of the configured MCP servers (and of --mcp ones), as the
// model would see them.
import { Command } from 'commander';
import type { Runtime } from '../../app/runtime.js';
import { UsageError } from '../../core/index.js';
import { renderTable } from '../../ui/render-table.js';
import { terminalSafeJson } from '../../ui/terminal-safe.js';

const collect = (value: string, previous: string[]) => [...previous, value];

export function mcpCommand(runtime: () => Runtime): Command {
  const mcp = new Command('mcp').description('MCP tool servers: list the tools chat can offer a model');
  mcp
    .command('tools')
    .description('start the configured MCP servers (and --mcp ones) and list their tools')
    .option('--mcp <command line>', 'also this stdio server (repeatable)', collect, [])
    .option('--json', 'print JSON')
    .addHelpText('after', '\nExamples:\n  devsynth-or mcp tools\n  devsynth-or mcp tools --mcp "npx -y @modelcontextprotocol/server-everything" --json')
    .action(async (flags: { mcp: string[]; json?: boolean }) => {
      const rt = runtime();
      const { openToolbox } = await import('../../app/mcp/open-toolbox.js');
      const toolbox = await openToolbox(rt, flags.mcp);
      if (!toolbox) {
        throw new UsageError('no MCP servers: none under mcp_servers: in the config, and no --mcp given', {
          hint: 'devsynth-or mcp tools --mcp "npx -y @modelcontextprotocol/server-everything"',
        });
      }
      try {
        if (flags.json) {
          const tools = toolbox.tools.map((tool) => ({ name: tool.exposedName, server: tool.server, server_name: tool.name, description: tool.description ?? null, input_schema: tool.inputSchema }));
          rt.io.stdout.write(`${terminalSafeJson(tools, 2)}\n`);
          return;
        }
        const tty = Boolean(rt.io.stdout.isTTY);
        const rows = toolbox.tools.map((tool) => [tool.exposedName, tool.server, (tool.description ?? '').split('\n')[0] ?? '']);
        rt.io.stdout.write(renderTable(rows, { tty, ...(tty ? { header: ['tool', 'server', 'description'] } : {}) }));
        if (tty && rows.length === 0) rt.io.stdout.write('(the servers offer no tools)\n');
      } finally {
        await toolbox.close();
      }
    });
  return mcp;
}
