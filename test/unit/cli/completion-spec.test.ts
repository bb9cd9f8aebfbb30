// The table the completion scripts are generated from, read from a commander tree: choices
// from the declarations, the sources of the values no declaration names, global flags.
import { Argument, Command, Option } from 'commander';
import { describe, expect, it } from '@jest/globals';
import { completionSpec } from '../../../src/cli/completion-spec.js';
import { buildProgram } from '../../../src/cli/program.js';
import { ALL_COMMANDS } from '../../../src/cli/commands/all.js';
import { AVAILABLE_PROVIDERS } from '../../../src/core/index.js';

const io = { stdin: process.stdin, stdout: process.stdout, stderr: process.stderr, env: {}, cwd: process.cwd(), onInterrupt: () => () => undefined };
const table = (root: Command) => new Map(completionSpec(root).entries);

describe('completionSpec', () => {
  it("reads choices from the options' and arguments' declarations", () => {
    const root = new Command('tool');
    const list = root.command('list').addOption(new Option('--order <key>').choices(['a', 'b']));
    list.command('one').addArgument(new Argument('<kind>').choices(['x', 'y']));
    const spec = table(root);
    expect(spec.get('sub:')).toBe('list');
    expect(spec.get('sub:list')).toBe('one');
    expect(spec.get('val:list|--order')).toBe('choices a b');
    expect(spec.get('arg:list one|0')).toBe('choices x y');
  });

  it('the real program: --sort, the shells, model and embedding ids, files', () => {
    const spec = table(buildProgram(io, ALL_COMMANDS));
    expect(spec.get('val:models|--sort')).toBe('choices id price context');
    expect(spec.get('arg:completion|0')).toBe('choices bash zsh fish');
    expect(spec.get('val:chat|-m')).toBe('models');
    expect(spec.get('val:chat|--fallback-model')).toBe('models');
    expect(spec.get('val:embed|--model')).toBe('embeddings');
    expect(spec.get('arg:models show|0')).toBe('models');
    expect(spec.get('val:embed|-f')).toBe('files');
    expect(spec.get('val:chat|-f')).toBe('files');
    expect(spec.get('val:chat|--file')).toBe('files');
    expect(spec.get('val:|--config')).toBe('files');
    expect(spec.get('val:chat|--system')).toBe('any');
    expect(spec.get('sub:')?.split(' ')).not.toContain('__models');
  });

  it('global flags hold after any command, with their own values; --version only before', () => {
    const spec = table(buildProgram(io, ALL_COMMANDS));
    expect(spec.get('val:auth login|--provider')).toBe(spec.get('val:|--provider'));
    expect(spec.get('val:models show|--config')).toBe('files');
    expect(spec.get('flags:chat')?.split(' ')).toEqual(expect.arrayContaining(['--provider', '--no-color', '-h', '--help']));
    expect(spec.get('flags:chat')?.split(' ')).not.toContain('--version');
    expect(spec.get('flags:')?.split(' ')).toContain('--version');
    expect(completionSpec(buildProgram(io, ALL_COMMANDS)).globalValueFlags).toEqual(['--config', '--provider', '--base-url']);
  });

  it('--provider without declared choices: the providers the factory can make', () => {
    const root = new Command('devsynth-or').option('--provider <name>');
    root.command('chat');
    expect(table(root).get('val:chat|--provider')).toBe(`choices ${AVAILABLE_PROVIDERS.join(' ')}`);
  });
});
