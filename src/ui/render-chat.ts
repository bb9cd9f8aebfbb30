// Which renderer: the live terminal UI when stdout is a terminal (and not --json), else the
// plain writer. Ink and React are imported only on the terminal path, so pipes and CI never
// pay for loading them.
import type { StreamEvent } from '../core/index.js';
import { type PlainWriterOptions, type PlainWriterOutcome, writePlain } from './plain-writer.js';
import { loadTerminalLibraries } from './terminal-libraries.js';

export async function renderChat(
  batches: AsyncIterable<StreamEvent[]>,
  options: PlainWriterOptions & { terminal: boolean; color: boolean },
): Promise<PlainWriterOutcome> {
  if (!options.terminal || options.json) return writePlain(batches, options);
  disableColorUnless(options.color);
  await loadTerminalLibraries();
  const { renderInk } = await import('./ink-chat.js');
  return renderInk(batches, options);
}

/**
 * NO_COLOR and --no-color: Ink's colour library reads FORCE_COLOR (not NO_COLOR) once, as it
 * loads, so it is set before Ink is first imported.
 */
export function disableColorUnless(color: boolean): void {
  if (!color) process.env.FORCE_COLOR = '0';
}
