// The budget guard against the real usage file and ledger in a temporary state folder: limits,
// resets, concurrent reservations in one process, and reservations left by gone processes.
import { lstatSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from '@jest/globals';
import { costOfFailure, createBudgetGuard, dollars, limitText, periodOf, type Limit } from '../../../../src/app/budget/guard.js';
import { assumedPrices, embedWorstCase, isLoopback } from '../../../../src/app/budget/worst-case.js';
import { OpenRouterConnectionError, SpendLimitError } from '../../../../src/core/index.js';
import type { Runtime } from '../../../../src/app/runtime.js';
import { createBudgetLedger, RESERVATION_STALE_MS } from '../../../../src/state/budget-ledger.js';
import { THIS_HOST } from '../../../../src/state/safe-files.js';
import { createUsageStore } from '../../../../src/state/usage-store.js';

const dirs: string[] = [];
const tempDir = () => {
  const dir = mkdtempSync(join(tmpdir(), 'devsynth-budget-'));
  dirs.push(dir);
  return dir;
};
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

const NOON = Date.parse('2026-11-29T12:00:00Z');
const quiet = () => {};

function parts(dir: string, limits: Limit[], now = () => NOON) {
  const usage = createUsageStore(dir, { warn: quiet, now: () => new Date(now()) });
  const ledger = createBudgetLedger(dir, { warn: quiet, now });
  return { usage, ledger, guard: () => createBudgetGuard({ limits, usage, ledger, now }) };
}

async function refusal(promise: Promise<unknown>): Promise<SpendLimitError> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(SpendLimitError);
  return error as SpendLimitError;
}

describe('limits of one run', () => {
  it('--max-cost: reserves while the worst cases fit, refuses the one that would pass it, and stays reached', async () => {
    const guard = createBudgetGuard({ limits: [{ name: 'max_cost', usd: 0.5 }] });
    const first = await guard.reserve(0.3, 'the first request');
    await first.settle(0.1);
    expect(guard.spent()).toBeCloseTo(0.1);
    // 0.1 spent + 0.4 fits exactly.
    const second = await guard.reserve(0.4, 'the second request');
    const error = await refusal(guard.reserve(0.01, 'a third request'));
    expect(error.message).toBe(
      'a third request could cost up to $0.01, more than is left of --max-cost $0.50 ($0.10 spent in this run and $0.40 reserved by requests in flight); nothing was sent, the limit is for this run',
    );
    expect(error.toJSON()).toMatchObject({ kind: 'spend_limit', exit_code: 11, limit: 'max_cost', limit_usd: 0.5, spent_usd: 0.1 });
    expect(error.resetsAt).toBeUndefined();
    await second.settle(0);
    // Reached once: nothing more, even what would now fit.
    await expect(guard.reserve(0.01, 'later')).rejects.toBe(error);
  });

  it('settle(undefined) counts the worst case; a second settle does nothing', async () => {
    const guard = createBudgetGuard({ limits: [{ name: 'per_run', usd: 1 }] });
    const r = await guard.reserve(0.25, 'x');
    await r.settle(undefined);
    await r.settle(0);
    expect(guard.spent()).toBe(0.25);
    const error = await refusal(guard.reserve(0.8, 'y'));
    expect(error.message).toContain('the per-run budget of $1.00 ($0.25 spent in this run)');
  });

  it('a request with no known price is refused under a limit; a free one passes a limit of 0', async () => {
    const guard = createBudgetGuard({ limits: [{ name: 'max_cost', usd: 0 }] });
    await (await guard.reserve(0, 'a free request')).settle(0);
    const error = await refusal(guard.reserve(undefined, 'this chat (openai/gpt-5)'));
    expect(error.message).toBe('this chat (openai/gpt-5) has no known price, so it cannot be kept within --max-cost $0.00 ($0.00 spent in this run); nothing was sent');
    expect(error.hint).toContain('catalogue price');
  });

  it('concurrent reservations in one process never overcommit', async () => {
    const guard = createBudgetGuard({ limits: [{ name: 'max_cost', usd: 1 }] });
    const results = await Promise.allSettled(Array.from({ length: 10 }, (_, i) => guard.reserve(0.3, `request ${i}`)));
    expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(3);
    expect(results.filter((r) => r.status === 'rejected').every((r) => (r as PromiseRejectedResult).reason instanceof SpendLimitError)).toBe(true);
  });
});

describe('daily and monthly budgets', () => {
  it('count the usage recorded by every process today, name the limit and the next UTC midnight', async () => {
    const dir = tempDir();
    const { usage, guard } = parts(dir, [{ name: 'daily', usd: 5 }]);
    await usage.record('openai/gpt-4o', { prompt_tokens: 1, completion_tokens: 1, total_tokens: 2, cost: 4.9 });
    const error = await refusal(guard().reserve(0.2, 'this chat'));
    expect(error.message).toBe(
      'this chat could cost up to $0.20, more than is left of the daily budget of $5.00 ($4.90 spent today (UTC)); nothing was sent, it resets at 2026-11-30 00:00 UTC',
    );
    expect(error.toJSON()).toMatchObject({ limit: 'daily', limit_usd: 5, spent_usd: 4.9, resets_at: '2026-11-30T00:00:00.000Z' });
    // Yesterday's spend is not today's.
    const tomorrow = parts(dir, [{ name: 'daily', usd: 5 }], () => NOON + 24 * 3600_000);
    await (await tomorrow.guard().reserve(4.99, 'tomorrow')).settle(1);
  });

  it('monthly counts from the first of the month and resets on the first of the next', async () => {
    const dir = tempDir();
    let now = Date.parse('2026-12-01T08:00:00Z');
    const { usage, guard } = parts(dir, [{ name: 'monthly', usd: 10 }], () => now);
    await usage.record('m', { prompt_tokens: 0, completion_tokens: 0, total_tokens: 0, cost: 6 });
    now = Date.parse('2026-12-31T23:00:00Z');
    await usage.record('m', { prompt_tokens: 0, completion_tokens: 0, total_tokens: 0, cost: 3.5 });
    const error = await refusal(guard().reserve(1, 'this chat'));
    expect(error.spentUsd).toBeCloseTo(9.5);
    expect(error.resetsAt).toBe('2027-01-01T00:00:00.000Z');
    now = Date.parse('2027-01-01T00:00:01Z');
    await expect(guard().reserve(1, 'this chat')).resolves.toBeDefined();
  });

  it('a reservation of another live guard counts until it settles; the usage recorded then counts instead', async () => {
    const dir = tempDir();
    const { usage, ledger, guard } = parts(dir, [{ name: 'daily', usd: 1 }]);
    const a = guard();
    const b = guard();
    const held = await a.reserve(0.7, 'a');
    const error = await refusal(b.reserve(0.4, 'b'));
    expect(error.message).toContain('($0.00 spent today (UTC) and $0.70 reserved by requests in flight)');
    expect(ledger.read().reserved).toBeCloseTo(0.7);
    await usage.record('m', { prompt_tokens: 0, completion_tokens: 0, total_tokens: 0, cost: 0.5 });
    await held.settle(0.5);
    expect(ledger.read().reserved).toBe(0);
    await expect(guard().reserve(0.5, 'c')).resolves.toBeDefined();
    await refusal(guard().reserve(0.01, 'd'));
  });

  it('spend the usage file does not hold (unknown cost, embed) is kept in the ledger and counted', async () => {
    const dir = tempDir();
    const { ledger, guard } = parts(dir, [{ name: 'daily', usd: 1 }]);
    await (await guard().reserve(0.3, 'unknown')).settle(undefined);
    await (await guard().reserve(0.3, 'embed')).settle(0.2, { recorded: false });
    expect(ledger.read().unrecordedBetween('2026-11-29', '2026-11-29')).toBeCloseTo(0.5);
    const error = await refusal(guard().reserve(0.6, 'more'));
    expect(error.spentUsd).toBeCloseTo(0.5);
  });

  it('drops the reservation of a dead process and one older than the bound; keeps a live one', async () => {
    const dir = tempDir();
    const { ledger, guard } = parts(dir, [{ name: 'daily', usd: 1 }]);
    const reservation = (id: string, pid: number, at: number) => ({ id, host: THIS_HOST, pid, at, usd: 0.6 });
    writeFileSync(
      ledger.path,
      JSON.stringify({
        reservations: [reservation('dead', 2 ** 22 + 12345, NOON), reservation('old', process.pid, NOON - RESERVATION_STALE_MS - 1)],
        unrecorded: {},
      }),
    );
    expect(ledger.read().reserved).toBe(0);
    await (await guard().reserve(0.9, 'fits')).settle(0);
    const file = JSON.parse(readFileSync(ledger.path, 'utf8')) as { reservations: unknown[] };
    expect(file.reservations).toEqual([]);
    writeFileSync(ledger.path, JSON.stringify({ reservations: [reservation('live', process.pid, NOON)], unrecorded: {} }));
    await refusal(guard().reserve(0.5, 'too much'));
  });

  it('hold(): an answered request counts at its real cost until it settles, as spent in this run and reserved in the ledger', async () => {
    const dir = tempDir();
    const { usage, ledger, guard } = parts(dir, [{ name: 'daily', usd: 1 }, { name: 'max_cost', usd: 0.9 }]);
    const run = guard();
    const first = await run.reserve(0.7, 'call 1');
    // At its worst case, call 1 leaves no room for call 2; at the 0.1 it cost, it does.
    await first.hold(0.1);
    expect(run.spent()).toBeCloseTo(0.1);
    expect(ledger.read().reserved).toBeCloseTo(0.1);
    const second = await run.reserve(0.7, 'call 2');
    await second.hold(0.2);
    // Another run sees this one's held spend as reserved; this run names it spent.
    const other = await refusal(guard().reserve(0.75, 'another run'));
    expect(other.message).toContain('($0.00 spent today (UTC) and $0.30 reserved by requests in flight)');
    const own = await refusal(run.reserve(0.75, 'call 3'));
    expect(own.message).toContain('more than is left of --max-cost $0.90 ($0.30 spent in this run)');
    // Recorded, then settled: the usage file counts it, the ledger no longer does.
    await usage.record('m', { prompt_tokens: 0, completion_tokens: 0, total_tokens: 0, cost: 0.3 });
    await first.settle(0.1);
    await second.settle(0.2);
    expect(run.spent()).toBeCloseTo(0.3);
    expect(ledger.read().reserved).toBe(0);
    expect(ledger.read().unrecordedBetween('2026-11-29', '2026-11-29')).toBe(0);
    // An unknown cost holds nothing: the worst case stays, and settles as spend the usage file lacks.
    const unknown = await guard().reserve(0.2, 'unknown');
    await unknown.hold(undefined);
    expect(ledger.read().reserved).toBeCloseTo(0.2);
    await unknown.settle(undefined);
    expect(ledger.read().unrecordedBetween('2026-11-29', '2026-11-29')).toBeCloseTo(0.2);
  });

  it('never follows a link planted at the ledger; an invalid ledger is set aside', async () => {
    const dir = tempDir();
    const target = join(tempDir(), 'elsewhere.json');
    writeFileSync(target, 'do not touch');
    const { ledger, guard } = parts(dir, [{ name: 'daily', usd: 1 }]);
    symlinkSync(target, ledger.path);
    await (await guard().reserve(0.1, 'x')).settle(0.1, { recorded: false });
    expect(readFileSync(target, 'utf8')).toBe('do not touch');
    rmSync(ledger.path, { force: true });
    writeFileSync(ledger.path, JSON.stringify({ reservations: [{ id: 'x', host: THIS_HOST, pid: process.pid, at: NOON, usd: -50 }], unrecorded: {} }));
    // A negative reservation would lend money: the file is invalid, set aside, and counts nothing.
    await refusal(guard().reserve(1.5, 'y'));
    expect(lstatSync(ledger.path).isSymbolicLink()).toBe(false);
  });
});

describe('texts and helpers', () => {
  it('names limits and periods', () => {
    expect(limitText({ name: 'max_cost', usd: 0.5 })).toBe('--max-cost $0.50');
    expect(limitText({ name: 'daily', usd: 5 })).toBe('the daily budget of $5.00');
    expect(limitText({ name: 'monthly', usd: 100 })).toBe('the monthly budget of $100.00');
    expect(dollars(0.00042)).toBe('$0.00042');
    expect(periodOf('daily', Date.parse('2026-12-31T23:59:59Z')).resetsAt).toBe('2027-01-01T00:00:00.000Z');
    expect(periodOf('monthly', Date.parse('2026-02-15T00:00:00Z'))).toMatchObject({ from: '2026-02-01', to: '2026-02-15', resetsAt: '2026-03-01T00:00:00.000Z' });
  });

  it('a refused request (HTTP error, no answer) cost nothing; anything else is unknown', () => {
    expect(costOfFailure(new OpenRouterConnectionError('server', '503', { status: 503 }))).toBe(0);
    expect(costOfFailure(new OpenRouterConnectionError('truncated', 'cut', { status: 502, partialContent: 'half' }))).toBeUndefined();
    expect(costOfFailure(new Error('boom'))).toBeUndefined();
  });

  it('prices embeddings by the estimated tokens; loopback servers are local', () => {
    expect(embedWorstCase({ prompt: 0.001, completion: 1, request: 0 }, ['abc', 'abcdef'])).toBeCloseTo(0.001 * (1 + 4 + 2 + 4));
    expect(isLoopback('http://127.0.0.1:1234/v1')).toBe(true);
    expect(isLoopback('http://[::1]:11434/v1')).toBe(true);
    expect(isLoopback('http://localhost/v1')).toBe(true);
    expect(isLoopback('https://openrouter.invalid/api/v1')).toBe(false);
  });

  it('other providers publish no prices: a remote one is unknown (refused under a limit), a local server and offline cost 0', async () => {
    // No catalogue is asked for: the runtime is never used.
    const runtime = {} as Runtime;
    const free = [{ prompt: 0, completion: 0, request: 0 }];
    expect(await assumedPrices(runtime, { id: 'openai', endpoint: () => 'https://api.openai.invalid/v1' }, ['gpt-4o'])).toBeUndefined();
    expect(await assumedPrices(runtime, { id: 'lmstudio', endpoint: () => 'http://127.0.0.1:1234/v1' }, ['qwen'])).toEqual(free);
    expect(await assumedPrices(runtime, { id: 'offline', endpoint: () => 'offline' }, ['x'])).toEqual(free);
  });
});
