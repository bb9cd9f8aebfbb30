// `devsynth-or completion bash|zsh|fish`: completion scripts generated from the command tree
// itself (so they never drift from the real flags), completing model ids from the cached
// catalogue through the hidden `__models` command (no network).
import { Command } from 'commander';
import { cachedModelIds } from '../../app/catalogue.js';
import { completableIds } from '../../app/list-models.js';
import type { Runtime } from '../../app/runtime.js';
import { UsageError } from '../../core/index.js';

interface Spec {
  name: string;
  flags: string[];
}

function specs(root: Command): Spec[] {
  const flagsOf = (command: Command) => command.options.flatMap((option) => [option.short, option.long].filter((f): f is string => Boolean(f)));
  return root.commands.filter((c) => !c.name().startsWith('__')).map((c) => ({ name: c.name(), flags: [...flagsOf(c), '--help'] }));
}

/** The --provider choices, read from the root command's own option. */
function providers(root: Command): string {
  return (root.options.find((option) => option.long === '--provider')?.argChoices ?? []).join(' ');
}

function bash(root: Command): string {
  const cases = specs(root).map((s) => `    ${s.name}) opts="${s.flags.join(' ')}" ;;`).join('\n');
  return `# devsynth-or bash completion: eval "$(devsynth-or completion bash)"
_devsynth_or() {
  local cur prev cmd opts
  cur="\${COMP_WORDS[COMP_CWORD]}"; prev="\${COMP_WORDS[COMP_CWORD-1]}"; cmd="\${COMP_WORDS[1]}"
  if [ "$COMP_CWORD" -eq 1 ]; then
    COMPREPLY=( $(compgen -W "${specs(root).map((s) => s.name).join(' ')} --help --version" -- "$cur") ); return
  fi
  case "$prev" in
    -m|--model|--fallback-model) COMPREPLY=( $(compgen -W "$(devsynth-or __models 2>/dev/null)" -- "$cur") ); return ;;
    --provider) COMPREPLY=( $(compgen -W "${providers(root)}" -- "$cur") ); return ;;
  esac
  case "$cmd" in
${cases}
    *) opts="--help" ;;
  esac
  COMPREPLY=( $(compgen -W "$opts" -- "$cur") )
}
complete -F _devsynth_or devsynth-or
`;
}

function zsh(root: Command): string {
  return `#compdef devsynth-or
# devsynth-or zsh completion: devsynth-or completion zsh > "\${fpath[1]}/_devsynth-or"
_devsynth_or() {
  local -a commands; commands=(${specs(root).map((s) => `'${s.name}'`).join(' ')})
  if (( CURRENT == 2 )); then _describe 'command' commands; return; fi
  case "\${words[CURRENT-1]}" in
    -m|--model|--fallback-model) compadd -- \${(f)"$(devsynth-or __models 2>/dev/null)"}; return ;;
    --provider) compadd -- ${providers(root)}; return ;;
  esac
  case "\${words[2]}" in
${specs(root).map((s) => `    ${s.name}) compadd -- ${s.flags.join(' ')} ;;`).join('\n')}
  esac
}
compdef _devsynth_or devsynth-or
`;
}

function fish(root: Command): string {
  const lines = ['# devsynth-or fish completion: devsynth-or completion fish > ~/.config/fish/completions/devsynth-or.fish'];
  for (const spec of specs(root)) {
    lines.push(`complete -c devsynth-or -n '__fish_use_subcommand' -a ${spec.name}`);
    for (const flag of spec.flags.filter((f) => f.startsWith('--'))) {
      lines.push(`complete -c devsynth-or -n '__fish_seen_subcommand_from ${spec.name}' -l ${flag.slice(2)}`);
    }
  }
  lines.push(`complete -c devsynth-or -n '__fish_seen_subcommand_from chat embed' -s m -l model -x -a '(devsynth-or __models 2>/dev/null)'`);
  lines.push(`complete -c devsynth-or -l provider -x -a '${providers(root)}'`);
  return `${lines.join('\n')}\n`;
}

export function completionCommand(runtime: () => Runtime): Command {
  const command = new Command('completion')
    .description('print a shell completion script')
    .argument('<shell>', 'bash, zsh or fish')
    .addHelpText('after', '\nExamples:\n  eval "$(devsynth-or completion bash)"\n  devsynth-or completion fish > ~/.config/fish/completions/devsynth-or.fish')
    .action((shell: string, _flags: unknown, self: Command) => {
      const root = self.parent as Command;
      const scripts: Record<string, (root: Command) => string> = { bash, zsh, fish };
      const make = scripts[shell];
      if (!make) throw new UsageError(`no completion for "${shell}": choose bash, zsh or fish`);
      runtime().io.stdout.write(make(root));
    });
  return command;
}

/** Hidden: the cached model ids, one per line, for the completion scripts. */
export function modelIdsCommand(runtime: () => Runtime): Command {
  return new Command('__models').action(async () => {
    const ids = completableIds(await cachedModelIds(runtime()));
    if (ids.length) runtime().io.stdout.write(`${ids.join('\n')}\n`);
  });
}
