// The REPL's history across runs, as a shell keeps one: `repl-history.json` in the state
// folder (0600, never through a link: json-store.ts), the newest MAX_ENTRIES lines. Each line
// is added under the file's lock, so two REPLs open at once both keep theirs. What is read is
// a state file, so untrusted: the schema checks its shape, and the REPL draws its lines
// through terminal-safe.
import * as z from '../config/zod.js';
import { JsonStore, type Warn } from './json-store.js';

export const MAX_HISTORY_ENTRIES = 1000;
/** A longer line (a large paste) is kept for this run only: 1,000 of them would make a huge file. */
export const MAX_HISTORY_ENTRY_CHARS = 16_384;

const fileSchema = z.object({ entries: z.array(z.string()) });
type HistoryFile = z.infer<typeof fileSchema>;

export function createReplHistory(dir: string, options: { warn?: Warn; secrets?: () => readonly string[] } = {}) {
  const store = new JsonStore<HistoryFile>({ dir, name: 'repl-history', schema: fileSchema, empty: () => ({ entries: [] }), ...options });
  return {
    path: store.path,
    /** Oldest first. */
    read(): string[] {
      return store
        .read()
        .entries.filter((entry) => entry.length <= MAX_HISTORY_ENTRY_CHARS)
        .slice(-MAX_HISTORY_ENTRIES);
    },
    /** Adds a line, unless blank, too long, or the same as the newest one. */
    async add(line: string): Promise<void> {
      if (line.trim() === '' || line.length > MAX_HISTORY_ENTRY_CHARS) return;
      await store.update((file) => (file.entries.at(-1) === line ? file : { entries: [...file.entries, line].slice(-MAX_HISTORY_ENTRIES) }));
    },
  };
}
export type ReplHistory = ReturnType<typeof createReplHistory>;
