// `devsynth-or usage`: what was spent, on how many requests and tokens, by day, model or
// provider, from the usage records (app/usage-report.ts); a table in a terminal, tab-separated
// lines in a pipe, or one JSON object.
import { Command, Option } from 'commander';
import type { Runtime } from '../../app/runtime.js';
import { sinceDay, USAGE_GROUPINGS, type UsageGrouping, type UsageReport, usageReport } from '../../app/usage-report.js';
import { formatDollars } from '../../ui/format-usage.js';
import { renderTable } from '../../ui/render-table.js';
import { terminalSafe, terminalSafeJson } from '../../ui/terminal-safe.js';

/** A cost for a pipe: a plain decimal, never in exponent notation. */
function plainCost(amount: number): string {
  if (amount === 0) return '0';
  return amount.toFixed(10).replace(/0+$/, '').replace(/\.$/, '');
}

/** The rows, then the total; costs as dollars in a terminal and as plain numbers in a pipe. */
function reportTable(report: UsageReport, tty: boolean): string {
  const money = (amount: number) => (tty ? (formatDollars(amount) ?? '') : plainCost(amount));
  const line = (key: string, row: UsageReport['total']) => [
    key,
    String(row.requests),
    String(row.prompt_tokens),
    String(row.completion_tokens),
    money(row.cost),
    money(row.cost_by_source.looked_up),
    money(row.cost_by_source.estimated),
  ];
  const rows = [...report.rows.map((row) => line(row.key, row)), line('total', report.total)];
  return renderTable(rows, {
    tty,
    right: new Set([1, 2, 3, 4, 5, 6]),
    header: [report.by, 'requests', 'prompt', 'completion', 'cost', 'looked up', 'estimated'],
  });
}

export function usageCommand(runtime: () => Runtime): Command {
  return new Command('usage')
    .description('spend, requests and tokens by day, model or provider, from the usage records')
    .option('--since <when>', 'a duration back from now (7d, 12h, 2w) or a date YYYY-MM-DD', '30d')
    .addOption(new Option('--by <what>', 'one row per').choices([...USAGE_GROUPINGS]).default('day'))
    .option('--json', 'print one JSON object: {since, by, rows, total}')
    .addHelpText(
      'after',
      '\nCosts are OpenRouter\'s own where it reported them; "looked up" came from GET /generation and\n' +
        '"estimated" from catalogue prices × tokens. Days are UTC.\n' +
        '\nExamples:\n  devsynth-or usage\n  devsynth-or usage --since 7d --by model\n  devsynth-or usage --since 2026-11-01 --by provider --json',
    )
    .action((flags: { since: string; by: UsageGrouping; json?: boolean }) => {
      const rt = runtime();
      // Checked before the records are read: a misspelt --since is a usage error.
      const since = sinceDay(flags.since, new Date());
      const report = usageReport(rt.usage().daysFrom(since), since, flags.by);
      if (flags.json) {
        rt.io.stdout.write(`${terminalSafeJson(report)}\n`);
        return;
      }
      if (report.rows.length === 0) {
        rt.io.stderr.write(`devsynth-or: no usage recorded since ${since}\n`);
        return;
      }
      const tty = Boolean(rt.io.stdout.isTTY);
      rt.io.stdout.write(reportTable(report, tty));
      if (tty) {
        const { estimated, looked_up: lookedUp } = report.total.cost_by_source;
        const sources = [lookedUp > 0 ? `${formatDollars(lookedUp)} looked up` : '', estimated > 0 ? `${formatDollars(estimated)} estimated` : ''].filter(Boolean);
        rt.io.stderr.write(terminalSafe(`since ${since} (UTC): ${formatDollars(report.total.cost)} in all${sources.length ? `, of it ${sources.join(' and ')}` : ', all reported by the server'}\n`));
      }
    });
}
