// The interactive chat: the transcript, the live turn, and the prompt. Slash commands change
// the model or system prompt, clear, save, show usage. Ctrl+C cancels a generation (the partial
// answer is kept); at the prompt a second Ctrl+C, or Ctrl+D on an empty prompt, exits.
//
// The transcript is written once, as it grows, with Ink's own stdout write (which erases the
// live part, writes, and draws it again below), as ChatApp writes finished lines: not through
// <Static>, which lays out and restyles every character it prints and keeps every entry, and
// made a long answer cost several times the CPU and memory of a one-shot chat.
import { useApp, useInput, useStdout } from 'ink';
import { useCallback, useEffect, useMemo, useRef, useState } from 'react';
import { CancelledError, ChatCollector, type ChatMessage, type ChatResult, type StreamEvent } from '../core/index.js';
import { answerText, terminalHasColors } from './answer-text.js';
import type { ChatViewState, ViewLine } from './chat-view-state.js';
import { InputBox } from './components/InputBox.js';
import { TurnView } from './components/TurnView.js';
import { formatDollars, formatFooter } from './format-usage.js';
import { useChatStream } from './hooks/use-chat-stream.js';
import { type Entry, helpEntries, infoEntry, transcriptText, turnEntries, warningEntry } from './repl-transcript.js';

export interface Conversation {
  messages: ChatMessage[];
  model: string;
  system?: string;
  name: string;
}

export interface ReplProps {
  readonly initial: Conversation;
  readonly ask: (messages: ChatMessage[], model: string, signal: AbortSignal) => AsyncIterable<StreamEvent[]>;
  /** Called after every turn and every change worth keeping. */
  readonly save: (conversation: Conversation, result?: ChatResult) => void;
  readonly footer: boolean;
  readonly now?: () => number;
  /** Connects the app's warnings to the transcript while the REPL runs; returns the undo. */
  readonly warnings?: (show: (message: string) => void) => () => void;
  /** Aborted by SIGTERM or SIGHUP: leave as on a second Ctrl+C (the partial answer is kept). */
  readonly stop?: AbortSignal;
}

interface Turn {
  id: number;
  batches: AsyncIterable<StreamEvent[]>;
  controller: AbortController;
  collector: ChatCollector;
  prompt: string;
}

async function* collecting(batches: AsyncIterable<StreamEvent[]>, collector: ChatCollector) {
  for await (const batch of batches) {
    for (const event of batch) collector.add(event);
    yield batch;
  }
}

export function Repl({ initial, ask, save, footer, now = Date.now, warnings, stop }: ReplProps) {
  const { exit } = useApp();
  const { stdout, write } = useStdout();
  const [conversation, setConversation] = useState<Conversation>(initial);
  const [turn, setTurnState] = useState<Turn | undefined>();
  // The turn as of now, for the stream's completion callback (state would be a stale copy).
  const turnRef = useRef<Turn | undefined>(undefined);
  const setTurn = (next: Turn | undefined) => {
    turnRef.current = next;
    setTurnState(next);
  };
  // Whether the next Ctrl+C exits. A ref, not state: a second press that comes before the
  // first one's render (a quick double press) must see it.
  const armed = useRef(false);
  const totals = useRef({ requests: 0, prompt: 0, completion: 0, cost: 0 });
  const nextTurn = useRef(1);
  // Everything typed, commands and failed prompts included, as a shell keeps it.
  const [history, setHistory] = useState<string[]>(() => initial.messages.filter((m) => m.role === 'user').map((m) => m.content));

  // Entries are written once the render they came with is committed: a note such as "cancelled"
  // then appears only when the prompt below it takes keys again (a Ctrl+D typed on seeing it
  // would otherwise be lost).
  const [pending, setPending] = useState<Entry[]>([]);
  const append = useCallback((...entries: Entry[]) => setPending((queued) => [...queued, ...entries]), []);
  useEffect(() => {
    if (pending.length === 0) return;
    write(transcriptText(pending, stdout.columns || 80, terminalHasColors(stdout)));
    setPending([]);
  }, [pending, stdout, write]);
  const onLines = useCallback(
    (lines: ViewLine[]) => write(answerText(lines, stdout.columns || 80, terminalHasColors(stdout))),
    [stdout, write],
  );
  useEffect(() => warnings?.((message) => append(warningEntry(message))), [warnings, append]);
  useEffect(() => {
    append(infoEntry(`devsynth-or chat: ${initial.model}${initial.messages.length ? `, ${initial.messages.length} earlier messages` : ''}. /help for commands.`));
    // Once, as the REPL opens.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, []);

  const onFinish = useCallback(
    (state: ChatViewState) => {
      const current = turnRef.current;
      if (!current) return;
      const result = current.collector.result();
      // A turn that produced no text at all is not kept: the prompt stays in the history only.
      if (result.content) {
        const messages: ChatMessage[] = [...conversation.messages, { role: 'user', content: current.prompt }, { role: 'assistant', content: result.content }];
        const next = { ...conversation, messages };
        setConversation(next);
        save(next, result);
      }
      if (result.usage) {
        totals.current.requests += 1;
        totals.current.prompt += result.usage.prompt_tokens;
        totals.current.completion += result.usage.completion_tokens;
        totals.current.cost += typeof result.usage.cost === 'number' ? result.usage.cost : 0;
      }
      // The one-shot UI's footer, on one row of this terminal.
      const footerText = footer ? formatFooter({ ...state, endedAt: state.endedAt ?? now() }, stdout.columns || 80) : undefined;
      append(...turnEntries(current.id, state, footerText));
      setTurn(undefined);
    },
    [append, conversation, footer, now, save, stdout],
  );
  // The reasoning stays in the transcript whole, dimmed, each line written once as it ends.
  const reasoning = useMemo(() => ({ width: stdout.columns || 80 }), [stdout]);
  const live = useChatStream(turn?.batches, { now, onFinish, onLines, reasoning });

  const run = useCallback(
    (text: string) => {
      armed.current = false;
      setHistory((h) => [...h, text]);
      const [command, ...rest] = text.trim().split(/\s+/);
      const argument = text.trim().slice((command ?? '').length).trim();
      if (command?.startsWith('/')) {
        append({ id: `c${Date.now()}-${Math.random()}`, kind: 'prompt', text });
        switch (command) {
          case '/help':
            return append(...helpEntries());
          case '/exit':
            return exit();
          case '/model':
            if (!argument) return append(infoEntry(`model: ${conversation.model}`));
            setConversation((c) => ({ ...c, model: argument }));
            return append(infoEntry(`model set to ${argument}`));
          case '/system': {
            const next = { ...conversation, ...(argument ? { system: argument } : {}) };
            if (!argument) delete next.system;
            setConversation(next);
            save(next);
            return append(infoEntry(argument ? 'system prompt set' : 'system prompt cleared'));
          }
          case '/clear': {
            const next = { ...conversation, messages: [] };
            setConversation(next);
            save(next);
            return append(infoEntry('conversation cleared'));
          }
          case '/save': {
            if (!rest[0]) return append(infoEntry(`this conversation is saved as "${conversation.name}"`));
            const next = { ...conversation, name: rest[0] };
            setConversation(next);
            save(next);
            return append(infoEntry(`saved as "${rest[0]}"; later turns are saved there too`));
          }
          case '/usage': {
            const t = totals.current;
            return append(infoEntry(`${t.requests} answers, ${t.prompt} prompt + ${t.completion} completion tokens, ${formatDollars(t.cost) ?? '$0'} in this session`));
          }
          default:
            return append(infoEntry(`unknown command ${command}; /help lists them`));
        }
      }
      const controller = new AbortController();
      const collector = new ChatCollector();
      const system: ChatMessage[] = conversation.system ? [{ role: 'system', content: conversation.system }] : [];
      const messages = [...system, ...conversation.messages.filter((m) => m.role !== 'system'), { role: 'user' as const, content: text }];
      const id = nextTurn.current++;
      append({ id: `p${id}`, kind: 'prompt', text });
      setTurn({ id, controller, collector, prompt: text, batches: collecting(ask(messages, conversation.model, controller.signal), collector) });
    },
    [append, ask, conversation, exit, save],
  );

  /** Leaves the REPL (130, or the stop signal's code); a turn still winding down is kept. */
  const leave = () => {
    const live = turnRef.current;
    if (live) {
      live.controller.abort();
      keepCutShort(live);
    }
    exit(new CancelledError('interrupted'));
  };
  useInput((input, key) => {
    // Presses that arrive in one read ("\u0003\u0003") reach us as one input: each one counts.
    const presses = key.ctrl && input === 'c' ? 1 : input.split('\u0003').length - 1;
    for (let press = 0; press < presses; press++) {
      const live = turnRef.current;
      if (live && !live.controller.signal.aborted) {
        // The first cancels the generation; the next one exits, however soon it comes.
        live.controller.abort();
        armed.current = true;
      } else if (armed.current) {
        leave();
        return;
      } else {
        armed.current = true;
        append(infoEntry('press Ctrl+C again, or Ctrl+D, to exit'));
      }
    }
  });
  // The latest leave(), for the stop signal's listener, which is added once.
  const leaveNow = useRef(leave);
  leaveNow.current = leave;
  useEffect(() => {
    const onStop = () => leaveNow.current();
    if (stop?.aborted) onStop();
    stop?.addEventListener('abort', onStop, { once: true });
    return () => stop?.removeEventListener('abort', onStop);
  }, [stop]);
  /** A turn cancelled and left before it wound down: its partial answer is kept all the same. */
  const keepCutShort = (live: Turn) => {
    turnRef.current = undefined; // and onFinish, should it still come, keeps nothing twice
    const result = live.collector.result();
    if (!result.content) return;
    save({ ...conversation, messages: [...conversation.messages, { role: 'user', content: live.prompt }, { role: 'assistant', content: result.content }] }, result);
  };

  return (
    <>
      {turn ? <TurnView state={live} footer={footer} now={now} /> : null}
      <InputBox history={history} active={!turn} onSubmit={run} onEndOfInput={() => exit()} />
    </>
  );
}
