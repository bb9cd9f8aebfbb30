// The commander root: global options, and parse errors routed to the one error handler.
import { Command, Option } from 'commander';
import { packageVersion } from './version.js';

export function buildProgram(): Command {
  const program = new Command('devsynth-or')
    .description('OpenRouter from the terminal, shell pipes and CI')
    .version(packageVersion(), '-V, --version')
    .addOption(new Option('--config <file>', 'YAML config file').env('DEVSYNTH_CONFIG'))
    .addOption(
      new Option('--provider <name>', 'provider to use').choices(['openrouter', 'offline', 'lmstudio', 'local', 'openai']).env('DEVSYNTH_PROVIDER'),
    )
    .addOption(new Option('--base-url <url>', 'API base URL').env('OPENROUTER_BASE_URL'))
    .option('--debug', 'redacted request/response/retry/breaker log on stderr')
    .option('--no-color', 'no colours (also NO_COLOR)')
    .showHelpAfterError('(run with --help for usage)')
    .exitOverride();
  return program;
}
