// One chat turn from the command line: build the conversation (session, system prompt, the
// prompt from arguments and stdin), fit it to the model's context, stream the answer to the
// renderer, and keep the turn (session, usage) even when it was interrupted.
import {
  type AfterModelCall,
  AnswerContractError,
  CancelledError,
  type ChatMessage,
  type ChatResult,
  DevsynthError,
  OpenRouterInvalidModelError,
  pruneToContext,
  suggestModels,
  UsageError,
} from '../core/index.js';
import { sumUsage } from '../core/run-tools.js';
import type { ChatOptions } from '../cli/commands/chat-options.js';
import { readStdin } from './read-stdin.js';
import { type Session, type Turn, UNNAMED_SESSION, validateSessionName } from '../state/sessions.js';
import { renderChat } from '../ui/render-chat.js';
import { loadCatalogue, modelIdsForHints } from './catalogue.js';
import { openToolbox } from './mcp/open-toolbox.js';
import { type ReasoningChoice, type ReasoningSettings, resolveReasoning, withoutReasoning } from './reasoning-options.js';
import { refuseUnreadableAttachments } from './inputs/attachment-modalities.js';
import { readAttachments, userContent } from './inputs/attachments.js';
import { withModelAliases } from './model-aliases.js';
import { placeCacheBreakpoints, promptCacheModeFor } from './prompt-cache.js';
import { chatRouting } from './routing.js';
import { costSettling, withSettledCost } from './cost/settle-cost.js';
import { costOfFailure, openBudget, type Reservation } from './budget/guard.js';
import { chatWorstCase } from './budget/worst-case.js';
import { type ToolLoopBudget, toolLoopBudget } from './budget/tool-loop.js';
import type { Runtime } from './runtime.js';
import { outputFormatOf, prepareOutput, shapesAnswer } from './output/prepare-output.js';
import { chatCache } from './response-cache/index.js';

/**
 * The user message: the words (written in the editor with -e), then piped stdin after a blank
 * line (the contract's rule); `before` (-f's files) goes ahead of them. With an attachment, no
 * words at all is a prompt too: the model is asked about the attachment alone.
 */
export async function readPrompt(
  runtime: Runtime,
  words: readonly string[],
  inputs: { editor?: boolean; before?: string; attached?: boolean } = {},
): Promise<string> {
  const piped = (await readStdin(runtime.io.stdin))?.replace(/\s+$/, '');
  const typed = inputs.editor ? await (await import('./inputs/edit-prompt.js')).editPrompt(runtime.io, words.join(' ').trim()) : words.join(' ').trim();
  const asked = typed && piped ? `${typed}\n\n${piped}` : typed || piped || '';
  const prompt = inputs.before ? `${inputs.before}${asked ? `\n${asked}` : ''}` : asked;
  if (prompt.trim() === '' && !inputs.attached) {
    throw new UsageError('empty prompt: give it as arguments or on standard input', {
      hint: 'devsynth-or chat "your question"   or   git diff | devsynth-or chat "review this"',
    });
  }
  return prompt;
}

export function openSession(runtime: Runtime, options: ChatOptions): Session {
  const sessions = runtime.sessions();
  // The user's name: "_last" and the other names of our own are refused here (exit 2).
  if (options.session) return sessions.load(validateSessionName(options.session));
  if (options.continue) {
    const last = sessions.last();
    if (!last) throw new UsageError('no conversation to continue yet', { hint: 'start one with devsynth-or chat "…"' });
    return sessions.load(last);
  }
  // A chat that starts anew: the previous conversation (maybe megabytes) is not read.
  return sessions.fresh(UNNAMED_SESSION);
}

/** Drops the oldest turns when a continued conversation outgrows the model's context. */
export async function fitToContext(runtime: Runtime, messages: ChatMessage[], model: string, maxTokens: number): Promise<ChatMessage[]> {
  const history = messages.filter((m) => m.role === 'user' || m.role === 'assistant').length;
  if (history <= 1) return messages;
  let contextLength: number | null | undefined;
  try {
    const catalogue = await loadCatalogue(runtime, 'models');
    const info = catalogue.models.find((entry) => entry.id === model);
    contextLength = info?.context_length ?? info?.top_provider?.context_length;
  } catch (error) {
    runtime.debug?.(`no catalogue for context pruning: ${(error as Error).message}`);
  }
  if (!contextLength) return messages;
  const reserve = Math.min(maxTokens, Math.floor(contextLength / 4));
  const pruned = pruneToContext(messages, contextLength, reserve);
  if (pruned.dropped > 0) {
    runtime.warn(`dropped the ${pruned.dropped} oldest messages to fit ${model}'s context of ${contextLength} tokens`);
  }
  return pruned.messages;
}

/** The chat flags that are also settings. */
export function chatFlags(options: ChatOptions) {
  return {
    ...(options.model ? { model: options.model } : {}),
    ...(options.temperature !== undefined ? { temperature: options.temperature } : {}),
    ...(options.maxTokens !== undefined ? { maxTokens: options.maxTokens } : {}),
  };
}

/** The reasoning controls of this run (flags, else the provider's settings); only OpenRouter sends them. */
export function reasoningFor(runtime: Runtime, options: ChatOptions, settings: ReasoningSettings | undefined, providerId: string): ReasoningChoice {
  const choice = resolveReasoning(options, settings, providerId);
  const flagged = options.reasoningEffort !== undefined || options.reasoningTokens !== undefined || options.hideReasoning;
  if (flagged && providerId !== 'openrouter' && providerId !== 'offline') {
    runtime.warn(`the reasoning flags are OpenRouter's; ${providerId} ignores them${choice.hide ? ' (reasoning is still hidden)' : ''}`);
  }
  return choice;
}

/** Both ends are a person at a terminal: the REPL and the live UI are for them. */
export function atTerminal(runtime: Runtime): boolean {
  return Boolean(runtime.io.stdin.isTTY && runtime.io.stdout.isTTY) && runtime.io.env.CI === undefined;
}

export async function runChat(runtime: Runtime, options: ChatOptions): Promise<void> {
  // What only some runs need is loaded when they need it: a plain chat starts without the
  // template, file-walking (.gitignore, globs), editor, model-picking and tool modules.
  if (options.template || options.param.length > 0) options = await (await import('./templates/apply-template.js')).applyTemplate(runtime, options);
  const terminal = atTerminal(runtime) && outputFormatOf(options) === 'text' && !shapesAnswer(options);
  if (options.interactive && !terminal) {
    throw new UsageError('-i needs a terminal on stdin and stdout, and the answer as text (no --json, --format, --schema or -x)');
  }
  // No prompt, a person at a terminal: the REPL, as the contract says.
  if (options.words.length === 0 && terminal && options.file.length === 0 && !options.editor) {
    if (options.model === 'auto') throw new UsageError('-m auto chooses a model for a prompt: give one (the REPL keeps one model)');
    const { runRepl } = await import('./run-repl.js');
    return runRepl(runtime, options);
  }
  const media = await readAttachments(runtime, options);
  const files = options.file.length > 0 ? await (await import('./inputs/file-inputs.js')).filesText(runtime, options.file) : '';
  const prompt = await readPrompt(runtime, options.words, { editor: options.editor, before: files, attached: media.length > 0 });
  const session = openSession(runtime, options);
  const flags = chatFlags(options);
  const provider = await runtime.provider({ needsKey: true, flags });
  const loaded = await runtime.config(flags);
  // The alias's routing is looked up by the name typed, before aliases are resolved.
  const typedModel = options.model;
  const routing = chatRouting(options, loaded, typedModel, provider.id, runtime.warn);
  options = withModelAliases(options, loaded);
  // Local servers may have no configured model: the provider then asks the server for one.
  const asked = options.model ?? (options.continue || options.session ? session.model : null) ?? (provider.model || undefined);
  if (options.fallbackModel.length > 0 && provider.id !== 'openrouter') {
    runtime.warn(`--fallback-model is OpenRouter's; ${provider.id} ignores it`);
  }

  const user: ChatMessage = { role: 'user', content: userContent(prompt, media) };
  const history = session.messages.filter((m) => !(options.system !== undefined && m.role === 'system'));
  const system: ChatMessage[] = options.system !== undefined ? [{ role: 'system', content: options.system }] : [];
  const conversation: ChatMessage[] = [...system, ...history, user];
  const settings = loaded.config.llm.providers[provider.id as keyof typeof loaded.config.llm.providers];
  // -m auto: the model that fits this prompt, by policy; the runners-up are the fallback list.
  const choosing = asked === 'auto' || options.pick !== undefined || options.minContext !== undefined || options.free;
  const auto = choosing ? await (await import('./models/pick-model.js')).autoForChat(runtime, options, { model: asked, providerId: provider.id, messages: conversation, media, maxTokens: settings?.max_tokens ?? 4096 }) : undefined;
  const model = auto?.chosen ?? asked;
  const fallbacks = [...new Set([...options.fallbackModel, ...(auto?.fallbacks ?? [])])];

  await refuseUnreadableAttachments(runtime, provider.id, model, media);
  const messages = model ? await fitToContext(runtime, conversation, model, settings?.max_tokens ?? 4096) : conversation;
  const output = await prepareOutput(runtime, options, { providerId: provider.id, ...((model ?? provider.model) ? { model: model ?? provider.model } : {}) });
  const reasoning = reasoningFor(runtime, options, settings, provider.id);
  const cacheMode = promptCacheModeFor(provider.id, options.cachePrompt, settings, runtime.warn);

  const budget = await openBudget(runtime, options);
  let reservation: Reservation | undefined;
  /** A tool loop under a limit: each of its model calls is reserved, not only the first. */
  let loopBudget: ToolLoopBudget | undefined;
  /** A tool loop's answered model calls, kept to be recorded should a later step fail (no limit). */
  const answeredCalls: ChatResult[] = [];
  const keepAnswered: AfterModelCall = (outcome) => {
    if (outcome.result) answeredCalls.push(outcome.result);
  };
  let cost: number | undefined;

  const controller = new AbortController();
  const stopListening = runtime.io.onInterrupt?.(() => controller.abort());
  let answer = '';
  /** The upstream that served the answer (OpenRouter names it), kept with the turn and the usage. */
  let servedBy: string | undefined;
  let recorded: Promise<void> | undefined;
  /** Answered from the response cache: no request was made, none is recorded. */
  let replayed = false;
  let tools: Awaited<ReturnType<typeof chatTools>>;
  try {
    // A person can be asked only where the live UI runs (a shaped or JSON answer is printed plainly).
    tools = await chatTools(runtime, options, terminal && output.format === 'text' && !output.shaper, controller.signal);
    const request = {
      messages: placeCacheBreakpoints([...output.instructions, ...messages], { mode: cacheMode, model: model ?? provider.model, turnFiles: files }),
      ...(model ? { model } : {}),
      stream: options.stream,
      ...(fallbacks.length ? { models: fallbacks } : {}),
      ...(output.extra ? { extra: output.extra } : {}),
      ...(reasoning.reasoning ? { reasoning: reasoning.reasoning } : {}),
      ...routing,
    };
    const write = output.format === 'stream-json' ? (await import('./output/write-stream-json.js')).writeStreamJson : renderChat;
    // --cache: an identical request answered before is replayed from disk, and nothing is sent.
    const cache = chatCache({ flag: options.cache, config: loaded.config.cache, withTools: Boolean(tools), provider, request, cacheDir: runtime.paths.cache, warn: runtime.warn,
      defaults: { temperature: settings?.temperature, max_tokens: settings?.max_tokens, routing: settings && 'routing' in settings ? settings.routing : undefined } });
    const toolChat = tools ? await import('./mcp/tool-chat.js') : undefined;
    const live = () => tools && toolChat
      ? toolChat.toolChatBatches(provider, request, {
          toolbox: tools.toolbox,
          gate: tools.gate,
          maxSteps: options.maxSteps,
          signal: controller.signal,
          onMaxSteps: (steps) => runtime.warn(`stopped after ${steps} model calls with tool calls still asked for (--max-steps)`),
          beforeCall: loopBudget ? loopBudget.beforeCall : async () => keepAnswered,
        })
      : provider.chat(request, { signal: controller.signal }).batched();
    replayed = cache?.hit ?? false;
    if (!replayed && budget) {
      // Spend limits: the worst case is reserved before anything is sent (refused: exit 11).
      // A cached answer sends nothing and spends nothing: no reservation.
      const maxTokens = settings?.max_tokens ?? 4096;
      const models = [model ?? provider.model, ...fallbacks];
      const label = `${model ?? provider.model}, up to ${maxTokens} tokens`;
      if (tools && toolChat) {
        // With tools, every model call of the loop is reserved before it is sent; the first now.
        loopBudget = toolLoopBudget(runtime, budget, provider, { models, maxTokens, label });
        await loopBudget.reserveFirst({ ...request, tools: toolChat.toolDefinitions(tools.toolbox) });
      } else {
        const worst = await chatWorstCase(runtime, provider, { models, messages: request.messages, maxTokens });
        reservation = await budget.reserve(worst, `this chat (${label})`);
      }
    }
    // The cost settled before the last events go on: reported, looked up or estimated (a
    // replayed answer keeps the cost it was stored with, and nothing is looked up for it).
    const answered = () => withSettledCost(live(), costSettling(runtime, provider, model, controller.signal));
    const batches = cache ? cache.batches(answered) : answered();
    const outcome = await write(
      reasoning.hide ? withoutReasoning(batches) : batches,
      {
        ...(tools?.approvals ? { approvals: tools.approvals } : {}),
        json: output.format === 'json',
        ...(output.shaper ? { shaper: output.shaper } : {}),
        providerId: provider.id,
        ...(model ? { model } : {}),
        ...(auto ? { auto: auto.json } : {}),
        usage: options.usage,
        quiet: options.quiet,
        stdout: runtime.io.stdout,
        stderr: runtime.io.stderr,
        terminal: Boolean(runtime.io.stdout.isTTY) && runtime.io.env.CI === undefined,
        color: runtime.color,
        ...(cache?.hit ? { cached: true } : {}),
      },
    );
    cache?.keep();
    answer = outcome.content;
    servedBy = outcome.provider;
    cost = replayed ? 0 : outcome.usage?.cost;
    // Recorded while the session is saved below: the two files are written side by side. A
    // cached answer made no request and spent nothing: it is not recorded.
    if (!replayed) recorded = runtime.usage().record(outcome.model ?? model ?? provider.id, outcome.usage, servedBy);
  } catch (error) {
    answer = error instanceof DevsynthError ? error.partialContent ?? '' : '';
    cost = costOfFailure(error);
    // A request cut short by a signal or a closed stdout was still made: it counts (tokens unknown).
    const cutShort = !replayed && (error instanceof CancelledError || error instanceof AnswerContractError);
    // A tool loop that stopped (a spend limit, a tool's failure): the model calls answered before count.
    const answeredUsage = loopBudget ? loopBudget.answeredUsage() : sumUsage(answeredCalls);
    if (cutShort || answeredUsage) {
      recorded = runtime.usage().recordMany([
        ...(answeredUsage ? [{ model: model ?? provider.id, usage: answeredUsage }] : []),
        ...(cutShort ? [{ model: model ?? provider.id, usage: undefined }] : []),
      ]);
    }
    if (error instanceof OpenRouterInvalidModelError && model) throw await withSuggestions(runtime, error, model);
    throw error;
  } finally {
    stopListening?.();
    await tools?.toolbox.close();
    // The turn is kept even when cut short (the partial answer is part of the conversation),
    // but a turn that produced nothing leaves the session as it was. Only this turn is
    // appended, to the conversation as its file holds it now: another run may have added a
    // turn since this one read it. A chat without --session or -c starts the conversation anew.
    const turn: Turn = {
      messages: [user, { role: 'assistant', content: answer }],
      model: model ?? null,
      ...(servedBy !== undefined ? { provider: servedBy } : {}),
      ...(options.system !== undefined ? { system: options.system } : {}),
      fresh: !options.session && !options.continue,
    };
    await Promise.all([recorded, answer ? runtime.sessions().appendTurn(options.session ?? session.name, turn) : undefined]);
    // After the usage is recorded: the spend is counted there from now on.
    await reservation?.settle(cost);
    await loopBudget?.settle();
  }
  if (options.interactive) {
    const { runRepl } = await import('./run-repl.js');
    // The REPL goes on with the model -m auto chose, or with -m as typed (an alias keeps its routing).
    const replModel = auto ? auto.chosen : typedModel;
    await runRepl(runtime, { ...options, words: [], attach: [], ...(replModel !== undefined ? { model: replModel } : {}) }, options.session ?? session.name);
  }
}

/**
 * The MCP servers' tools for this chat, if any are configured or given with --mcp, and who
 * decides whether each call runs: the allowed list, and a person when there is one to ask.
 */
async function chatTools(runtime: Runtime, options: ChatOptions, canAsk: boolean, signal: AbortSignal) {
  const toolbox = await openToolbox(runtime, options.mcp, signal);
  if (!toolbox) return undefined;
  const { config } = await runtime.config();
  const [{ createApprovalChannel }, { ToolGate }] = await Promise.all([import('../ui/approval-channel.js'), import('./mcp/tool-gate.js')]);
  const approvals = canAsk ? createApprovalChannel() : undefined;
  const gate = new ToolGate([...(config.allow_tools ?? []), ...options.allowTool], approvals?.ask);
  const unknown = options.allowTool.filter((name) => !toolbox.find(name));
  if (unknown.length > 0) runtime.warn(`--allow-tool names no tool of the MCP servers: ${unknown.join(', ')} (see devsynth-or mcp tools)`);
  return { toolbox, gate, ...(approvals ? { approvals } : {}) };
}

async function withSuggestions(runtime: Runtime, error: OpenRouterInvalidModelError, model: string): Promise<OpenRouterInvalidModelError> {
  const suggestions = suggestModels(model, await modelIdsForHints(runtime));
  if (suggestions.length === 0) return error;
  return new OpenRouterInvalidModelError(error.message, {
    ...(error.status !== undefined ? { status: error.status } : {}),
    hint: `did you mean ${suggestions.join(', ')}? (see devsynth-or models)`,
  });
}
