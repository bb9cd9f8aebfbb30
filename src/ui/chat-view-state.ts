// The terminal UI's state as a pure function of the events: finished lines (written to the
// terminal once), the line still being written, and the figures for the footer. Lines are styled
// as markdown as they complete, so the answer never has to be re-rendered as a whole.
//
// Every string from the stream is made terminal-safe as it enters the view: the view is all the
// terminal UI shows (live line, finished lines, reasoning, model, notices), so nothing drawn
// from it can carry an escape sequence, and no component has to remember to check.
import type { DevsynthError, StreamEvent, Usage } from '../core/index.js';
import { terminalSafe } from './terminal-safe.js';
import { toolCallLine, toolResultLine } from './tool-lines.js';

export type LineKind = 'text' | 'heading' | 'list' | 'quote' | 'fence' | 'code' | 'reasoning' | 'tool';

export interface ViewLine {
  id: number;
  text: string;
  kind: LineKind;
}

export interface RetryView {
  reason: string;
  attempt: number;
  maxRetries: number;
  /** Epoch ms when the next attempt starts, for the countdown. */
  until: number;
}

/**
 * How reasoning is kept once the answer starts. `fold`: only its last so many lines, below a
 * count of the others (the one-shot UI); without it, every line (the REPL's transcript).
 * `width`: a longer line is cut (at a space) into lines of at most this many characters, so a
 * line is about a row, and what is live stays a row or two however long the reasoning.
 */
export interface ReasoningShape {
  fold?: number;
  width: number;
}

/**
 * The reasoning since the answer last had text: shown dimmed below the finished lines, and
 * committed to them (folded or whole) when the answer's text comes or the stream ends.
 */
export interface ReasoningView {
  fold: number;
  width: number;
  /** Finished lines folded away (fold mode): only their number is kept. */
  hidden: number;
  /** The last finished lines still shown (fold mode; whole mode commits them at once). */
  tail: string[];
  /** The line still being written. */
  live: string;
}

export interface ChatViewState {
  phase: 'waiting' | 'streaming' | 'done' | 'error';
  lines: ViewLine[];
  live: string;
  /** Reasoning not yet committed to `lines`; already terminal-safe. */
  reasoning?: ReasoningView;
  inCode: boolean;
  model?: string;
  provider?: string;
  usage?: Usage;
  retry?: RetryView;
  /** Providers passed over (llm.fallback), as told to the user. */
  fallbacks: string[];
  startedAt: number;
  firstTokenAt?: number;
  endedAt?: number;
  error?: DevsynthError | Error;
}

export function initialViewState(now: number): ChatViewState {
  return { phase: 'waiting', lines: [], live: '', inCode: false, fallbacks: [], startedAt: now };
}

/** The note above folded reasoning, for the live view and the committed lines alike. */
export function foldedNote(hidden: number): string {
  return `… ${hidden} more line${hidden === 1 ? '' : 's'} of reasoning`;
}

function classify(text: string, inCode: boolean): { kind: LineKind; inCode: boolean } {
  if (/^\s*(```|~~~)/.test(text)) return { kind: 'fence', inCode: !inCode };
  if (inCode) return { kind: 'code', inCode };
  if (/^#{1,6}\s/.test(text)) return { kind: 'heading', inCode };
  if (/^\s*([-*+]|\d+[.)])\s/.test(text)) return { kind: 'list', inCode };
  if (/^\s*>/.test(text)) return { kind: 'quote', inCode };
  return { kind: 'text', inCode };
}

/**
 * Appends answer text: complete lines move to `lines`; a line longer than `maxLive` is cut at
 * a space and committed too, so that one endless line cannot make every frame expensive.
 */
function appendText(state: ChatViewState, text: string, maxLive: number): ChatViewState {
  const parts = (state.live + text).split('\n');
  let live = parts.pop() ?? '';
  const lines = state.lines.slice();
  let inCode = state.inCode;
  const commit = (line: string) => {
    const styled = classify(line, inCode);
    inCode = styled.inCode;
    lines.push({ id: lines.length, text: line, kind: styled.kind });
  };
  for (const line of parts) commit(line);
  while (live.length > maxLive) {
    const cut = live.lastIndexOf(' ', maxLive);
    const at = cut > maxLive / 2 ? cut + 1 : maxLive;
    commit(live.slice(0, at).trimEnd());
    live = live.slice(at);
  }
  return { ...state, lines, live, inCode };
}

/** Cuts `text` into pieces of at most `width` characters, at a space where there is one. */
function cutAt(text: string, width: number): string[] {
  const pieces: string[] = [];
  let rest = text;
  while (rest.length > width) {
    const cut = rest.lastIndexOf(' ', width);
    const at = cut > width / 2 ? cut + 1 : width;
    pieces.push(rest.slice(0, at).trimEnd());
    rest = rest.slice(at);
  }
  pieces.push(rest);
  return pieces;
}

/**
 * Appends reasoning (already terminal-safe). In whole mode finished lines go straight to
 * `lines`; in fold mode only the last `fold` are kept, and the others counted: a reasoning
 * of any length costs a few short strings per frame.
 */
function appendReasoning(state: ChatViewState, text: string, shape: ReasoningShape): ChatViewState {
  let next = state;
  if (!next.reasoning && next.live) {
    // Reasoning after some of the answer (rare): the answer's line so far is committed first,
    // so that the lines stay in the order they came.
    next = appendText(next, '\n', Number.POSITIVE_INFINITY);
  }
  const block = next.reasoning ?? { fold: shape.fold ?? Number.POSITIVE_INFINITY, width: Math.max(8, shape.width), hidden: 0, tail: [], live: '' };
  const parts = (block.live + text).split('\n');
  const rows: string[] = [];
  const last = parts.pop() ?? '';
  for (const part of parts) rows.push(...cutAt(part, block.width));
  const pieces = cutAt(last, block.width);
  const live = pieces.pop() ?? '';
  rows.push(...pieces);
  return keepReasoning({ ...next, reasoning: { ...block, live } }, rows);
}

/** Finished reasoning lines: committed (whole mode) or kept as the tail (fold mode). */
function keepReasoning(state: ChatViewState, rows: string[]): ChatViewState {
  const block = state.reasoning as ReasoningView;
  if (block.fold === Number.POSITIVE_INFINITY) {
    if (rows.length === 0) return state;
    const lines = state.lines.slice();
    for (const text of rows) lines.push({ id: lines.length, text, kind: 'reasoning' });
    return { ...state, lines };
  }
  // Blank lines would take the few rows the fold has.
  const tail = [...block.tail, ...rows.filter((row) => row.trim() !== '')];
  const drop = Math.max(0, tail.length - block.fold);
  return { ...state, reasoning: { ...block, hidden: block.hidden + drop, tail: drop ? tail.slice(drop) : tail } };
}

/** The reasoning block ends (the answer's text comes, or the stream ends): its lines are committed. */
function closeReasoning(state: ChatViewState): ChatViewState {
  if (!state.reasoning) return state;
  const block = state.reasoning;
  const kept = keepReasoning({ ...state, reasoning: { ...block, live: '' } }, block.live ? [block.live] : []);
  const folded = kept.reasoning as ReasoningView;
  const rows = [...(folded.hidden > 0 ? [foldedNote(folded.hidden)] : []), ...folded.tail];
  const lines = kept.lines.slice();
  for (const text of rows) lines.push({ id: lines.length, text, kind: 'reasoning' });
  const next = { ...kept, lines };
  delete next.reasoning;
  return next;
}

/** A tool call or result, folded to one line, as its own line between the answer's. */
function appendToolLine(state: ChatViewState, text: string): ChatViewState {
  const next = state.live ? appendText(closeReasoning(state), '\n', Number.POSITIVE_INFINITY) : closeReasoning(state);
  const lines = next.lines.slice();
  lines.push({ id: lines.length, text: terminalSafe(text), kind: 'tool' });
  return { ...next, lines, phase: 'streaming' };
}

/** Folds one batch of events into the view. */
export function reduceBatch(
  state: ChatViewState,
  batch: readonly StreamEvent[],
  now: number,
  maxLive = 2000,
  reasoning: ReasoningShape = { width: 80 },
): ChatViewState {
  let next = state;
  let text = '';
  // Answer text is folded in once per read (below), unless reasoning comes after it in the read.
  const flushText = () => {
    if (!text) return;
    // One pass per read; a sequence cut between reads is still caught (terminal-safe.ts).
    next = appendText(closeReasoning(next), terminalSafe(text), maxLive);
    next = { ...next, phase: 'streaming', firstTokenAt: next.firstTokenAt ?? now };
    delete next.retry;
    text = '';
  };
  for (const event of batch) {
    switch (event.type) {
      case 'token':
        text += event.text;
        break;
      case 'reasoning':
        flushText();
        next = appendReasoning(next, terminalSafe(event.text), reasoning);
        break;
      case 'usage':
        next = { ...next, usage: event.usage };
        break;
      case 'retry':
        next = { ...next, retry: { reason: terminalSafe(event.reason), attempt: event.attempt, maxRetries: event.maxRetries, until: now + event.delayMs } };
        break;
      case 'fallback':
        next = { ...next, fallbacks: [...next.fallbacks, terminalSafe(`${event.from} is unavailable (${event.reason}); answering with ${event.to}`)] };
        delete next.retry;
        break;
      case 'tool_call':
        flushText();
        next = appendToolLine(next, toolCallLine(event));
        break;
      case 'tool_result':
        flushText();
        next = appendToolLine(next, toolResultLine(event));
        break;
      case 'meta':
      case 'done': {
        const model = event.model && terminalSafe(event.model);
        const provider = event.provider && terminalSafe(event.provider);
        next = { ...next, ...(model ? { model } : {}), ...(provider ? { provider } : {}) };
        break;
      }
    }
  }
  flushText();
  return next;
}

/** The stream ended: the last line, and reasoning not yet committed, are committed. */
export function finishView(state: ChatViewState, now: number, error?: DevsynthError | Error): ChatViewState {
  const closed = closeReasoning(state);
  const committed = closed.live ? appendText(closed, '\n', Number.POSITIVE_INFINITY) : closed;
  const next: ChatViewState = { ...committed, live: '', phase: error ? 'error' : 'done', endedAt: now };
  delete next.retry;
  if (error) next.error = error;
  return next;
}
