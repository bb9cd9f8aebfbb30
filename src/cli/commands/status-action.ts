// What `devsynth-or status` does (status.ts defines the command; this loads when it runs, so
// that other commands' start-up does not pay for it).
import { budgetLine, budgetsReport } from '../../app/budget/report.js';
import type { Runtime } from '../../app/runtime.js';
import { providersInUse } from '../../config/providers-in-use.js';
import { type BreakerState, DevsynthError, type KeyInfo } from '../../core/index.js';
import { formatDollars } from '../../ui/format-usage.js';
import { terminalSafe, terminalSafeJson } from '../../ui/terminal-safe.js';

function age(ms: number | undefined): string {
  if (ms === undefined) return 'never fetched';
  const minutes = Math.round(ms / 60_000);
  return minutes < 90 ? `${minutes} min old` : `${Math.round(minutes / 60)} h old`;
}

const count = (n: number, noun: string) => `${n} ${noun}${n === 1 ? '' : 's'}`;

/**
 * The breakers of the providers this run would use, in chain order, closed where none was
 * recorded; the offline provider has none. Another provider's breaker (openrouter's, under
 * --provider offline) is no news about this run.
 */
function breakersOf(providers: readonly string[], recorded: Record<string, BreakerState>): Record<string, BreakerState> {
  return Object.fromEntries(providers.filter((name) => name !== 'offline').map((name) => [name, recorded[name] ?? { state: 'closed', failures: 0 }]));
}

/** Prints the status report: a few labelled lines, or JSON. */
export async function showStatus(rt: Runtime, flags: { json?: boolean }): Promise<void> {
  const providers = providersInUse((await rt.config()).config.llm);
  // Read before the key request below, whose answer closes a breaker: failures counted by
  // earlier runs are what status is asked for.
  const breakers = breakersOf(providers, rt.breakers().all());
  let key: KeyInfo | { error: string } | null = null;
  try {
    key = await (await rt.provider({ needsKey: true })).getKeyInfo();
  } catch (error) {
    if (!(error instanceof DevsynthError)) throw error;
    key = { error: error.message };
  }
  const catalogue = await rt.catalogue();
  const usage = rt.usage();
  const report = {
    providers,
    key,
    breakers,
    caches: { models: catalogue.age('models') ?? null, embeddings: catalogue.age('embeddings') ?? null },
    usage: { today: usage.day(), total: usage.total() },
    budgets: await budgetsReport(rt),
    state_dir: rt.paths.state,
  };
  if (flags.json) {
    rt.io.stdout.write(`${terminalSafeJson(report, 2)}\n`);
    return;
  }
  const out: string[] = [];
  out.push(`providers:  ${providers[0]}${providers.length > 1 ? ` (then ${providers.slice(1).join(', ')} when it is unavailable)` : ''}`);
  if (key && 'error' in key) out.push(`key:        ${key.error}`);
  else if (key) {
    const limit = key.limit === null ? 'no limit' : `${formatDollars(key.limit_remaining ?? undefined) ?? '?'} left of ${formatDollars(key.limit) ?? '?'}${key.limit_reset ? ` (${key.limit_reset})` : ''}`;
    out.push(`key:        ${key.label ?? '(unnamed)'}, ${limit}, used ${formatDollars(key.usage) ?? '?'}${key.is_free_tier ? ', free tier' : ''}`);
  }
  const states = Object.entries(breakers);
  out.push(`breakers:   ${states.length ? states.map(([name, s]) => `${name} ${s.state}${s.state === 'open' ? ` until ${new Date(s.retryAt).toISOString()}` : ''} (${count(s.failures, 'failure')})`).join('; ') : 'none (the offline provider has no circuit breaker)'}`);
  out.push(`caches:     models ${age(report.caches.models ?? undefined)}, embeddings ${age(report.caches.embeddings ?? undefined)}`);
  const total = report.usage.total;
  out.push(`usage:      ${count(total.requests, 'request')}, ${count(total.prompt_tokens + total.completion_tokens, 'token')}, ${formatDollars(total.cost) ?? '$0'} in all`);
  out.push(`budgets:    ${report.budgets.length ? report.budgets.map(budgetLine).join('; ') : 'none (budget: in the config sets them)'}`);
  out.push(`state:      ${rt.paths.state}`);
  // The key's label and error come from the server, the breakers and paths from state files.
  rt.io.stdout.write(`${terminalSafe(out.join('\n'))}\n`);
}
