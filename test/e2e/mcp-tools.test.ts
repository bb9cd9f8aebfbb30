// `devsynth-or mcp tools` from the built binary, with the test MCP server
// (test/fixtures/mcp/test-server.mjs) given by --mcp and by mcp_servers: in the config.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it, jest } from '@jest/globals';
import { type CliSandbox, cliSandbox } from '../helpers/run-cli.js';

// Each test starts real MCP server processes (and the CLI): generous on a loaded machine.
jest.setTimeout(60_000);

const SERVER = new URL('../fixtures/mcp/test-server.mjs', import.meta.url).pathname;
const MCP = `${JSON.stringify(process.execPath)} ${JSON.stringify(SERVER)}`;

let cli: CliSandbox;
beforeEach(() => {
  // No request goes to OpenRouter: listing tools needs no key and no network.
  cli = cliSandbox('http://127.0.0.1:9/api/v1');
});
afterEach(() => cli.dispose());

describe('mcp tools', () => {
  it('lists a --mcp server\'s tools as tab-separated lines in a pipe', async () => {
    const result = await cli.run(['mcp', 'tools', '--mcp', MCP]);
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    const lines = result.stdout.trimEnd().split('\n');
    expect(lines[0]).toBe('add\ttest\tAdds two numbers');
    // The first line of a description only; a dotted name becomes one the model can call.
    expect(lines).toContain('shout\ttest\tUpper-cases a text');
    expect(lines).toContain('test_files_read\ttest\tA name with a dot');
  });

  it('--json gives each tool with its server, its own name and its input schema', async () => {
    const result = await cli.run(['mcp', 'tools', '--mcp', MCP, '--json']);
    expect(result.code).toBe(0);
    const tools = JSON.parse(result.stdout) as Array<Record<string, unknown>>;
    expect(tools.find((tool) => tool.name === 'test_files_read')).toEqual({
      name: 'test_files_read',
      server: 'test',
      server_name: 'files.read',
      description: 'A name with a dot',
      input_schema: { type: 'object', properties: {}, required: [] },
    });
  });

  it('starts the servers of mcp_servers: with their ${VAR} settings', async () => {
    const config = join(cli.home, 'mcp.yml');
    writeFileSync(config, `mcp_servers:\n  calc:\n    command: ${JSON.stringify(process.execPath)}\n    args: [${JSON.stringify(SERVER)}]\n    env: { MCP_TEST_MODE: "\${MODE:-}" }\n`);
    const ok = await cli.run(['--config', config, 'mcp', 'tools']);
    expect(ok.code).toBe(0);
    expect(ok.stdout).toMatch(/^add\tcalc\t/m);
    // The same entry, told by the environment to fail: exit 7, one line, and the server's words.
    const failed = await cli.run(['--config', config, 'mcp', 'tools'], { env: { MODE: 'start-fail' } });
    expect(failed.code).toBe(7);
    expect(failed.stdout).toBe('');
    expect(failed.stderr).toMatch(/^devsynth-or: MCP server "calc" could not start \(".*test-server\.mjs"\): .+\nhint: its last words on stderr: boom: cannot open the database at \/nowhere\n$/);
  });

  it('keeps a server\'s token out of errors, the debug log and `config`', async () => {
    const token = 'mcp-secret-token-0123456789';
    const config = join(cli.home, 'token.yml');
    writeFileSync(config, `mcp_servers:\n  calc:\n    command: ${JSON.stringify(process.execPath)}\n    args: [${JSON.stringify(SERVER)}]\n    env: { MCP_TEST_MODE: start-fail, TOKEN: "\${MCP_TOKEN}" }\n`);
    const env = { MCP_TOKEN: token };
    const failed = await cli.run(['--config', config, '--debug', 'mcp', 'tools'], { env });
    expect(failed.code).toBe(7);
    expect(failed.stderr).toMatch(/mcp calc: connecting with token \S+/);
    expect(failed.stderr).not.toContain(token);
    const shown = await cli.run(['--config', config, 'config', '--json'], { env });
    expect(shown.code).toBe(0);
    expect(shown.stdout).toContain('mcp_servers.calc.env.TOKEN');
    expect(shown.stdout).not.toContain(token);
  });

  it('no servers at all is a usage error with an example', async () => {
    const result = await cli.run(['mcp', 'tools']);
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/^devsynth-or: no MCP servers: .*\nhint: devsynth-or mcp tools --mcp /);
  });

  it('refuses a --mcp line with a pipe, and a config entry with neither command nor url', async () => {
    expect((await cli.run(['mcp', 'tools', '--mcp', 'cat x | sh'])).code).toBe(2);
    const config = join(cli.home, 'bad.yml');
    writeFileSync(config, 'mcp_servers:\n  broken:\n    args: [a]\n');
    const result = await cli.run(['--config', config, 'mcp', 'tools']);
    expect(result.code).toBe(3);
    expect(result.stderr).toMatch(/mcp_servers\.broken needs a command/);
  });

  it('a command that is not there is exit 7 naming it ("-server" is left out of the name)', async () => {
    const result = await cli.run(['mcp', 'tools', '--mcp', 'devsynth-no-such-server --flag']);
    expect(result.code).toBe(7);
    expect(result.stderr).toMatch(/^devsynth-or: MCP server "devsynth-no-such" could not start \("devsynth-no-such-server --flag"\): spawn devsynth-no-such-server ENOENT\n/);
  });
});
