// `devsynth-or status`: the key's credits and limits (GET /key), the circuit breakers, the
// caches' ages, accumulated usage, and the spend budgets. status-action.ts does the work.
import { Command } from 'commander';
import type { Runtime } from '../../app/runtime.js';

export function statusCommand(runtime: () => Runtime): Command {
  return new Command('status')
    .description('providers, key credits and limits, circuit breakers, caches, usage, budgets')
    .option('--json', 'print JSON')
    .addHelpText('after', '\nExamples:\n  devsynth-or status\n  devsynth-or status --json | jq .key.limit_remaining')
    .action(async (flags: { json?: boolean }) => (await import('./status-action.js')).showStatus(runtime(), flags));
}
