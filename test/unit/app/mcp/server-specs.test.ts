import { describe, expect, it } from '@jest/globals';
import { serverSpecs, specFromCommandLine, specsFromConfig } from '../../../../src/app/mcp/server-specs.js';
import { exposedNames } from '../../../../src/app/mcp/tool-names.js';
import { MAX_RESULT_CHARS, toolResultText } from '../../../../src/app/mcp/tool-result.js';

describe('--mcp command lines', () => {
  it('splits words as a shell does, quotes and backslashes included, and expands nothing', () => {
    const spec = specFromCommandLine(`node "my server.js" --root 'a b' c\\ d $HOME`, new Set());
    expect(spec).toEqual({ name: 'my_server', transport: 'stdio', command: 'node', args: ['my server.js', '--root', 'a b', 'c d', '$HOME'] });
  });

  it('names a server after its script or package rather than its launcher', () => {
    expect(specFromCommandLine('npx -y @modelcontextprotocol/server-filesystem .', new Set()).name).toBe('filesystem');
    expect(specFromCommandLine('uvx mcp-server-fetch', new Set()).name).toBe('mcp-server-fetch');
    expect(specFromCommandLine('/opt/tools/weather-mcp --port 0', new Set()).name).toBe('weather-mcp');
    expect(specFromCommandLine('node server.js', new Set(['server'])).name).toBe('server-2');
  });

  it('refuses pipes, redirects and command substitution instead of running half of them', () => {
    for (const line of ['a | b', 'a > out', 'a && b', 'a; b']) {
      expect(() => specFromCommandLine(line, new Set())).toThrow(expect.objectContaining({ kind: 'usage' }));
    }
    expect(() => specFromCommandLine('   ', new Set())).toThrow(expect.objectContaining({ kind: 'usage' }));
  });
});

describe('mcp_servers in the config', () => {
  it('gives stdio and HTTP servers in order, leaving out disabled ones', () => {
    const specs = specsFromConfig({
      files: { command: 'npx', args: ['-y', 'fs'], env: { A: '1' }, cwd: '/tmp' },
      off: { command: 'x', enabled: false },
      remote: { url: 'https://mcp.example.invalid/mcp', headers: { Authorization: 'Bearer t' } },
    });
    expect(specs).toEqual([
      { name: 'files', transport: 'stdio', command: 'npx', args: ['-y', 'fs'], env: { A: '1' }, cwd: '/tmp' },
      { name: 'remote', transport: 'http', url: 'https://mcp.example.invalid/mcp', headers: { Authorization: 'Bearer t' } },
    ]);
  });

  it('refuses an http URL off this machine (headers may carry a token), and entries with both or neither', () => {
    expect(() => specsFromConfig({ r: { url: 'http://mcp.example.invalid/mcp' } })).toThrow(expect.objectContaining({ kind: 'config' }));
    expect(specsFromConfig({ r: { url: 'http://127.0.0.1:9/mcp' } })).toHaveLength(1);
    expect(() => specsFromConfig({ r: { url: 'https://a.invalid', command: 'x' } })).toThrow(/both command and url/);
    expect(() => specsFromConfig({ r: {} })).toThrow(/needs a command/);
  });

  it('puts --mcp servers after the configured ones, with names that do not clash', () => {
    const specs = serverSpecs({ fetch: { command: 'a' } }, ['uvx fetch']);
    expect(specs.map((spec) => spec.name)).toEqual(['fetch', 'fetch-2']);
  });
});

describe('the names the model sees', () => {
  it('keeps valid unique names, and prefixes clashing or invalid ones with their server', () => {
    const names = exposedNames([
      { server: 'a', name: 'search' },
      { server: 'b', name: 'search' },
      { server: 'a', name: 'read' },
      { server: 'fs', name: 'files.read' },
      { server: 'x', name: 'é'.repeat(80) },
    ]);
    expect(names).toEqual(['a_search', 'b_search', 'read', 'fs_files_read', `x_${'_'.repeat(62)}`]);
    for (const name of names) expect(name).toMatch(/^[A-Za-z0-9_-]{1,64}$/);
  });

  it('never gives two tools the same name', () => {
    const names = exposedNames([
      { server: 'a', name: 'a_b' },
      { server: 'a', name: 'b' },
      { server: 'a', name: 'b' },
    ]);
    expect(new Set(names).size).toBe(3);
  });
});

describe('tool results as text for the model', () => {
  it('joins text, describes media, falls back to structured content', () => {
    expect(toolResultText({ content: [{ type: 'text', text: 'a' }, { type: 'image', data: 'A'.repeat(4096), mimeType: 'image/png' }] })).toEqual({
      text: 'a\n[image: image/png, 3 KB, not shown]',
      isError: false,
    });
    expect(toolResultText({ content: [], structuredContent: { n: 1 } }).text).toBe('{"n":1}');
    expect(toolResultText({ content: [{ type: 'text', text: 'no' }], isError: true })).toEqual({ text: 'no', isError: true });
  });

  it('caps what a tool can put into the conversation', () => {
    const { text } = toolResultText({ content: [{ type: 'text', text: 'x'.repeat(MAX_RESULT_CHARS * 2) }] });
    expect(text.length).toBeLessThan(MAX_RESULT_CHARS + 200);
    expect(text).toMatch(/truncated: the tool returned 524288 characters/);
  });
});
