// The interactive chat: the conversation (from --session, -c or the first answer of -i) goes
// to the REPL, whose every turn is sent like a one-shot chat and saved to the session.
import { type ChatMessage, isPresetId, mediaPartsOf, suggestModels, textOf } from '../core/index.js';
import type { ChatOptions } from '../cli/commands/chat-options.js';
import type { ModelCheck } from '../ui/Repl.js';
import { loadCatalogue } from './catalogue.js';
import { withoutReasoning } from './reasoning-options.js';
import { costSettling, withSettledCost } from './cost/settle-cost.js';
import { costOfFailure, openBudget, type Reservation } from './budget/guard.js';
import { chatWorstCase } from './budget/worst-case.js';
import { chatFlags, fitToContext, openSession, reasoningFor } from './run-chat.js';
import { filesForPrompt } from './inputs/file-inputs.js';
import { refuseUnreadableAttachments } from './inputs/attachment-modalities.js';
import { readAttachments } from './inputs/attachments.js';
import { attachmentLabel } from '../state/attachment-parts.js';
import { withModelAliases } from './model-aliases.js';
import { placeCacheBreakpoints, promptCacheModeFor } from './prompt-cache.js';
import { chatRouting } from './routing.js';
import type { Runtime } from './runtime.js';
import { validateSessionName } from '../state/sessions.js';

export async function runRepl(runtime: Runtime, options: ChatOptions, resume?: string): Promise<void> {
  const flags = chatFlags(options);
  const provider = await runtime.provider({ needsKey: true, flags });
  const loaded = await runtime.config(flags);
  // The routing of -m's alias (and the flags) for every turn; a /model alias's is not looked up.
  const routing = chatRouting(options, loaded, options.model, provider.id, runtime.warn);
  options = withModelAliases(options, loaded);
  const providers = loaded.config.llm.providers;
  const maxTokens = providers[provider.id as keyof typeof providers]?.max_tokens ?? 4096;
  const reasoning = reasoningFor(runtime, options, providers[provider.id as keyof typeof providers], provider.id);
  // Each turn's request is marked afresh: the system prompt and the earlier turns are its stable prefix.
  const cacheMode = promptCacheModeFor(provider.id, options.cachePrompt, providers[provider.id as keyof typeof providers], runtime.warn);
  const sessions = runtime.sessions();
  const session = resume ? sessions.load(resume) : openSession(runtime, options);
  let savedAs = options.session ?? session.name;
  // A REPL without --session or -c starts a new conversation: its first turn replaces the last
  // unnamed one rather than being added to it.
  let fresh = !resume && !options.session && !options.continue;
  const validSessionName = (name: string): string | null => {
    try {
      return validateSessionName(name);
    } catch (error) {
      runtime.warn(`could not save the session: ${(error as Error).message}`);
      return null;
    }
  };
  // A local server with no model configured is asked for its first one now, so that the REPL
  // can name it; if it cannot be reached, the first turn will say so.
  const model =
    options.model ?? (session.messages.length > 0 ? session.model : null) ?? (provider.model || (await provider.resolveModel().catch(() => '')));
  const systemContent = session.messages.find((m) => m.role === 'system')?.content;
  const system = options.system ?? (systemContent === undefined ? undefined : textOf(systemContent));

  // -a at a terminal with no prompt: the attachments wait for the REPL's first prompt.
  const attached = await readAttachments(runtime, options);
  const history = runtime.replHistory();
  // One add at a time, in the order the lines were entered.
  let remembered: Promise<void> = Promise.resolve();

  const { disableColorUnless } = await import('../ui/render-chat.js');
  disableColorUnless(runtime.color);
  const { loadTerminalLibraries } = await import('../ui/terminal-libraries.js');
  await loadTerminalLibraries();
  const { renderRepl } = await import('../ui/ink-repl.js');
  // In raw mode Ctrl+C is a key the REPL handles; SIGTERM and SIGHUP (a closed terminal) are
  // signals: they make the REPL leave as a second Ctrl+C does, keeping a turn cut short, and
  // the run ends with their code (cli/main.ts).
  const stop = new AbortController();
  const stopListening = runtime.io.onInterrupt?.(() => stop.abort());
  // Spend limits hold for the whole REPL (one run): each turn's worst case is reserved before
  // it is sent; once a limit is reached, every later turn is refused (exit-11 kind, shown).
  const budget = await openBudget(runtime, options);
  /** The answered turn's reservation, settled once its usage is recorded (save below). */
  let answered: Reservation | undefined;
  await renderRepl(
    {
      initial: { messages: session.messages.filter((m) => m.role !== 'system'), model, name: options.session ?? session.name, ...(system ? { system } : {}) },
      footer: !options.quiet,
      warnings: (show) => runtime.routeWarnings(show),
      stop: stop.signal,
      history: history.read(),
      remember: (line) => {
        remembered = remembered.then(() => history.add(line)).catch((error: unknown) => runtime.warn(`could not keep the REPL history: ${(error as Error).message}`));
      },
      checkModel: modelChecker(runtime, (id) => loaded.resolveModel(id)),
      readFiles: (path) => filesForPrompt(path, { cwd: runtime.io.cwd, warn: runtime.warn, flag: '/file' }),
      attach: async (path) => (await readAttachments(runtime, { attach: [path] }))[0]!,
      attached,
      describeAttachment: (part) => attachmentLabel(part) ?? '[attachment]',
      ask: (messages, turnModel, signal) =>
        (async function* () {
          // An empty model: the provider's own choice (a local server's first model).
          await refuseUnreadableAttachments(runtime, provider.id, turnModel, mediaPartsOf(messages.at(-1)?.content ?? ''));
          const fitted = turnModel ? await fitToContext(runtime, messages, turnModel, maxTokens) : messages;
          const models = [turnModel || provider.model, ...options.fallbackModel];
          const reservation = budget ? await budget.reserve(await chatWorstCase(runtime, provider, { models, messages: fitted, maxTokens }), `this turn (${turnModel || provider.model}, up to ${maxTokens} tokens)`) : undefined;
          let complete = false;
          try {
            const batches = provider
              .chat(
                {
                  messages: placeCacheBreakpoints(fitted, { mode: cacheMode, model: turnModel || provider.model }),
                  ...(turnModel ? { model: turnModel } : {}),
                  stream: options.stream,
                  ...(options.fallbackModel.length ? { models: options.fallbackModel } : {}),
                  ...(reasoning.reasoning ? { reasoning: reasoning.reasoning } : {}),
                  ...routing,
                },
                { signal },
              )
              .batched();
            yield* withSettledCost(reasoning.hide ? withoutReasoning(batches) : batches, costSettling(runtime, provider, turnModel || undefined, signal));
            complete = true;
          } catch (error) {
            // Not recorded as usage: what it cost (nothing, if refused outright) stays in the ledger.
            await reservation?.settle(costOfFailure(error), { recorded: false });
            throw error;
          } finally {
            // Answered: settled once its usage is recorded (save). Left unread (the REPL stopped
            // reading): its worst case is kept as spent (settling twice does nothing).
            if (complete) answered = reservation;
            else void reservation?.settle(undefined, { recorded: false });
          }
        })(),
      save: (conversation, result) => {
        // A turn (the last prompt and answer) is appended to the conversation as its file holds
        // it now, so that another run's turns in the same session are kept too; /clear, /system
        // and /save change the whole conversation, and replace it.
        const messages: ChatMessage[] = [...(conversation.system ? [{ role: 'system' as const, content: conversation.system }] : []), ...conversation.messages];
        // A name typed with /save is the user's: "_last" and our other names are refused.
        const renamed = conversation.name !== savedAs ? validSessionName(conversation.name) : undefined;
        if (renamed === null) return;
        if (renamed) savedAs = renamed;
        const saved = result
          ? sessions.appendTurn(conversation.name, {
              messages: conversation.messages.slice(-2),
              model: conversation.model,
              ...(result.provider !== undefined ? { provider: result.provider } : {}),
              ...(conversation.system ? { system: conversation.system } : {}),
              fresh,
            })
          : sessions.save({ ...session, name: conversation.name, model: conversation.model, messages });
        fresh = false;
        saved.catch((error: unknown) => runtime.warn(`could not save the session: ${(error as Error).message}`));
        if (result) {
          const reservation = answered;
          answered = undefined;
          void runtime.usage().record(result.model ?? conversation.model, result.usage, result.provider).then(() => reservation?.settle(result.usage?.cost));
        }
      },
    },
    {
      stdin: runtime.io.stdin as unknown as NodeJS.ReadStream,
      stdout: runtime.io.stdout as NodeJS.WriteStream,
      stderr: runtime.io.stderr as NodeJS.WriteStream,
    },
  ).finally(() => stopListening?.());
  await remembered;
}

/**
 * `/model <id>` against the catalogue: the cached one, or fetched once (no key needed) when
 * none is cached. Without a catalogue (offline, a server that lists none) the id is taken as
 * typed, and the REPL says it was not checked.
 */
function modelChecker(runtime: Runtime, resolveAlias: (id: string) => string): (id: string) => Promise<ModelCheck> {
  let ids: Promise<string[]> | undefined;
  return async (typed) => {
    // `/model fast`: the alias's model is checked, and becomes the conversation's model.
    const id = resolveAlias(typed);
    const resolved = id !== typed ? { id } : {};
    if (isPresetId(id)) return { unchecked: 'presets are resolved by OpenRouter', ...resolved };
    try {
      ids ??= loadCatalogue(runtime, 'models').then((catalogue) => catalogue.models.map((model) => model.id));
      const known = await ids;
      if (known.length === 0) return { unchecked: 'the model list is empty', ...resolved };
      // A variant suffix (":free", ":nitro", ":online") of a listed model is a model too.
      if (known.includes(id) || known.includes(id.replace(/:[^/:]*$/, ''))) return { known: true, ...resolved };
      return { known: false, suggestions: suggestModels(id, known) };
    } catch (error) {
      ids = undefined; // the next /model tries again
      return { unchecked: `could not load the model list: ${(error as Error).message}`, ...resolved };
    }
  };
}
