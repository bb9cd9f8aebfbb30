// .gitignore rules as git applies them: every directory's .gitignore speaks for the paths
// below it, a deeper file's rule wins over a shallower one's (so `!keep.log` in src/ re-includes
// what the root's `*.log` excluded), and nothing below an excluded directory comes back.
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join, relative, sep } from 'node:path';
import ignore, { type Ignore } from 'ignore';

/** The nearest directory at or above `start` that holds `.git`, if any. */
export function repositoryRoot(start: string): string | undefined {
  for (let dir = start; ; dir = dirname(dir)) {
    if (existsSync(join(dir, '.git'))) return dir;
    if (dirname(dir) === dir) return undefined;
  }
}

const posix = (path: string) => (sep === '/' ? path : path.split(sep).join('/'));

export class GitignoreRules {
  private readonly byDirectory = new Map<string, Ignore | null>();
  private readonly directoryVerdicts = new Map<string, boolean>();

  /**
   * @param root where rules start: the repository's root when there is one (so that a walk of
   *   src/ still obeys the root's .gitignore), else the directory walked.
   */
  constructor(readonly root: string) {}

  /** The rules of `directory`'s own .gitignore, read once (none: null). */
  private rulesIn(directory: string): Ignore | null {
    let rules = this.byDirectory.get(directory);
    if (rules === undefined) {
      let text: string | undefined;
      try {
        text = readFileSync(join(directory, '.gitignore'), 'utf8');
      } catch {
        // No .gitignore here (or one we may not read): no rules.
      }
      rules = text === undefined ? null : ignore().add(text);
      this.byDirectory.set(directory, rules);
    }
    return rules;
  }

  /** The directories from the root down to `path`'s parent; empty when `path` is not below the root. */
  private levelsAbove(path: string): string[] {
    const rel = relative(this.root, path);
    if (rel === '' || rel.startsWith('..') || rel.startsWith(sep)) return [];
    const parts = rel.split(sep);
    const levels = [this.root];
    for (const part of parts.slice(0, -1)) levels.push(join(levels[levels.length - 1]!, part));
    return levels;
  }

  /**
   * Whether `path` itself is excluded, its parent directories taken as included (a walk that
   * does not enter excluded directories needs no more).
   */
  ignores(path: string, isDirectory: boolean): boolean {
    let ignored = false;
    for (const level of this.levelsAbove(path)) {
      const rules = this.rulesIn(level);
      if (!rules) continue;
      const verdict = rules.test(posix(relative(level, path)) + (isDirectory ? '/' : ''));
      if (verdict.ignored) ignored = true;
      else if (verdict.unignored) ignored = false;
    }
    return ignored;
  }

  /** Whether `path` is excluded, by its own rules or because a directory above it is. */
  ignoresWithParents(path: string, isDirectory: boolean): boolean {
    const levels = this.levelsAbove(path);
    for (const directory of levels.slice(1)) {
      let verdict = this.directoryVerdicts.get(directory);
      if (verdict === undefined) {
        verdict = this.ignores(directory, true);
        this.directoryVerdicts.set(directory, verdict);
      }
      if (verdict) return true;
    }
    return this.ignores(path, isDirectory);
  }
}
