// The tool-call loop: ask the model; while it asks for tools, run them and ask again with their
// results. Provider-neutral: anything with `chat()` will do (a FallbackProvider included).
//
// How it stops, on purpose:
// - the model answers without tool calls: the result, stopReason 'answer';
// - maxSteps model calls were made and the last still asked for tools: the result, stopReason
//   'max_steps', those calls unrun in `toolCalls` (an outcome rather than an error: the work so
//   far, its usage and the conversation stay the caller's to use or to continue);
// - the signal aborts: CancelledError, and no further request is sent, even if a handler ignores
//   the signal and finishes later;
// - a handler throws: that error, unchanged (the other handlers of the step see their signal
//   abort);
// - the beforeCall hook throws (a spend limit refusing the call): that error, and that call is
//   not sent;
// - the model names a tool the request does not define: not an error of ours; the model is
//   told, in that call's tool message, and the loop goes on.
// Tool-call arguments that are not JSON or fail the tool's schema end the call with
// AnswerContractError (exit 10), from the provider's stream.
import { ChatCollector } from './chat-stream.js';
import { CancelledError, UsageError } from './errors.js';
import type { CallOptions, ChatMessage, ChatRequest, ChatResult, StreamEvent, ToolCall, Usage } from './types.js';
import type { ChatStream } from './chat-stream.js';

/** What a handler is given besides the arguments. */
export interface ToolHandlerContext {
  /** The call being answered (id, name, raw arguments). */
  call: ToolCall;
  /** 1 for the first model call. */
  step: number;
  /** Aborts when the run is cancelled or another handler of the same step failed. */
  signal: AbortSignal;
}

/**
 * Runs one tool. `args` are the call's arguments, already validated against the tool's
 * `parameters`. The result is sent to the model as it is when it is a string, else as JSON.
 */
// `any`: the arguments were checked against the tool's JSON Schema, which the types cannot see;
// `unknown` would make every handler cast before it destructures.
export type ToolHandler = (args: any, context: ToolHandlerContext) => unknown;

/** A handler for every tool of the request, by function name. */
export type ToolHandlers = Readonly<Record<string, ToolHandler>>;

/** A tool's result, as it was fed back to the model. */
export type ToolResultEvent = Extract<StreamEvent, { type: 'tool_result' }>;

/** Everything a run shows: each step's stream events and each tool result. */
export type ToolRunEvent = StreamEvent | ToolResultEvent;

/** How one model call of a run ended: its result, or the error it failed with. */
export type ModelCallOutcome = { result: ChatResult; error?: undefined } | { error: unknown; result?: undefined };

/** Told how the model call that `beforeCall` allowed ended (the run goes on, or fails, after it). */
export type AfterModelCall = (outcome: ModelCallOutcome) => void | Promise<void>;

export interface RunToolsOptions extends CallOptions {
  /** The most model calls to make (default 10). */
  maxSteps?: number;
  /** Told every event of every step, in order, with the step's number (1 for the first). */
  onEvent?: (event: ToolRunEvent, step: number) => void;
  /**
   * Asked before each model call is sent, with the request exactly as it will go (its messages
   * grow with the tool results) and the step's number: a spend limit's check. Throwing stops the
   * run with that error before the call is sent. A function it returns is told how that call
   * ended, once its result (and usage) or its error is known, before the run goes on or fails.
   */
  beforeCall?: (request: ChatRequest, step: number) => AfterModelCall | void | Promise<AfterModelCall | void>;
}

/** The last step's answer, with the usage of all steps summed. */
export interface ToolRunResult extends ChatResult {
  /** 'answer': the model answered without tools; 'max_steps': it still asked for tools after maxSteps calls. */
  stopReason: 'answer' | 'max_steps';
  /** Each model call's own result, in order. */
  steps: ChatResult[];
  /**
   * The conversation: the request's messages, then each step's assistant turn and tool results,
   * then the final answer (with 'answer'). Ready to be sent again to continue.
   */
  messages: ChatMessage[];
}

export const DEFAULT_MAX_STEPS = 10;

/**
 * A handler's result that says the tool failed (or was not allowed to run) without stopping the
 * run: the model is told `content`, and the tool_result event has isError set.
 */
export class ToolFailure {
  constructor(readonly content: string) {}
}

type Chatty = { chat(request: ChatRequest, options?: CallOptions): ChatStream };

/** Asks `provider`, runs the tools it asks for with `handlers`, and asks again, until it answers. */
export async function runTools(
  provider: Chatty,
  request: ChatRequest,
  handlers: ToolHandlers,
  options: RunToolsOptions = {},
): Promise<ToolRunResult> {
  const maxSteps = options.maxSteps ?? DEFAULT_MAX_STEPS;
  checkSetup(request, handlers, maxSteps);
  const { signal } = options;
  const known = new Set(request.tools?.map((tool) => tool.function.name));
  const messages: ChatMessage[] = [...request.messages];
  const steps: ChatResult[] = [];

  for (let step = 1; ; step++) {
    throwIfCancelled(signal);
    const stepRequest: ChatRequest = { ...request, messages: [...messages] };
    const after = (await options.beforeCall?.(stepRequest, step)) ?? undefined;
    let result: ChatResult;
    try {
      // The hook may have waited (a lock): a cancel meanwhile still sends nothing.
      throwIfCancelled(signal);
      const collector = new ChatCollector();
      for await (const event of provider.chat(stepRequest, signal ? { signal } : {})) {
        collector.add(event);
        options.onEvent?.(event, step);
      }
      result = collector.result();
    } catch (error) {
      await after?.({ error });
      throw error;
    }
    await after?.({ result });
    steps.push(result);
    const calls = result.toolCalls ?? [];
    if (calls.length === 0) {
      messages.push({ role: 'assistant', content: result.content });
      return finish(result, 'answer', steps, messages);
    }
    if (step >= maxSteps) return finish(result, 'max_steps', steps, messages);

    messages.push({
      role: 'assistant',
      content: result.content,
      tool_calls: calls.map((call) => ({ id: call.id, type: 'function', function: { name: call.name, arguments: call.rawArguments } })),
    });
    const results = await runStep(calls, step, handlers, known, signal);
    for (const toolResult of results) {
      options.onEvent?.(toolResult, step);
      messages.push({ role: 'tool', tool_call_id: toolResult.id, content: toolResult.content });
    }
  }
}

function checkSetup(request: ChatRequest, handlers: ToolHandlers, maxSteps: number): void {
  if (!Number.isSafeInteger(maxSteps) || maxSteps < 1) {
    throw new UsageError(`maxSteps must be a whole number of at least 1, got ${String(maxSteps)}`);
  }
  if (!request.tools || request.tools.length === 0) throw new UsageError('runTools needs a request with tools');
  const missing = request.tools.map((tool) => tool.function.name).filter((name) => typeof handlers[name] !== 'function');
  if (missing.length > 0) throw new UsageError(`no handler for tool${missing.length > 1 ? 's' : ''} ${missing.join(', ')}`);
}

/** Runs one step's calls in parallel; the results in the calls' order. */
async function runStep(
  calls: readonly ToolCall[],
  step: number,
  handlers: ToolHandlers,
  known: ReadonlySet<string>,
  signal: AbortSignal | undefined,
): Promise<ToolResultEvent[]> {
  // One controller for the step: the caller's cancel reaches every handler, and so does the
  // failure of one of them (its siblings' results would be thrown away anyway).
  const stepController = new AbortController();
  const onAbort = () => stepController.abort(signal?.reason);
  signal?.addEventListener('abort', onAbort, { once: true });
  try {
    const running = Promise.all(
      calls.map(async (call): Promise<ToolResultEvent> => {
        const handler = known.has(call.name) ? handlers[call.name] : undefined;
        if (!handler) {
          const content = `error: there is no tool named ${JSON.stringify(call.name)}; the tools are ${[...known].join(', ')}`;
          return { type: 'tool_result', id: call.id, name: call.name, content, isError: true };
        }
        const value = await handler(call.arguments, { call, step, signal: stepController.signal });
        if (value instanceof ToolFailure) return { type: 'tool_result', id: call.id, name: call.name, content: value.content, isError: true };
        return { type: 'tool_result', id: call.id, name: call.name, content: asToolContent(value), isError: false };
      }),
    );
    running.catch(() => stepController.abort());
    // A handler that ignores its signal must not hold a cancelled run: the cancel wins the race.
    const results = await Promise.race([running, cancelled(stepController.signal, signal)]);
    throwIfCancelled(signal);
    return results;
  } finally {
    signal?.removeEventListener('abort', onAbort);
  }
}

/** A promise that rejects with CancelledError when the caller's signal aborts (never otherwise). */
function cancelled(stepSignal: AbortSignal, signal: AbortSignal | undefined): Promise<never> {
  return new Promise((_, reject) => {
    if (!signal) return;
    const stop = () => {
      if (signal.aborted) reject(cancelError(signal));
    };
    if (signal.aborted) stop();
    else stepSignal.addEventListener('abort', stop, { once: true });
  });
}

function throwIfCancelled(signal: AbortSignal | undefined): void {
  if (signal?.aborted) throw cancelError(signal);
}

function cancelError(signal: AbortSignal): CancelledError {
  return signal.reason instanceof CancelledError ? signal.reason : new CancelledError('cancelled by the user');
}

/** A string as it is; anything else as JSON (undefined: "null", since a tool message needs content). */
function asToolContent(value: unknown): string {
  if (typeof value === 'string') return value;
  return JSON.stringify(value) ?? 'null';
}

function finish(last: ChatResult, stopReason: ToolRunResult['stopReason'], steps: ChatResult[], messages: ChatMessage[]): ToolRunResult {
  const result: ToolRunResult = { ...last, stopReason, steps, messages };
  const usage = sumUsage(steps);
  if (usage) result.usage = usage;
  else delete result.usage;
  return result;
}

/** Token counts and cost added up over the steps; cost only when some step reported one. */
export function sumUsage(steps: readonly ChatResult[]): Usage | undefined {
  const usages = steps.map((step) => step.usage).filter((usage): usage is Usage => usage !== undefined);
  if (usages.length === 0) return undefined;
  const total: Usage = { prompt_tokens: 0, completion_tokens: 0, total_tokens: 0 };
  for (const usage of usages) {
    total.prompt_tokens += usage.prompt_tokens ?? 0;
    total.completion_tokens += usage.completion_tokens ?? 0;
    total.total_tokens += usage.total_tokens ?? 0;
  }
  // A cost only when every step reported one: the sum of some would read as the server's figure
  // for all of them. Without it the caller estimates the whole from the tokens (settle-cost.ts:
  // several generations are never looked up by one of their ids).
  const costs = steps.map((step) => step.usage?.cost);
  if (costs.every((cost): cost is number => typeof cost === 'number')) total.cost = costs.reduce((sum, cost) => sum + cost, 0);
  return total;
}
