// What the completion scripts know, read from the commander tree: for every command path, its
// subcommands, its flags, what each flag's value is (a fixed set, model ids, embedding model
// ids, a file, or free text) and what its positional arguments are. The scripts are generated
// from this table (completion.ts), so they never drift from the real commands.
import type { Argument, Command, Option } from 'commander';
import { AVAILABLE_PROVIDERS } from '../core/index.js';

/** What a flag's value or an argument completes to. */
export type ValueKind = { choices: readonly string[] } | 'models' | 'embeddings' | 'templates' | 'files' | 'any';

/**
 * Values no commander declaration says: where they come from, keyed by command path and flag
 * (or `<argument>`). Choices declared on the option (argChoices) win over this table.
 */
const SOURCES: Record<string, ValueKind> = {
  '--config': 'files',
  // When the option declares no choices (the factory may be the one to refuse a name, with
  // its hint): the providers the factory can make.
  '--provider': { choices: AVAILABLE_PROVIDERS },
  'chat --model': 'models',
  'chat --fallback-model': 'models',
  'chat --file': 'files',
  'chat --attach': 'files',
  'batch --model': 'models',
  'batch --fallback-model': 'models',
  'batch --output': 'files',
  'batch --attach': 'files',
  'batch --template': 'templates',
  'batch <input>': 'files',
  'batch merge <files>': 'files',
  'embed --model': 'embeddings',
  'embed --file': 'files',
  'models show <id>': 'models',
  'chat --template': 'templates',
  'templates show <name>': 'templates',
  'templates path <name>': 'templates',
  'templates edit <name>': 'templates',
};

export interface CompletionSpec {
  /** Key → value lines the scripts look up: `sub:PATH`, `flags:PATH`, `val:PATH|FLAG`, `arg:PATH|N`. */
  entries: Array<[string, string]>;
  /** The root's flags that take a value (--provider, --config, …): passed on to `__models`. */
  globalValueFlags: string[];
}

const key = (path: string, name: string) => [path, name].filter(Boolean).join(' ');

function kindOf(path: string, name: string, choices: readonly string[] | undefined): ValueKind {
  if (choices?.length) return { choices };
  return SOURCES[key(path, name)] ?? 'any';
}

/** A kind as the scripts read it: `choices a b c`, `models`, `embeddings`, `templates`, `files` or `any`. */
export function encodeKind(kind: ValueKind): string {
  return typeof kind === 'string' ? kind : `choices ${kind.choices.join(' ')}`;
}

const flagNames = (option: Option) => [option.short, option.long].filter((flag): flag is string => Boolean(flag));
const takesValue = (option: Option) => option.required || option.optional;
const visible = (command: Command) => command.commands.filter((sub) => !sub.name().startsWith('__'));

export function completionSpec(root: Command): CompletionSpec {
  const entries: Array<[string, string]> = [];
  // Commander reads the root's options after a subcommand too; --version only before.
  const globals = root.options.filter((option) => !option.hidden && option.long !== '--version');

  const visit = (command: Command, path: string) => {
    const subs = visible(command);
    const own = command.options.filter((option) => !option.hidden);
    const options = path ? [...own, ...globals] : own;
    if (subs.length) entries.push([`sub:${path}`, subs.map((sub) => sub.name()).join(' ')]);
    entries.push([`flags:${path}`, [...options.flatMap(flagNames), '-h', '--help'].join(' ')]);
    for (const option of options.filter(takesValue)) {
      // A global option's source is the root's, whatever the command after it.
      const kind = encodeKind(kindOf(own.includes(option) ? path : '', option.long ?? option.short ?? '', option.argChoices));
      for (const flag of flagNames(option)) entries.push([`val:${path}|${flag}`, kind]);
    }
    command.registeredArguments.forEach((argument: Argument, index) => {
      const kind = kindOf(path, `<${argument.name()}>`, argument.argChoices);
      if (kind !== 'any') entries.push([`arg:${path}|${index}`, encodeKind(kind)]);
    });
    for (const sub of subs) visit(sub, key(path, sub.name()));
  };
  visit(root, '');
  return { entries, globalValueFlags: globals.filter(takesValue).flatMap(flagNames) };
}
