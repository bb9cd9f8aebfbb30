// One chat turn from the command line: build the conversation (session, system prompt, the
// prompt from arguments and stdin), fit it to the model's context, stream the answer to the
// renderer, and keep the turn (session, usage) even when it was interrupted.
import {
  CancelledError,
  type ChatMessage,
  DevsynthError,
  OpenRouterInvalidModelError,
  pruneToContext,
  suggestModels,
  UsageError,
} from '../core/index.js';
import type { ChatOptions } from '../cli/commands/chat-options.js';
import { readStdin } from './read-stdin.js';
import { type Session, type Turn, UNNAMED_SESSION, validateSessionName } from '../state/sessions.js';
import { renderChat } from '../ui/render-chat.js';
import { loadCatalogue, modelIdsForHints } from './catalogue.js';
import { withModelAliases } from './model-aliases.js';
import { applyTemplate } from './templates/apply-template.js';
import type { Runtime } from './runtime.js';

/** The user message: the words, then piped stdin after a blank line (the contract's rule). */
export async function readPrompt(runtime: Runtime, words: readonly string[]): Promise<string> {
  const typed = words.join(' ').trim();
  const piped = (await readStdin(runtime.io.stdin))?.replace(/\s+$/, '');
  const prompt = typed && piped ? `${typed}\n\n${piped}` : typed || piped || '';
  if (prompt.trim() === '') {
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
  return { ...sessions.load(UNNAMED_SESSION), messages: [], model: null };
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

/** Both ends are a person at a terminal: the REPL and the live UI are for them. */
export function atTerminal(runtime: Runtime): boolean {
  return Boolean(runtime.io.stdin.isTTY && runtime.io.stdout.isTTY) && runtime.io.env.CI === undefined;
}

export async function runChat(runtime: Runtime, options: ChatOptions): Promise<void> {
  options = await applyTemplate(runtime, options);
  const terminal = atTerminal(runtime) && !options.json;
  if (options.interactive && !terminal) {
    throw new UsageError('-i needs a terminal on stdin and stdout (and no --json)');
  }
  // No prompt, a person at a terminal: the REPL, as the contract says.
  if (options.words.length === 0 && terminal) {
    const { runRepl } = await import('./run-repl.js');
    return runRepl(runtime, options);
  }
  const prompt = await readPrompt(runtime, options.words);
  const session = openSession(runtime, options);
  const flags = chatFlags(options);
  const provider = await runtime.provider({ needsKey: true, flags });
  const loaded = await runtime.config(flags);
  options = withModelAliases(options, loaded);
  // Local servers may have no configured model: the provider then asks the server for one.
  const model = options.model ?? (options.continue || options.session ? session.model : null) ?? (provider.model || undefined);
  if (options.fallbackModel.length > 0 && provider.id !== 'openrouter') {
    runtime.warn(`--fallback-model is OpenRouter's; ${provider.id} ignores it`);
  }

  const history = session.messages.filter((m) => !(options.system !== undefined && m.role === 'system'));
  const system: ChatMessage[] = options.system !== undefined ? [{ role: 'system', content: options.system }] : [];
  const conversation: ChatMessage[] = [...system, ...history, { role: 'user', content: prompt }];
  const settings = loaded.config.llm.providers[provider.id as keyof typeof loaded.config.llm.providers];
  const messages = model ? await fitToContext(runtime, conversation, model, settings?.max_tokens ?? 4096) : conversation;

  const controller = new AbortController();
  const stopListening = runtime.io.onInterrupt?.(() => controller.abort());
  let answer = '';
  let recorded: Promise<void> | undefined;
  try {
    const outcome = await renderChat(
      provider
        .chat(
          {
            messages,
            ...(model ? { model } : {}),
            stream: options.stream,
            ...(options.fallbackModel.length ? { models: options.fallbackModel } : {}),
          },
          { signal: controller.signal },
        )
        .batched(),
      {
        json: options.json,
        providerId: provider.id,
        ...(model ? { model } : {}),
        usage: options.usage,
        quiet: options.quiet,
        stdout: runtime.io.stdout,
        stderr: runtime.io.stderr,
        terminal: Boolean(runtime.io.stdout.isTTY) && runtime.io.env.CI === undefined,
        color: runtime.color,
      },
    );
    answer = outcome.content;
    // Recorded while the session is saved below: the two files are written side by side.
    recorded = runtime.usage().record(outcome.model ?? model ?? provider.id, outcome.usage);
  } catch (error) {
    answer = error instanceof DevsynthError ? error.partialContent ?? '' : '';
    // A request cut short by a signal or a closed stdout was still made: it counts (tokens unknown).
    if (error instanceof CancelledError) recorded = runtime.usage().record(model ?? provider.id, undefined);
    if (error instanceof OpenRouterInvalidModelError && model) throw await withSuggestions(runtime, error, model);
    throw error;
  } finally {
    stopListening?.();
    // The turn is kept even when cut short (the partial answer is part of the conversation),
    // but a turn that produced nothing leaves the session as it was. Only this turn is
    // appended, to the conversation as its file holds it now: another run may have added a
    // turn since this one read it. A chat without --session or -c starts the conversation anew.
    const turn: Turn = {
      messages: [
        { role: 'user', content: prompt },
        { role: 'assistant', content: answer },
      ],
      model: model ?? null,
      ...(options.system !== undefined ? { system: options.system } : {}),
      fresh: !options.session && !options.continue,
    };
    await Promise.all([recorded, answer ? runtime.sessions().appendTurn(options.session ?? session.name, turn) : undefined]);
  }
  if (options.interactive) {
    const { runRepl } = await import('./run-repl.js');
    await runRepl(runtime, { ...options, words: [] }, options.session ?? session.name);
  }
}

async function withSuggestions(runtime: Runtime, error: OpenRouterInvalidModelError, model: string): Promise<OpenRouterInvalidModelError> {
  const suggestions = suggestModels(model, await modelIdsForHints(runtime));
  if (suggestions.length === 0) return error;
  return new OpenRouterInvalidModelError(error.message, {
    ...(error.status !== undefined ? { status: error.status } : {}),
    hint: `did you mean ${suggestions.join(', ')}? (see devsynth-or models)`,
  });
}
