// The interactive chat: the transcript, the live turn, and the prompt. Slash commands change
// the model or system prompt, clear, save, show usage. Ctrl+C cancels a generation (the partial
// answer is kept); at the prompt a second Ctrl+C, or Ctrl+D on an empty prompt, exits.
//
// Keys are taken as a shell takes them: the prompt stays open while an answer streams, and a
// line entered meanwhile (or typed ahead during start-up) waits its turn, then runs, in order;
// one turn runs at a time. Ctrl+C drops what waits, as a terminal's interrupt drops type-ahead.
// Everything the keys act on is in refs: keys read in one go each see what the previous one did.
//
// The transcript is written once, as it grows, with Ink's own stdout write (which erases the
// live part, writes, and draws it again below), as ChatApp writes finished lines: not through
// <Static>, which lays out and restyles every character it prints and keeps every entry, and
// made a long answer cost several times the CPU and memory of a one-shot chat.
import { Text, useApp, useStdout } from 'ink';
import { useCallback, useEffect, useMemo, useReducer, useRef, useState } from 'react';
import { CancelledError, ChatCollector, type ChatMessage, type ChatResult, type ContentPart, DevsynthError, type MessageContent, mediaPartsOf, type StreamEvent, textOf } from '../core/index.js';
import { answerText, terminalHasColors } from './answer-text.js';
import type { ChatViewState, ViewLine } from './chat-view-state.js';
import { InputBox } from './components/InputBox.js';
import { TurnView } from './components/TurnView.js';
import { formatFooter } from './format-footer.js';
import { formatDollars } from './format-usage.js';
import { useChatStream } from './hooks/use-chat-stream.js';
import { useTerminalKeys } from './hooks/use-terminal-keys.js';
import { applyKey, initialEditorState, withHistoryEntry } from './line-editor.js';
import { REASONING_ROWS } from './ChatApp.js';
import { type Entry, helpEntries, infoEntry, reasoningEntries, transcriptText, turnEntries, warningEntry } from './repl-transcript.js';
import { terminalSafeCell } from './terminal-safe.js';

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
  /** Lines entered in earlier runs, oldest first (the history file). */
  readonly history?: readonly string[];
  /** Keeps a line entered now for later runs. */
  readonly remember?: (line: string) => void;
  /** Whether `/model <id>` names a model of the catalogue; never rejects. */
  readonly checkModel?: (id: string) => Promise<ModelCheck>;
  /** `/file <path>`: the text of a file, directory or glob, and a label per file (`src/a.ts 2 KB`). */
  readonly readFiles?: (path: string) => Promise<{ text: string; labels: string[] }>;
  /** `/attach <path>`: the file as a content part (rejects with a DevsynthError saying why not). */
  readonly attach?: (path: string) => Promise<ContentPart>;
  /** Attachments given with -a, for the first prompt. */
  readonly attached?: readonly ContentPart[];
  /** How an attachment is shown: `[image: photo.jpg 412 KB]`. */
  readonly describeAttachment?: (part: ContentPart) => string;
}

/** `id`: the model an alias typed with /model stands for. */
export type ModelCheck = { known: true; id?: string } | { known: false; suggestions: string[] } | { unchecked: string; id?: string };

/** What was entered while a turn ran (or a model was checked), to act on after it. */
type Queued = { kind: 'line'; text: string } | { kind: 'end' };

interface Turn {
  id: number;
  batches: AsyncIterable<StreamEvent[]>;
  controller: AbortController;
  collector: ChatCollector;
  prompt: MessageContent;
}

async function* collecting(batches: AsyncIterable<StreamEvent[]>, collector: ChatCollector) {
  for await (const batch of batches) {
    for (const event of batch) collector.add(event);
    yield batch;
  }
}

/** The history file's lines, then the prompts of the conversation resumed that it lacks. */
function startingHistory(earlier: readonly string[], messages: readonly ChatMessage[]): readonly string[] {
  const known = new Set(earlier);
  let history = earlier;
  for (const message of messages) if (message.role === 'user' && !known.has(textOf(message.content))) history = withHistoryEntry(history, textOf(message.content));
  return history;
}

const plural = (count: number, one: string) => `${count} ${one}${count === 1 ? '' : 's'}`;

export function Repl({
  initial,
  ask,
  save,
  footer,
  now = Date.now,
  warnings,
  stop,
  history: earlier = [],
  remember,
  checkModel,
  readFiles,
  attach,
  attached = [],
  describeAttachment = () => '[attachment]',
}: ReplProps) {
  const { exit } = useApp();
  const { stdout, write } = useStdout();
  // The conversation as of the last key or turn: a key handled right after another must see it.
  const conversation = useRef<Conversation>(initial);
  const [turn, setTurnState] = useState<Turn | undefined>();
  // The turn as of now, for the keys and the stream's completion callback (state would be a stale copy).
  const turnRef = useRef<Turn | undefined>(undefined);
  const setTurn = (next: Turn | undefined) => {
    turnRef.current = next;
    setTurnState(next);
  };
  // Whether the next Ctrl+C exits. A ref, not state: a second press that comes before the
  // first one's render (a quick double press) must see it.
  const armed = useRef(false);
  const totals = useRef({ requests: 0, prompt: 0, completion: 0, cost: 0 });
  // The last answer's reasoning, whole, for /reasoning (the transcript keeps its last lines).
  const lastReasoning = useRef<string | undefined>(undefined);
  const nextTurn = useRef(1);
  // The line being edited, with the history (everything entered, commands and failed prompts
  // included, as a shell keeps it). Drawn from the ref; `redraw` asks for the drawing.
  const editor = useRef(initialEditorState(startingHistory(earlier, initial.messages)));
  const queue = useRef<Queued[]>([]);
  const checking = useRef<AbortController | undefined>(undefined);
  // /file: the files read for the next prompt, and the read under way (lines entered meanwhile wait for it).
  const pendingFiles = useRef<Array<{ text: string; labels: string[] }>>([]);
  const readingFile = useRef<AbortController | undefined>(undefined);
  // Attachments waiting for the next prompt (/attach, -a), and whether one is being read.
  const pendingMedia = useRef<ContentPart[]>([...attached]);
  const attaching = useRef(false);
  const left = useRef(false);
  const [, redraw] = useReducer((count: number) => count + 1, 0);

  // Entries are written once the render they came with is committed: a note such as "cancelled"
  // then appears only when the prompt below it takes keys again (a Ctrl+D typed on seeing it
  // would otherwise be lost).
  const [pending, setPending] = useState<Entry[]>([]);
  const append = useCallback((...entries: Entry[]) => setPending((queued) => [...queued, ...entries]), []);
  useEffect(() => {
    if (pending.length === 0) return;
    write(transcriptText(pending, stdout.columns || 80, terminalHasColors(stdout)));
    // Only those written: a key handled since this render may have added more.
    setPending((queued) => queued.slice(pending.length));
  }, [pending, stdout, write]);
  const onLines = useCallback(
    (lines: ViewLine[]) => write(answerText(lines, stdout.columns || 80, terminalHasColors(stdout))),
    [stdout, write],
  );
  useEffect(() => warnings?.((message) => append(warningEntry(message))), [warnings, append]);
  useEffect(() => {
    append(infoEntry(`devsynth-or chat: ${initial.model}${initial.messages.length ? `, ${initial.messages.length} earlier messages` : ''}. /help for commands.`));
    // The earlier turns' attachments are sent again with each prompt: the user sees which.
    const earlierMedia = initial.messages.flatMap((message) => mediaPartsOf(message.content));
    if (earlierMedia.length > 0) append(infoEntry(`in the conversation: ${earlierMedia.map(describeAttachment).join(' ')}`));
    // Once, as the REPL opens.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, []);

  const busy = () => Boolean(turnRef.current || checking.current || readingFile.current || attaching.current);
  const setConversation = (next: Conversation) => {
    conversation.current = next;
  };
  const finish = () => {
    left.current = true;
    exit();
  };

  /** Runs what waits, in order, until something is running again. */
  const drain = () => {
    while (!busy() && !left.current) {
      const next = queue.current.shift();
      if (!next) break;
      if (next.kind === 'end') finish();
      else run(next.text);
    }
    redraw();
  };

  const onFinish = (state: ChatViewState) => {
    const current = turnRef.current;
    if (!current) return;
    const result = current.collector.result();
    lastReasoning.current = result.reasoning;
    // A turn that produced no text at all is not kept: the prompt stays in the history only.
    if (result.content) {
      const messages: ChatMessage[] = [...conversation.current.messages, { role: 'user', content: current.prompt }, { role: 'assistant', content: result.content }];
      const next = { ...conversation.current, messages };
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
    // What to do about an error stays under it, as in the one-shot chat's panel.
    const hint = state.error instanceof DevsynthError && !(state.error instanceof CancelledError) ? state.error.hint : undefined;
    if (hint) append(infoEntry(`hint: ${hint}`));
    setTurn(undefined);
    drain();
  };
  // The reasoning stays in the transcript dimmed, folded to its last few lines once the answer
  // starts, as in the one-shot UI; /reasoning shows the last one whole.
  const reasoning = useMemo(() => ({ fold: REASONING_ROWS, width: stdout.columns || 80 }), [stdout]);
  const live = useChatStream(turn?.batches, { now, onFinish, onLines, reasoning });

  const setModel = (model: string, note = '') => {
    setConversation({ ...conversation.current, model });
    append(infoEntry(`model set to ${model}${note}`));
  };

  /** `/model <id>`: checked against the catalogue first; an unknown id leaves the model as it was. */
  const changeModel = (wanted: string) => {
    if (!checkModel) return setModel(wanted);
    const controller = new AbortController();
    checking.current = controller;
    void checkModel(wanted)
      .catch((error: unknown): ModelCheck => ({ unchecked: (error as Error).message }))
      .then((check) => {
        if (controller.signal.aborted) return;
        checking.current = undefined;
        if ('unchecked' in check) setModel(check.id ?? wanted, ` (not checked: ${check.unchecked})`);
        else if (check.known) setModel(check.id ?? wanted);
        else {
          const advice = check.suggestions.length > 0 ? `did you mean ${check.suggestions.join(', ')}?` : 'devsynth-or models lists them.';
          append(infoEntry(`unknown model ${wanted}; ${advice} The model is still ${conversation.current.model || 'the provider default'}.`));
        }
        drain();
      });
  };

  /** `/file <path>`: read now, sent with the next prompt (before its words, as -f does). */
  const addFile = (path: string) => {
    if (!readFiles) return append(infoEntry('/file is not available here'));
    const controller = new AbortController();
    readingFile.current = controller;
    void readFiles(path)
      .then(
        (files) => {
          if (controller.signal.aborted) return;
          if (files.labels.length === 0) return append(infoEntry(`no text in ${path}: nothing added`));
          pendingFiles.current.push(files);
          append(...files.labels.map((label) => infoEntry(`[file: ${label}] added to the next prompt`)));
        },
        (error: unknown) => {
          if (controller.signal.aborted) return;
          append({ id: `x${Date.now()}-${Math.random()}`, kind: 'error', text: `✗ ${(error as Error).message}` });
          if (error instanceof DevsynthError && error.hint) append(infoEntry(`hint: ${error.hint}`));
        },
      )
      .finally(() => {
        if (controller.signal.aborted) return;
        readingFile.current = undefined;
        drain();
      });
  };

  /** `/attach <path>`: read now, sent with the next prompt; lines entered meanwhile wait. */
  const attachFile = (path: string) => {
    if (!attach) return append(infoEntry('attachments are not available here'));
    if (!path) return append(infoEntry('/attach <path> adds an image, PDF or audio file to the next prompt'));
    attaching.current = true;
    void attach(path)
      .then((part) => {
        pendingMedia.current = [...pendingMedia.current, part];
        append(infoEntry(`${describeAttachment(part)} goes with the next prompt`));
      })
      .catch((error: unknown) => append({ id: `x${Date.now()}-${Math.random()}`, kind: 'error', text: `✗ ${(error as Error).message}` }))
      .finally(() => {
        attaching.current = false;
        drain();
      });
  };

  const run = (text: string) => {
    armed.current = false;
    const [command, ...rest] = text.trim().split(/\s+/);
    const argument = text.trim().slice((command ?? '').length).trim();
    const current = conversation.current;
    if (command?.startsWith('/')) {
      append({ id: `c${Date.now()}-${Math.random()}`, kind: 'prompt', text });
      switch (command) {
        case '/help':
          return append(...helpEntries());
        case '/exit':
          return finish();
        case '/file':
          if (!argument) return append(infoEntry('/file <path> adds a file, directory or glob to the next prompt'));
          return addFile(argument);
        case '/model':
          if (!argument) return append(infoEntry(`model: ${current.model}`));
          return changeModel(argument);
        case '/system': {
          const next = { ...current, ...(argument ? { system: argument } : {}) };
          if (!argument) delete next.system;
          setConversation(next);
          save(next);
          return append(infoEntry(argument ? 'system prompt set' : 'system prompt cleared'));
        }
        case '/clear': {
          const next = { ...current, messages: [] };
          setConversation(next);
          save(next);
          return append(infoEntry('conversation cleared'));
        }
        case '/save': {
          if (!rest[0]) return append(infoEntry(`this conversation is saved as "${current.name}"`));
          const next = { ...current, name: rest[0] };
          setConversation(next);
          save(next);
          return append(infoEntry(`saved as "${rest[0]}"; later turns are saved there too`));
        }
        case '/attach':
          return attachFile(argument);
        case '/usage': {
          const t = totals.current;
          return append(infoEntry(`${t.requests} answers, ${t.prompt} prompt + ${t.completion} completion tokens, ${formatDollars(t.cost) ?? '$0'} in this session`));
        }
        case '/reasoning':
          return append(...reasoningEntries(lastReasoning.current));
        default:
          return append(infoEntry(`unknown command ${command}; /help lists them`));
      }
    }
    const controller = new AbortController();
    const collector = new ChatCollector();
    const system: ChatMessage[] = current.system ? [{ role: 'system', content: current.system }] : [];
    // Files added with /file go before the words, as -f's do; attachments (/attach, -a) follow
    // the text as parts. The transcript shows the files' and attachments' labels.
    const files = pendingFiles.current;
    pendingFiles.current = [];
    const media = pendingMedia.current;
    pendingMedia.current = [];
    const words = files.length ? `${files.map((f) => f.text).join('\n')}\n${text}` : text;
    const prompt: MessageContent = media.length > 0 ? [...(words.trim() ? [{ type: 'text' as const, text: words }] : []), ...media] : words;
    const messages = [...system, ...current.messages.filter((m) => m.role !== 'system'), { role: 'user' as const, content: prompt }];
    const id = nextTurn.current++;
    append(...files.flatMap((f) => f.labels).map((label) => infoEntry(`[file: ${label}]`)));
    append({ id: `p${id}`, kind: 'prompt', text }, ...media.map((part) => infoEntry(`  ${describeAttachment(part)}`)));
    setTurn({ id, controller, collector, prompt, batches: collecting(ask(messages, current.model, controller.signal), collector) });
  };

  /** A line entered: run now, or after what runs and waits already. */
  const submit = (text: string) => {
    remember?.(text);
    if (busy() || queue.current.length > 0) queue.current.push({ kind: 'line', text });
    else run(text);
  };

  /** Lines and Ctrl+D waiting for the turn: dropped by Ctrl+C (they stay in the history). */
  const dropQueue = () => {
    const lines = queue.current.filter((item) => item.kind === 'line').length;
    queue.current = [];
    if (lines > 0) append(infoEntry(`${plural(lines, 'queued prompt')} dropped; ↑ recalls ${lines === 1 ? 'it' : 'them'}`));
  };

  /** Ctrl+C: cancels what runs; else clears the line; else warns; pressed again, leaves. */
  const interrupt = () => {
    const running = turnRef.current;
    if (running && !running.controller.signal.aborted) {
      // The first cancels the generation; the next one exits, however soon it comes.
      running.controller.abort();
      armed.current = true;
      dropQueue();
    } else if (checking.current) {
      checking.current.abort();
      checking.current = undefined;
      armed.current = true;
      dropQueue();
      append(infoEntry(`model check cancelled; the model is still ${conversation.current.model || 'the provider default'}`));
    } else if (readingFile.current) {
      readingFile.current.abort();
      readingFile.current = undefined;
      armed.current = true;
      dropQueue();
      append(infoEntry('/file cancelled; nothing was added'));
    } else if (armed.current) {
      leave();
    } else if (editor.current.text !== '' || editor.current.search) {
      editor.current = applyKey(editor.current, { name: 'interrupt' }).state;
    } else {
      armed.current = true;
      append(infoEntry('press Ctrl+C again, or Ctrl+D, to exit'));
    }
  };

  /** Leaves the REPL (130, or the stop signal's code); a turn still winding down is kept. */
  const leave = () => {
    left.current = true;
    const running = turnRef.current;
    if (running) {
      running.controller.abort();
      keepCutShort(running);
    }
    exit(new CancelledError('interrupted'));
  };

  useTerminalKeys((keys) => {
    for (const key of keys) {
      if (left.current) return;
      if (key.name === 'interrupt') {
        interrupt();
        continue;
      }
      const outcome = applyKey(editor.current, key);
      editor.current = outcome.state;
      if (outcome.submitted !== undefined) submit(outcome.submitted);
      if (outcome.endOfInput) {
        // Ctrl+D while an answer streams: leave once it (and what waits before it) is done.
        if (busy() || queue.current.length > 0) queue.current.push({ kind: 'end' });
        else finish();
      }
    }
    redraw();
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
  const keepCutShort = (cut: Turn) => {
    turnRef.current = undefined; // and onFinish, should it still come, keeps nothing twice
    const result = cut.collector.result();
    if (!result.content) return;
    const current = conversation.current;
    save({ ...current, messages: [...current.messages, { role: 'user', content: cut.prompt }, { role: 'assistant', content: result.content }] }, result);
  };

  return (
    <>
      {turn ? <TurnView state={live} footer={footer} now={now} /> : null}
      {checking.current ? <Text dimColor>checking the model list…</Text> : null}
      {readingFile.current ? <Text dimColor>reading the files…</Text> : null}
      {pendingFiles.current.flatMap((files) => files.labels).map((label, index) => (
        <Text key={`file${index}`} dimColor>
          {`[file: ${terminalSafeCell(label)}] (pending)`}
        </Text>
      ))}
      {attaching.current ? <Text dimColor>reading the attachment…</Text> : null}
      {pendingMedia.current.length > 0 ? <Text dimColor>{terminalSafeCell(`with the next prompt: ${pendingMedia.current.map(describeAttachment).join(' ')}`)}</Text> : null}
      {queue.current.map((item, index) => (
        <Text key={index} dimColor>
          {item.kind === 'end' ? 'Ctrl+D: leaving after this answer' : `› ${terminalSafeCell(item.text)}  (waiting)`}
        </Text>
      ))}
      <InputBox state={editor.current} />
    </>
  );
}
