// The REPL transcript's entries: prompts, answer lines, notes, footers, errors.
import { CancelledError } from '../core/index.js';
import type { ChatViewState, ViewLine } from './chat-view-state.js';

export interface Entry {
  id: string;
  kind: 'prompt' | 'answer' | 'info' | 'footer' | 'error';
  text: string;
  line?: ViewLine;
}

let counter = 0;

export function infoEntry(text: string): Entry {
  return { id: `i${++counter}`, kind: 'info', text };
}

export const HELP = [
  '/model [id]      show or change the model',
  '/system [text]   set (or, without text, clear) the system prompt',
  '/clear           start the conversation afresh',
  '/save [name]     keep the conversation under a name',
  '/usage           tokens and cost of this session',
  '/exit            leave (also Ctrl+D, or Ctrl+C twice)',
  'End a line with \\ to continue on the next; up and down recall earlier prompts.',
];

export function helpEntries(): Entry[] {
  return HELP.map(infoEntry);
}

/** A finished turn's lines, as they stay in the transcript, with its footer or error. */
export function turnEntries(turnId: number, state: ChatViewState, footer?: string): Entry[] {
  const entries: Entry[] = state.lines.map((line) => ({ id: `a${turnId}-${line.id}`, kind: 'answer', line, text: line.text }));
  // Who answered, when llm.fallback moved on, stays with the turn. After its lines: those were
  // already printed while they streamed, and <Static> prints only what comes after them.
  entries.push(...state.fallbacks.map((notice, index): Entry => ({ id: `n${turnId}-${index}`, kind: 'info', text: `⤳ ${notice}` })));
  if (state.error instanceof CancelledError) entries.push({ id: `e${turnId}`, kind: 'info', text: '⏹ cancelled; the partial answer is kept' });
  else if (state.error) entries.push({ id: `e${turnId}`, kind: 'error', text: `✗ ${state.error.message}` });
  if (footer && state.phase === 'done') entries.push({ id: `f${turnId}`, kind: 'footer', text: footer });
  return entries;
}
