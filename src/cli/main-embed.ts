// `devsynth-or embed …`'s own entry (dist/bundle/embed.cjs): the same program with the embed
// command only, so that a one-text embed reads, deserialises and runs a third of the CLI
// (scripts/bundle-cli.mjs; the bin picks it when `embed` is the first argument).
import type { CliIO } from '../app/runtime.js';
import { embedCommand } from './commands/embed.js';
import { runMain } from './run-main.js';

export function main(argv: string[], io?: CliIO): Promise<number> {
  return runMain(argv, [{ create: embedCommand }], io);
}
