// One batch item's request and answer: the one place every item goes through. The batch's
// context (provider, model, routing, template, schema) is made once; each item makes its
// request from it (its own prompt or messages, variables, model, attachments, settings) and
// sends it. Budgets, the response cache and exact cost wrap answerItem.
import {
  type BaseProvider,
  type ChatMessage,
  type ChatRequest,
  type ContentPart,
  collectChat,
  estimateTokens,
  type StreamEvent,
  type Usage,
  UsageError,
} from '../../core/index.js';
import { type BudgetGuard, costOfFailure, type Reservation } from '../budget/guard.js';
import { assumedPrices } from '../budget/worst-case.js';
import { type Prices, worstCaseCost } from '../cost/prices.js';
import { costSettling, withSettledCost } from '../cost/settle-cost.js';
import { chatCache } from '../response-cache/index.js';
import type { LoadedConfig } from '../../config/load-config.js';
import { refuseUnreadableAttachments } from '../inputs/attachment-modalities.js';
import { readAttachment, userContent } from '../inputs/attachments.js';
import type { AnswerShaper } from '../../ui/plain-writer.js';
import { fillVariables, missingVariables, renderPrompt } from '../templates/render-template.js';
import type { Template } from '../templates/template-files.js';
import type { Runtime } from '../runtime.js';
import type { BatchItem } from './items.js';

/** What every item shares, made once per batch (run-batch.ts). */
export interface BatchContext {
  runtime: Runtime;
  provider: BaseProvider;
  loaded: LoadedConfig;
  /** -m (aliases resolved), a template's model, else the provider's. */
  model?: string;
  /** --fallback-model, sent as OpenRouter's `models`. */
  fallbacks: string[];
  system?: string;
  temperature?: number;
  maxTokens?: number;
  /** The routing and plugins of the flags and config (app/routing.ts). */
  routing: Pick<ChatRequest, 'provider' | 'plugins'>;
  template?: Template;
  /** -p values and the template's defaults; an item's vars go over them. */
  params: ReadonlyMap<string, string>;
  /** --attach (and the template's), read once: every item gets them. */
  media: ContentPart[];
  /** --schema: the check, and what the request must say to get JSON. */
  schema?: { shaper: AnswerShaper; extra?: Record<string, unknown>; instructions: ChatMessage[] };
  /** --max-cost and the config's budgets (app/budget): every item's worst case is reserved before it is sent. */
  budget?: BudgetGuard;
  /** --cache / cache.responses: an item asked before is answered from disk (app/response-cache). */
  cache?: { flag: boolean | undefined; config: { responses?: boolean | undefined; ttl?: string | undefined } | undefined; defaults: Record<string, unknown> };
  /** The provider's max_tokens: an item's answer at its longest when neither it nor -m says. */
  defaultMaxTokens: number;
}

/** A finished item's answer, as its output line says it. */
export interface ItemAnswer {
  content: string;
  /** With --schema: the answer parsed and checked. */
  data?: unknown;
  model: string | null;
  provider: string | null;
  usage: Usage | null;
  finish_reason: string | null;
  /** Answered from the response cache: nothing was sent or spent. */
  cached?: boolean;
  /** The item's reservation of the budget, settled once its usage is recorded (run-batch.ts). */
  reservation?: Reservation;
  /**
   * Set when the answer came (and was paid for) but failed its check afterwards (--schema: a
   * mismatch, or JSON cut short at max_tokens): the item is failed, its usage is recorded all
   * the same (run-batch.ts), so that `usage` and the budgets count what it cost.
   */
  error?: unknown;
}

/** The prices of each model list, looked up once a batch (the catalogue is read from disk each time otherwise). */
const pricesMemo = new WeakMap<BatchContext, Map<string, Promise<Prices[] | undefined>>>();

/** The most an item's request can cost: its prompt's estimated tokens and the answer at its longest. */
async function itemWorstCase(context: BatchContext, request: ChatRequest): Promise<number | undefined> {
  const models = [request.model ?? context.provider.model, ...(request.models ?? [])];
  let memo = pricesMemo.get(context);
  if (!memo) pricesMemo.set(context, (memo = new Map()));
  const key = models.join('\n');
  let prices = memo.get(key);
  if (!prices) memo.set(key, (prices = assumedPrices(context.runtime, context.provider, models)));
  const known = await prices;
  if (!known) return undefined;
  const promptTokens = request.messages.reduce((sum, message) => sum + estimateTokens(message), 0);
  const maxTokens = request.maxTokens ?? context.defaultMaxTokens;
  return Math.max(0, ...known.map((p) => worstCaseCost(p, promptTokens, maxTokens)));
}

/** The request of one item; a problem of the item itself (a missing variable, an attachment) is a UsageError. */
export async function itemRequest(context: BatchContext, item: BatchItem): Promise<ChatRequest> {
  const { template } = context;
  const vars = new Map([...context.params, ...Object.entries(item.vars ?? {})]);
  const fill = (text: string, what: string) => {
    const missing = missingVariables([text], new Map([...vars, ['input', '']]));
    if (missing.length > 0) throw new UsageError(`${what} needs ${missing.map((name) => `{{${name}}}`).join(', ')}: give ${missing.length > 1 ? 'them' : 'it'} as a column, in "vars", or with -p`);
    return fillVariables(text, new Map([...vars, ['input', item.prompt ?? '']]));
  };
  const systemText = item.system ?? context.system ?? (template?.data.system !== undefined ? fill(template.data.system, `template "${template.name}"`) : undefined);
  const system: ChatMessage[] = systemText !== undefined ? [{ role: 'system', content: systemText }] : [];

  let conversation: ChatMessage[];
  if (item.messages) {
    if (item.attach?.length) throw new UsageError('"attach" goes with "prompt", not with "messages" (put the parts in the messages)');
    const own = item.messages.some((message) => message.role === 'system');
    conversation = [...(own ? [] : system), ...item.messages];
  } else {
    // A CSV/TSV record with no template: its "prompt" column is the prompt.
    const input = item.prompt ?? (template ? '' : vars.get('prompt'));
    let text: string;
    if (template?.data.prompt !== undefined) {
      fill(template.data.prompt, `template "${template.name}"`);
      text = renderPrompt(template.data.prompt, input ?? '', vars);
    } else if (input !== undefined) {
      text = input;
    } else {
      throw new UsageError('the item has no prompt: give "prompt" or "messages", a "prompt" column, or --template');
    }
    const media = [...context.media];
    for (const source of item.attach ?? []) {
      if (source === '-') throw new UsageError('an item cannot attach standard input (-): name a file');
      media.push(await readAttachment(context.runtime, source, undefined));
    }
    if (text.trim() === '' && media.length === 0) throw new UsageError('empty prompt');
    conversation = [...system, { role: 'user', content: userContent(text, media) }];
  }

  const model = item.model !== undefined ? context.loaded.resolveModel(item.model) : context.model;
  const media = conversation.flatMap((message) => (Array.isArray(message.content) ? message.content.filter((part) => part.type !== 'text') : []));
  if (media.length > 0) await refuseUnreadableAttachments(context.runtime, context.provider.id, model ?? context.provider.model, media);
  const temperature = item.temperature ?? context.temperature;
  const maxTokens = item.max_tokens ?? context.maxTokens;
  return {
    messages: [...(context.schema?.instructions ?? []), ...conversation],
    ...(model ? { model } : {}),
    stream: true,
    ...(context.fallbacks.length ? { models: context.fallbacks } : {}),
    ...(temperature !== undefined ? { temperature } : {}),
    ...(maxTokens !== undefined ? { maxTokens } : {}),
    ...(context.schema?.extra ? { extra: context.schema.extra } : {}),
    ...context.routing,
  };
}

/**
 * Sends one item's request and gathers its answer; with --schema the answer is checked (a
 * mismatch is an AnswerContractError, exit 10 kind). A failure before an answer is thrown as it
 * came; a failure of an answer had (paid for) is returned in the answer's `error`.
 */
export async function answerItem(context: BatchContext, request: ChatRequest, signal: AbortSignal): Promise<ItemAnswer> {
  const { runtime, provider } = context;
  const cache = context.cache
    ? chatCache({ ...context.cache, withTools: false, provider, request, cacheDir: runtime.paths.cache, warn: runtime.warn })
    : undefined;
  // A cached answer sends nothing and spends nothing: no reservation, no cost look-up.
  let reservation: Reservation | undefined;
  if (!cache?.hit && context.budget) {
    reservation = await context.budget.reserve(await itemWorstCase(context, request), `this item (${request.model ?? provider.model})`);
  }
  let result;
  try {
    // The cost settled before the stream ends: reported, looked up (GET /generation) or estimated.
    const live = (): AsyncIterable<StreamEvent[]> => withSettledCost(provider.chat(request, { signal }).batched(), costSettling(runtime, provider, request.model, signal));
    const batches = cache ? cache.batches(live) : live();
    result = await collectChat(flatten(batches));
  } catch (error) {
    // Failed: no usage is recorded for it, so what it cost (nothing, if refused outright) stays in the ledger.
    await reservation?.settle(costOfFailure(error), { recorded: false });
    throw error;
  }
  const answer: ItemAnswer = {
    content: result.content,
    model: result.model ?? request.model ?? null,
    provider: result.provider ?? null,
    usage: result.usage ?? null,
    finish_reason: result.finishReason,
    ...(cache?.hit ? { cached: true } : {}),
    ...(reservation ? { reservation } : {}),
  };
  if (context.schema) {
    let shaped;
    try {
      shaped = context.schema.shaper.finish(result.content);
    } catch (error) {
      // The answer was paid for: its usage is recorded and its reservation settled as an
      // answered item's (run-batch.ts); it is not kept in the cache.
      answer.error = error;
      return answer;
    }
    answer.data = shaped.fields?.data;
  }
  // Only an answer that passed its checks is kept for the next identical request.
  cache?.keep();
  return answer;
}

async function* flatten(batches: AsyncIterable<StreamEvent[]>): AsyncIterable<StreamEvent> {
  for await (const batch of batches) yield* batch;
}
