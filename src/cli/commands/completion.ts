// `devsynth-or completion bash|zsh|fish`: completion scripts generated from the command tree
// itself (completion-spec.ts: so they never drift from the real commands and flags). Each
// script walks the words typed so far as commander would (global flags anywhere, subcommands
// at any depth, a flag's value skipped) and looks the rest up in that table. Model ids come
// from the cached catalogue through the hidden `__models` command (never a request), which
// the bin answers before the CLI loads (fast-catalogue.ts).
import { Argument, Command } from 'commander';
import type { Runtime } from '../../app/runtime.js';
import { completionSpec, type CompletionSpec } from '../completion-spec.js';

/** A word in single quotes for bash and zsh. */
const shQuote = (text: string) => `'${text.replace(/'/g, `'\\''`)}'`;
/** A word in single quotes for fish (where \ and ' are escaped inside them). */
const fishQuote = (text: string) => `'${text.replace(/[\\']/g, (c) => `\\${c}`)}'`;

/** The table as a bash/zsh function that sets REPLY (no subshell per lookup). */
function shSpec(spec: CompletionSpec): string {
  const cases = spec.entries.map(([key, value]) => `    ${shQuote(key)}) REPLY=${shQuote(value)} ;;`).join('\n');
  return `_devsynth_or_spec() {\n  case "$1" in\n${cases}\n    *) REPLY='' ;;\n  esac\n}`;
}

/** A case pattern matching the global flags that take a value (passed on to __models). */
const globalsPattern = (spec: CompletionSpec) => spec.globalValueFlags.map(shQuote).join('|') || "''";

/** The walk over the words before the current one, the same in bash and zsh. */
function shWalk(spec: CompletionSpec): string {
  return `    if [[ -n "$pending" ]]; then
      case "$pending" in ${globalsPattern(spec)}) globals+=("$pending" "$w") ;; esac
      pending=''
    elif [[ -z "$endopts" && "$w" == -?* ]]; then
      if [[ "$w" == -- ]]; then endopts=1
      elif [[ "$w" == *=* ]]; then
        case "\${w%%=*}" in ${globalsPattern(spec)}) globals+=("$w") ;; esac
      else
        _devsynth_or_spec "val:$cmdpath|$w"; [[ -n "$REPLY" ]] && pending="$w"
      fi
    else
      _devsynth_or_spec "sub:$cmdpath"
      if (( argi == 0 )) && [[ " $REPLY " == *" $w "* ]]; then cmdpath="\${cmdpath:+$cmdpath }$w"; else argi+=1; fi
    fi`;
}

function bash(root: Command): string {
  const spec = completionSpec(root);
  return `# devsynth-or bash completion: eval "$(devsynth-or completion bash)"
${shSpec(spec)}
_devsynth_or() {
  # The words come from the line itself, not COMP_WORDS, which bash cuts at ':' and '='
  # (COMP_WORDBREAKS): \`openai/gpt-4o:free\` would be three words. No bash-completion needed.
  # Bytes, as COMP_POINT counts them.
  local LC_ALL=C REPLY w kind cmdpath='' pending='' endopts='' prefix='' strip='' c i
  local -i argi=0
  local -a words=() globals=() list=()
  local line="\${COMP_LINE:0:COMP_POINT}"
  IFS=$' \\t\\n' read -a words <<< "$line"
  [[ -z "$line" || "$line" == *[[:space:]] ]] && words+=('')
  local cur="\${words[\${#words[@]}-1]}"
  COMPREPLY=()
  for ((i = 1; i < \${#words[@]} - 1; i++)); do
    w="\${words[i]}"
${shWalk(spec)}
  done
  if [[ -n "$pending" ]]; then _devsynth_or_spec "val:$cmdpath|$pending"; kind="$REPLY"
  elif [[ -z "$endopts" && "$cur" == --*=* ]]; then
    prefix="\${cur%%=*}="; _devsynth_or_spec "val:$cmdpath|\${cur%%=*}"; kind="$REPLY"; cur="\${cur#*=}"
  elif [[ -z "$endopts" && "$cur" == -* ]]; then _devsynth_or_spec "flags:$cmdpath"; kind="choices $REPLY"
  else
    if (( argi == 0 )); then _devsynth_or_spec "sub:$cmdpath"; list+=($REPLY); fi
    _devsynth_or_spec "arg:$cmdpath|$argi"; kind="$REPLY"
  fi
  case "$kind" in
    choices\\ *) list+=(\${kind#choices }) ;;
    models) while IFS= read -r c; do list+=("$c"); done < <(devsynth-or "\${globals[@]}" __models 2>/dev/null) ;;
    embeddings) while IFS= read -r c; do list+=("$c"); done < <(devsynth-or "\${globals[@]}" __models --embeddings 2>/dev/null) ;;
    templates) while IFS= read -r c; do list+=("$c"); done < <(devsynth-or "\${globals[@]}" __templates 2>/dev/null) ;;
    files) compopt -o filenames 2>/dev/null; while IFS= read -r c; do list+=("$c"); done < <(compgen -f -- "$cur") ;;
  esac
  # Bash replaces only what follows the word's last COMP_WORDBREAKS character.
  w="$prefix$cur"
  for ((i = \${#w} - 1; i >= 0; i--)); do
    if [[ "$COMP_WORDBREAKS" == *"\${w:i:1}"* ]]; then strip="\${w:0:i+1}"; break; fi
  done
  for c in "\${list[@]}"; do
    [[ "$c" == "$cur"* ]] || continue
    c="$prefix$c"; c="\${c#"$strip"}"
    # As a shell word: an id is catalogue data, never code on the command line.
    [[ "$kind" == files ]] || printf -v c '%q' "$c"
    COMPREPLY+=("$c")
  done
}
complete -F _devsynth_or devsynth-or
`;
}

function zsh(root: Command): string {
  const spec = completionSpec(root);
  return `#compdef devsynth-or
# devsynth-or zsh completion: devsynth-or completion zsh > "\${fpath[1]}/_devsynth-or"
# (or source <(devsynth-or completion zsh) after compinit)
${shSpec(spec)}
_devsynth_or() {
  # cmdpath, not path: zsh ties \`path\` to PATH.
  local REPLY w kind cmdpath='' pending='' endopts='' i
  local -i argi=0
  local -a globals list
  for (( i = 2; i < CURRENT; i++ )); do
    w="\${(Q)words[i]}"
${shWalk(spec)}
  done
  if [[ -n "$pending" ]]; then _devsynth_or_spec "val:$cmdpath|$pending"; kind="$REPLY"
  elif [[ -z "$endopts" && "$PREFIX" == --*=* ]]; then
    _devsynth_or_spec "val:$cmdpath|\${PREFIX%%=*}"; kind="$REPLY"; compset -P '*='
  elif [[ -z "$endopts" && "$PREFIX" == -* ]]; then _devsynth_or_spec "flags:$cmdpath"; kind="choices $REPLY"
  else
    if (( argi == 0 )); then _devsynth_or_spec "sub:$cmdpath"; list+=(\${=REPLY}); fi
    _devsynth_or_spec "arg:$cmdpath|$argi"; kind="$REPLY"
  fi
  case "$kind" in
    choices\\ *) list+=(\${=kind#choices }) ;;
    models) list+=(\${(f)"$(devsynth-or $globals __models 2>/dev/null)"}) ;;
    embeddings) list+=(\${(f)"$(devsynth-or $globals __models --embeddings 2>/dev/null)"}) ;;
    templates) list+=(\${(f)"$(devsynth-or $globals __templates 2>/dev/null)"}) ;;
    files) _files; return ;;
  esac
  (( $#list )) && compadd -- $list
}
if [[ "$funcstack[1]" == _devsynth-or ]]; then _devsynth_or "$@"; else compdef _devsynth_or devsynth-or; fi
`;
}

function fish(root: Command): string {
  const spec = completionSpec(root);
  const cases = spec.entries.map(([key, value]) => `        case ${fishQuote(key)}\n            echo ${fishQuote(value)}`).join('\n');
  const globals = spec.globalValueFlags.map(fishQuote).join(' ');
  return `# devsynth-or fish completion: devsynth-or completion fish > ~/.config/fish/completions/devsynth-or.fish
function __devsynth_or_spec
    switch $argv[1]
${cases}
    end
end
function __devsynth_or_complete
    set -l words (commandline -opc)
    set -e words[1]
    set -l cur (commandline -ct)
    set -l cmdpath ''
    set -l pending ''
    set -l endopts ''
    set -l argi 0
    set -l prefix ''
    set -l kind ''
    set -l globals
    set -l list
    for w in $words
        if test -n "$pending"
            contains -- $pending ${globals}; and set -a globals $pending $w
            set pending ''
        else if test -z "$endopts"; and string match -q -- '-?*' $w
            if test "$w" = '--'
                set endopts 1
            else if string match -q -- '*=*' $w
                contains -- (string split -m 1 = -- $w)[1] ${globals}; and set -a globals $w
            else
                set -l value (__devsynth_or_spec "val:$cmdpath|$w")
                test -n "$value"; and set pending $w
            end
        else
            set -l subs (string split ' ' -- (__devsynth_or_spec "sub:$cmdpath"))
            if test $argi -eq 0; and contains -- $w $subs
                set cmdpath (string trim -- "$cmdpath $w")
            else
                set argi (math $argi + 1)
            end
        end
    end
    if test -n "$pending"
        set kind (__devsynth_or_spec "val:$cmdpath|$pending")
    else if test -z "$endopts"; and string match -q -- '--*=*' $cur
        set prefix (string split -m 1 = -- $cur)[1]=
        set kind (__devsynth_or_spec "val:$cmdpath|"(string split -m 1 = -- $cur)[1])
        set cur (string split -m 1 = -- $cur)[2]
    else if test -z "$endopts"; and string match -q -- '-*' $cur
        set kind "choices "(__devsynth_or_spec "flags:$cmdpath")
    else
        test $argi -eq 0; and set -a list (string split ' ' -- (__devsynth_or_spec "sub:$cmdpath"))
        set kind (__devsynth_or_spec "arg:$cmdpath|$argi")
    end
    switch "$kind"
        case 'choices *'
            set -a list (string split ' ' -- (string replace 'choices ' '' -- $kind))
        case models
            set -a list (devsynth-or $globals __models 2>/dev/null)
        case embeddings
            set -a list (devsynth-or $globals __models --embeddings 2>/dev/null)
        case templates
            set -a list (devsynth-or $globals __templates 2>/dev/null)
        case files
            set -a list (__fish_complete_path $cur)
    end
    for c in $list
        string length -q -- $c; and printf '%s\\n' "$prefix$c"
    end
end
complete -c devsynth-or -e
complete -c devsynth-or -f -a '(__devsynth_or_complete)'
`;
}

const SCRIPTS: Record<string, (root: Command) => string> = { bash, zsh, fish };

export function completionCommand(runtime: () => Runtime): Command {
  const command = new Command('completion')
    .description('print a shell completion script')
    .addArgument(new Argument('<shell>', 'the shell').choices(Object.keys(SCRIPTS)))
    .addHelpText('after', '\nExamples:\n  eval "$(devsynth-or completion bash)"\n  devsynth-or completion zsh > "${fpath[1]}/_devsynth-or"\n  devsynth-or completion fish > ~/.config/fish/completions/devsynth-or.fish')
    .action((shell: string, _flags: unknown, self: Command) => {
      runtime().io.stdout.write(SCRIPTS[shell]!(self.parent as Command));
    });
  return command;
}

/**
 * Hidden: the config's alias names, then the cached model ids (or embedding model ids), one per
 * line, for the completion scripts. A config that does not load gives no aliases: a Tab is no
 * place for its error.
 */
export function modelIdsCommand(runtime: () => Runtime): Command {
  return new Command('__models').option('--embeddings', 'the embedding models').action(async (flags: { embeddings?: boolean }) => {
    const aliases = await runtime()
      .config()
      .then((loaded) => [...loaded.aliases.keys()])
      .catch(() => []);
    const cached = (await runtime().catalogue()).read(flags.embeddings ? 'embeddings' : 'models');
    const { completableIds } = await import('../../app/list-models.js');
    const ids = completableIds([...aliases, ...(cached?.models.map((model) => model.id) ?? [])]);
    if (ids.length) runtime().io.stdout.write(`${ids.join('\n')}\n`);
  });
}
