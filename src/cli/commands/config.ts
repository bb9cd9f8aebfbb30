// `devsynth-or config` (the effective settings, each with its source, secrets hidden) and
// `devsynth-or config path` (the files in play).
import { Command } from 'commander';
import type { Runtime } from '../../app/runtime.js';
import { configPaths, describeConfig, rowText } from '../../config/describe-config.js';
import { renderTable } from '../../ui/render-table.js';

export function configCommand(runtime: () => Runtime): Command {
  const command = new Command('config')
    .description('show the effective configuration and where each value comes from')
    .option('--json', 'print JSON')
    .addHelpText('after', '\nExamples:\n  devsynth-or config\n  devsynth-or config path\n  OPENROUTER_MODEL=openai/gpt-4o devsynth-or config --json')
    .action(async (flags: { json?: boolean }) => {
      const rt = runtime();
      const loaded = await rt.config();
      // Settings that would stop a run using that provider, though this one does not.
      for (const problem of loaded.problems) rt.warn(`${problem} (not used now: refused when that provider is)`);
      // The key in use may come from the OS keyring; no setting may show it either.
      const inUse = (await rt.resolveKey())?.key;
      const rows = describeConfig(loaded, rt.io.env, inUse ? [inUse] : []);
      if (flags.json) rt.io.stdout.write(`${JSON.stringify(rows, null, 2)}\n`);
      else rt.io.stdout.write(renderTable(rows.map((r) => [r.path, rowText(r), r.source]), { tty: Boolean(rt.io.stdout.isTTY), header: ['key', 'value', 'source'] }));
    });
  command
    .command('path')
    .description('list the configuration files: defaults, user, project, --config')
    .option('--json', 'print JSON')
    // `config path --json`: the parent's own --json takes the flag first (commander reads a
    // parent's options anywhere on the line), so both levels are asked.
    .action(async (_flags: unknown, self: Command) => {
      const flags = self.optsWithGlobals<{ json?: boolean }>();
      const rt = runtime();
      const paths = configPaths(await rt.config());
      if (flags.json) rt.io.stdout.write(`${JSON.stringify(paths, null, 2)}\n`);
      else rt.io.stdout.write(renderTable(paths.map((p) => [p.role, p.path, p.used ? 'used' : 'absent']), { tty: Boolean(rt.io.stdout.isTTY) }));
    });
  return command;
}
