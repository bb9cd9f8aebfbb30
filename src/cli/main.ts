// The full CLI's entry (dist/bundle/cli.cjs): every command.
import type { CliIO } from '../app/runtime.js';
import { ALL_COMMANDS } from './commands/all.js';
import { runMain } from './run-main.js';

export function main(argv: string[], io?: CliIO): Promise<number> {
  return runMain(argv, ALL_COMMANDS, io);
}
