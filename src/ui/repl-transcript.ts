// The REPL transcript's entries: prompts, answer lines, notes, footers, errors; and the text
// they are written to the terminal as.
import { CancelledError } from '../core/index.js';
import { answerText, wrapRow } from './answer-text.js';
import type { ChatViewState, ViewLine } from './chat-view-state.js';
import { terminalSafe } from './terminal-safe.js';

export interface Entry {
  id: string;
  kind: 'prompt' | 'answer' | 'info' | 'footer' | 'error' | 'warning';
  text: string;
  line?: ViewLine;
}

let counter = 0;

export function infoEntry(text: string): Entry {
  return { id: `i${++counter}`, kind: 'info', text };
}

/** A warning from elsewhere in the CLI (a session not saved, old messages dropped). */
export function warningEntry(text: string): Entry {
  return { id: `w${++counter}`, kind: 'warning', text: `⚠ ${text}` };
}

export const HELP = [
  '/model [id]      show or change the model',
  '/system [text]   set (or, without text, clear) the system prompt',
  '/clear           start the conversation afresh',
  '/save [name]     keep the conversation under a name',
  '/usage           tokens and cost of this session',
  "/reasoning       the last answer's reasoning, in full",
  '/exit            leave (also Ctrl+D, or Ctrl+C twice)',
  'End a line with \\ to continue on the next; up and down recall earlier prompts.',
];

export function helpEntries(): Entry[] {
  return HELP.map(infoEntry);
}

/**
 * The last answer's reasoning, whole, dimmed as it was while it streamed (the transcript kept
 * only its last few lines). It came from the network: made terminal-safe here.
 */
export function reasoningEntries(reasoning: string | undefined): Entry[] {
  if (!reasoning?.trim()) return [infoEntry('the last answer came with no reasoning')];
  return terminalSafe(reasoning.replace(/\s+$/, ''))
    .split('\n')
    .map((text, index): Entry => ({ id: `r${++counter}`, kind: 'answer', text, line: { id: index, text, kind: 'reasoning' } }));
}

/** A finished turn's lines, as they stay in the transcript, with its footer or error. */
export function turnEntries(turnId: number, state: ChatViewState, footer?: string): Entry[] {
  const entries: Entry[] = state.lines.map((line) => ({ id: `a${turnId}-${line.id}`, kind: 'answer', line, text: line.text }));
  // Who answered, when llm.fallback moved on, stays with the turn, after its lines (which were
  // printed as they streamed).
  entries.push(...state.fallbacks.map((notice, index): Entry => ({ id: `n${turnId}-${index}`, kind: 'info', text: `⤳ ${notice}` })));
  if (state.error instanceof CancelledError) entries.push({ id: `e${turnId}`, kind: 'info', text: '⏹ cancelled; the partial answer is kept' });
  else if (state.error) entries.push({ id: `e${turnId}`, kind: 'error', text: `✗ ${state.error.message}` });
  if (footer && state.phase === 'done') entries.push({ id: `f${turnId}`, kind: 'footer', text: footer });
  return entries;
}

/** Prompts cyan, errors red, warnings yellow, notes and footers dim, as SGR codes (open, close). */
const STYLES: Record<Exclude<Entry['kind'], 'answer'>, [string, string] | undefined> = {
  prompt: ['\u001b[36m', '\u001b[39m'],
  error: ['\u001b[31m', '\u001b[39m'],
  warning: ['\u001b[33m', '\u001b[39m'],
  info: ['\u001b[2m', '\u001b[22m'],
  footer: ['\u001b[2m', '\u001b[22m'],
};

/**
 * Entries as terminal text, wrapped to `columns`, each row ending in a newline. Every entry's
 * text is made terminal-safe here, before it is styled: notes and errors quote the server
 * (an error message, a model name) and the session file (a model, earlier prompts). Answer
 * lines are safe already (the view made them so as they arrived).
 */
export function transcriptText(entries: readonly Entry[], columns: number, color: boolean): string {
  let out = '';
  for (const entry of entries) {
    if (entry.kind === 'answer' && entry.line) {
      out += answerText([entry.line], columns, color);
      continue;
    }
    const style = color && entry.kind !== 'answer' ? STYLES[entry.kind] : undefined;
    const text = terminalSafe(entry.kind === 'prompt' ? `› ${entry.text}` : entry.text);
    for (const line of text.split('\n')) {
      for (const row of wrapRow(line || ' ', columns)) out += style ? `${style[0]}${row}${style[1]}\n` : `${row}\n`;
    }
  }
  return out;
}
