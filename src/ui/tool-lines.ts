// A tool call and its result as one line each, for the terminal UI and for stderr in plain
// mode: the name and arguments, then the first line of the result with a count of the rest.
// Folded on purpose: a tool may return pages, and they are for the model, not for the screen.
import type { StreamEvent } from '../core/index.js';

/** Longest a tool line gets. */
const TOOL_LINE_CHARS = 160;

/** The first line of `text`, cut, with a count of the lines left out. */
function oneRow(text: string, max = TOOL_LINE_CHARS): string {
  const lines = text.split('\n');
  const first = lines[0] ?? '';
  const more = lines.length > 1 ? ` (+${lines.length - 1} more line${lines.length === 2 ? '' : 's'})` : '';
  return (first.length > max ? `${first.slice(0, max - 1)}…` : first) + more;
}

/** "⚙ add {"a":1,"b":2}" (not yet terminal-safe: the caller makes it so). */
export function toolCallLine(event: Extract<StreamEvent, { type: 'tool_call' }>): string {
  return `⚙ ${event.name} ${oneRow(event.rawArguments || '{}')}`;
}

/** "  ↳ 3", or "  ✗ why" for a failed or refused call. */
export function toolResultLine(event: Extract<StreamEvent, { type: 'tool_result' }>): string {
  return `  ${event.isError ? '✗' : '↳'} ${oneRow(event.content || '(no output)')}`;
}
