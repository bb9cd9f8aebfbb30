// A directory's files for -f, as `git ls-files --others --cached` would roughly list them:
// .gitignore rules obeyed at every level, .git/ never entered, hidden entries left out (as
// ripgrep and fd do: a stray .env should not reach a model because a directory was named), and
// symbolic links not followed, to directories or files: a link cannot loop the walk or lead it
// outside the directory the user named.
import { readdir } from 'node:fs/promises';
import { join } from 'node:path';
import type { GitignoreRules } from './gitignore-rules.js';

/**
 * The files under `directory`, in a stable order (each directory's entries sorted by name,
 * depth first). Stops once it has found more than `maxFiles`: the caller sees maxFiles + 1 and
 * can refuse, without the walk of a home directory running on.
 */
export async function walkFiles(directory: string, rules: GitignoreRules, maxFiles: number): Promise<string[]> {
  const files: string[] = [];
  const visit = async (dir: string): Promise<void> => {
    let entries;
    try {
      entries = await readdir(dir, { withFileTypes: true });
    } catch {
      // A directory we may not read is passed over, as git passes it over.
      return;
    }
    // Code-point order, not the locale's: the same files come in the same order everywhere.
    entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
    for (const entry of entries) {
      if (files.length > maxFiles) return;
      if (entry.name.startsWith('.') || entry.isSymbolicLink()) continue;
      const path = join(dir, entry.name);
      if (entry.isDirectory()) {
        if (!rules.ignores(path, true)) await visit(path);
      } else if (entry.isFile() && !rules.ignores(path, false)) {
        // Regular files only: a FIFO or a device would block the read or never end.
        files.push(path);
      }
    }
  };
  await visit(directory);
  return files;
}
