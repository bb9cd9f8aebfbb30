// The terminal UI's state as a pure function of the events: finished lines (written to the
// terminal once), the line still being written, and the figures for the footer. Lines are styled
// as markdown as they complete, so the answer never has to be re-rendered as a whole.
//
// Every string from the stream is made terminal-safe as it enters the view: the view is all the
// terminal UI shows (live line, finished lines, reasoning, model, notices), so nothing drawn
// from it can carry an escape sequence, and no component has to remember to check.
import type { DevsynthError, StreamEvent, Usage } from '../core/index.js';
import { terminalSafe } from './terminal-safe.js';

export type LineKind = 'text' | 'heading' | 'list' | 'quote' | 'fence' | 'code';

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

export interface ChatViewState {
  phase: 'waiting' | 'streaming' | 'done' | 'error';
  lines: ViewLine[];
  live: string;
  /** The end of the reasoning so far, shown dimmed while the answer has not started. */
  reasoning: string;
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

const REASONING_TAIL = 240;

export function initialViewState(now: number): ChatViewState {
  return { phase: 'waiting', lines: [], live: '', reasoning: '', inCode: false, fallbacks: [], startedAt: now };
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

/** Folds one batch of events into the view. */
export function reduceBatch(state: ChatViewState, batch: readonly StreamEvent[], now: number, maxLive = 2000): ChatViewState {
  let next = state;
  let text = '';
  for (const event of batch) {
    switch (event.type) {
      case 'token':
        text += event.text;
        break;
      case 'reasoning':
        next = { ...next, reasoning: (next.reasoning + terminalSafe(event.text)).slice(-REASONING_TAIL) };
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
      case 'meta':
      case 'done': {
        const model = event.model && terminalSafe(event.model);
        const provider = event.provider && terminalSafe(event.provider);
        next = { ...next, ...(model ? { model } : {}), ...(provider ? { provider } : {}) };
        break;
      }
    }
  }
  if (text) {
    // One pass per read; a sequence cut between reads is still caught (terminal-safe.ts).
    next = appendText(next, terminalSafe(text), maxLive);
    next = { ...next, phase: 'streaming', firstTokenAt: next.firstTokenAt ?? now };
    delete next.retry;
  }
  return next;
}

/** The stream ended: the last line is committed. */
export function finishView(state: ChatViewState, now: number, error?: DevsynthError | Error): ChatViewState {
  const committed = state.live ? appendText(state, '\n', Number.POSITIVE_INFINITY) : state;
  const next: ChatViewState = { ...committed, live: '', phase: error ? 'error' : 'done', endedAt: now };
  delete next.retry;
  if (error) next.error = error;
  return next;
}
