// The commander root: global options, the commands, and parse errors routed to the one error
// handler (exitOverride).
import { Command, InvalidArgumentError, Option } from 'commander';
import { PROVIDER_NAMES } from '../config/schema.js';
import { Runtime, type CliIO, type GlobalOptions } from '../app/runtime.js';
import { packageVersion } from './version.js';

/**
 * --provider: the built-in providers are its choices (help, completion); a name the
 * configuration also knows but that is not built in (anthropic) passes, so that it fails as it
 * does from the config file: exit 3 with the hint of what to use instead.
 */
function providerOption(): Option {
  const option = new Option('--provider <name>', 'provider to use (env DEVSYNTH_PROVIDER)').choices(['openrouter', 'offline', 'lmstudio', 'local', 'openai']);
  // After choices(), which set the same check: this one replaces it and keeps the list.
  return option.argParser((name: string) => {
    if ((PROVIDER_NAMES as readonly string[]).includes(name)) return name;
    throw new InvalidArgumentError(`Allowed choices are ${(option.argChoices ?? []).join(', ')}.`);
  });
}

/** A command of the program: made with the runtime getter; a hidden one is left out of --help. */
export interface CommandEntry {
  create(runtime: () => Runtime): Command;
  hidden?: boolean;
}

/** The root command with `commands` under it (all of them: commands/all.ts). */
export function buildProgram(io: CliIO, commands: readonly CommandEntry[]): Command {
  const program = new Command('devsynth-or')
    .description('OpenRouter from the terminal, shell pipes and CI')
    .version(packageVersion(), '-V, --version')
    .addOption(new Option('--config <file>', 'YAML config file (else DEVSYNTH_CONFIG, else the search)'))
    .addOption(providerOption())
    .addOption(new Option('--base-url <url>', 'API base URL (env OPENROUTER_BASE_URL)'))
    .option('--debug', 'redacted request/response/retry/breaker log on stderr (env DEVSYNTH_DEBUG=1)')
    .option('--no-color', 'no colours (also NO_COLOR)')
    .showHelpAfterError('(run with --help for usage)')
    .addHelpText('after', EXAMPLES)
    .configureOutput({
      writeOut: (text) => io.stdout.write(text),
      writeErr: (text) => io.stderr.write(text),
    })
    .exitOverride();
  let runtime: Runtime | undefined;
  const getRuntime = () => (runtime ??= new Runtime(io, program.opts<GlobalOptions>()));
  for (const { create, hidden } of commands) {
    const command = create(getRuntime);
    // Hidden ones (__models, __templates) are the completion scripts' look-ups, answered as is.
    if (hidden) program.addCommand(command, { hidden: true });
    else program.addCommand(routed(command, io));
  }
  return program;
}

/** A command and its subcommands (models show, models recommend, …) with parse errors routed to the one handler (exit 2). */
function routed(command: Command, io: CliIO): Command {
  for (const sub of command.commands) routed(sub, io);
  return command.exitOverride().configureOutput({ writeOut: (t) => io.stdout.write(t), writeErr: (t) => io.stderr.write(t) });
}

// The first things a new user tries, each runnable as shown; every command's --help has more.
const EXAMPLES = `
Examples:
  devsynth-or --provider offline chat "Say hello"    no key, no network
  devsynth-or chat "Explain SSE in one paragraph"    needs OPENROUTER_API_KEY
  git diff | devsynth-or chat "Review this change"
  devsynth-or chat                                   the REPL, in a terminal
  devsynth-or chat --json "Say hi" | jq -r .content
  devsynth-or embed -f sentences.txt > vectors.ndjson
  devsynth-or models --free
  devsynth-or models show openai/gpt-4o-mini
  devsynth-or <command> --help                       more examples for each command`;
