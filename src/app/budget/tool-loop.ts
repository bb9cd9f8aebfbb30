// Spend limits for a chat whose model calls tools: every model call of the loop (runTools) is
// checked, not only the first. Before each call is sent, the worst case of that call's own
// request (its prompt grows with every tool result; the tools offered count too) is reserved;
// refused, the loop stops there (SpendLimitError, exit 11) and nothing more is sent. Once a
// call is answered its reservation holds its real cost (reported, else estimated from the
// catalogue; unknown: the worst case stays), so the next call's check counts what was spent.
// The run records the calls' usage (summed) once it ends; then settle() settles each call.
//
//   const loop = toolLoopBudget(runtime, budget, provider, { models, maxTokens, label });
//   await loop.reserveFirst(request);            // before anything starts (refused: nothing sent)
//   runTools(provider, request, handlers, { beforeCall: loop.beforeCall });
//   ...record the usage (on failure: loop.answeredUsage(), the calls that were answered)...
//   await loop.settle();
import { type AfterModelCall, type ChatRequest, type ChatResult, DevsynthError, type Usage } from '../../core/index.js';
import { sumUsage } from '../../core/run-tools.js';
import { pricesOf } from '../cost/prices.js';
import { reportedCost, settleCost } from '../cost/settle-cost.js';
import type { Runtime } from '../runtime.js';
import { type BudgetGuard, costOfFailure, type Reservation } from './guard.js';
import { chatWorstCase } from './worst-case.js';

export interface ToolLoopBudget {
  /** Reserves the first call before the loop starts: refused, nothing has begun. */
  reserveFirst(request: ChatRequest): Promise<void>;
  /** runTools' beforeCall: reserves the call (refused: throws, and it is not sent). */
  beforeCall(request: ChatRequest, step: number): Promise<AfterModelCall>;
  /** The usage of the calls answered so far, each with its cost where known; undefined: none. */
  answeredUsage(): Usage | undefined;
  /** After the usage is recorded: every call's reservation settled at its cost. */
  settle(): Promise<void>;
}

interface Call {
  reservation: Reservation;
  /** What it cost, once known; undefined: unknown, the worst case counts. */
  cost?: number | undefined;
  result?: ChatResult;
}

export function toolLoopBudget(
  runtime: Runtime,
  budget: BudgetGuard,
  provider: { id: string; endpoint(): string },
  options: { models: readonly string[]; maxTokens: number; label: string },
): ToolLoopBudget {
  const calls: Call[] = [];
  let first: Reservation | undefined;
  const answered = () => calls.filter((call): call is Call & { result: ChatResult } => call.result !== undefined);

  const reserve = async (request: ChatRequest, step: number): Promise<Reservation> => {
    const worst = await chatWorstCase(runtime, provider, { models: options.models, messages: request.messages, maxTokens: options.maxTokens, tools: request.tools });
    const what = step === 1 ? `this chat (${options.label})` : `model call ${step} of this chat, with the tool results so far (${options.label})`;
    try {
      return await budget.reserve(worst, what);
    } catch (error) {
      // The answer so far stays the run's: shown, and kept with the turn, as a cut-short answer is.
      const content = answered().map((call) => call.result.content).join('');
      if (error instanceof DevsynthError && content && error.partialContent === undefined) error.partialContent = content;
      throw error;
    }
  };

  /** A call's cost: the reported one, else catalogue prices × its tokens (OpenRouter's own answers only). */
  const costOf = async (result: ChatResult): Promise<number | undefined> => {
    if (!result.usage) return undefined;
    const reported = reportedCost(result.usage);
    if (reported !== undefined || provider.id !== 'openrouter' || result.answeredBy !== undefined) return reported;
    const settled = await settleCost(result.usage, { model: result.model }, { prices: (name) => pricesOf(runtime, name), model: options.models[0], debug: runtime.debug });
    return reportedCost(settled);
  };

  return {
    async reserveFirst(request) {
      first = await reserve(request, 1);
    },
    async beforeCall(request, step) {
      const taken = step === 1 ? first : undefined;
      first = undefined;
      const call: Call = { reservation: taken ?? (await reserve(request, step)) };
      calls.push(call);
      return async (outcome) => {
        if (outcome.result) {
          call.result = outcome.result;
          call.cost = await costOf(outcome.result);
          await call.reservation.hold(call.cost);
        } else {
          call.cost = costOfFailure(outcome.error);
        }
      };
    },
    answeredUsage() {
      return sumUsage(
        answered().map((call) => {
          const { cost: _unsure, ...usage } = call.result.usage ?? { prompt_tokens: 0, completion_tokens: 0, total_tokens: 0 };
          return { ...call.result, usage: call.cost !== undefined ? { ...usage, cost: call.cost } : usage };
        }),
      );
    },
    async settle() {
      // A first call reserved and never made (the loop failed before it): it spent nothing.
      await first?.settle(0);
      first = undefined;
      for (const call of calls) await call.reservation.settle(call.cost);
    },
  };
}
