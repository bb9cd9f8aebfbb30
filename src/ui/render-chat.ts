// Which renderer: the live terminal UI when stdout is a terminal (and not --json), else the
// plain writer. Ink and React are imported only on the terminal path, so pipes and CI never
// pay for loading them.
import type { StreamEvent } from '../core/index.js';
import type { ApprovalChannel } from './approval-channel.js';
import { citationLines } from './citation-lines.js';
import { type PlainWriterOptions, type PlainWriterOutcome, writePlain } from './plain-writer.js';
import { readAhead } from './read-ahead.js';
import { loadTerminalLibraries } from './terminal-libraries.js';

export async function renderChat(
  batches: AsyncIterable<StreamEvent[]>,
  options: PlainWriterOptions & { terminal: boolean; color: boolean; approvals?: ApprovalChannel },
): Promise<PlainWriterOutcome> {
  // A shaped answer (--schema, --extract) is printed once it is checked, never drawn live.
  if (!options.terminal || options.json || options.shaper) return writePlain(batches, options);
  disableColorUnless(options.color);
  // The request goes out now, and the answer waits while Ink and React load.
  const startedAt = Date.now();
  const answer = readAhead(batches);
  let renderInk: typeof import('./ink-chat.js').renderInk;
  try {
    await loadTerminalLibraries();
    ({ renderInk } = await import('./ink-chat.js'));
  } catch (error) {
    // No UI to read it: the request must not go on downloading an answer nobody will see.
    answer.stop();
    throw error;
  }
  const outcome = await renderInk(answer, { ...options, startedAt });
  // After the answer, once the UI has let go of the terminal: the sources it cited.
  if (outcome.citations?.length) options.stdout.write(citationLines(outcome.citations));
  return outcome;
}

/**
 * NO_COLOR and --no-color: Ink's colour library reads FORCE_COLOR (not NO_COLOR) once, as it
 * loads, so it is set before Ink is first imported.
 */
export function disableColorUnless(color: boolean): void {
  if (!color) process.env.FORCE_COLOR = '0';
}
