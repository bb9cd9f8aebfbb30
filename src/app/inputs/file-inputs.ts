// -f, --file: files, directories and globs made into text for the user message. Each argument
// is a path when something is there (so a file named "a[1].ts" is that file), else a glob when
// it has glob characters, else a usage error naming it. Directories and globs obey .gitignore
// and leave out hidden entries and symbolic links (walk-files.ts says why); a path named
// outright is read whatever it is. The order is the arguments' order, each directory's or
// glob's files sorted, and a file reached twice is sent once.
import { realpath, stat } from 'node:fs/promises';
import { isAbsolute, relative, resolve, sep } from 'node:path';
import { glob, isDynamicPattern } from 'tinyglobby';
import { UsageError } from '../../core/index.js';
import { fencedFile } from './file-fence.js';
import { readFileText, isBinaryByName } from './file-text.js';
import { GitignoreRules, repositoryRoot } from './gitignore-rules.js';
import { walkFiles } from './walk-files.js';

const KB = 1024;
const MB = 1024 * KB;

/**
 * The caps. The request body may be 8 MB (DEFAULT_MAX_REQUEST_BYTES), and text grows when it is
 * sent as JSON (every newline, quote and backslash takes two bytes; typical source grows 5-10%,
 * a pathological file up to twice): 4 MB of files leaves room for that, the words and a
 * continued conversation, and is already about a million tokens, more than most models' whole
 * context. A file above 1 MB is almost never source (a bundle, a lock file, a data dump), and
 * alone would crowd out the rest. 1,000 files bounds the walk of a directory named by mistake
 * (a home directory) before it reads anything.
 */
export const MAX_FILE_BYTES = 1 * MB;
export const MAX_TOTAL_BYTES = 4 * MB;
export const MAX_FILES = 1000;

/** One file's text, under the path shown for it. */
export interface FileInput {
  /** Relative to the working directory when inside it, else absolute; `/` separated. */
  path: string;
  text: string;
  bytes: number;
}

export interface FileInputContext {
  cwd: string;
  warn: (message: string) => void;
  /** How the user named the files, for the messages: `-f` (the default) or `/file`. */
  flag?: string;
}

interface Candidate {
  path: string;
  /** Named outright (not found by a walk or a glob): a problem with it is an error, not a warning. */
  named: boolean;
}

/** `2 KB`, `1.5 MB`: sizes as the messages and the REPL show them. */
export function formatSize(bytes: number): string {
  if (bytes < KB) return `${bytes} B`;
  if (bytes < MB) return `${Math.round(bytes / KB)} KB`;
  return `${(bytes / MB).toFixed(1).replace(/\.0$/, '')} MB`;
}

function shownPath(path: string, cwd: string): string {
  const rel = relative(cwd, path);
  const inside = rel !== '' && !rel.startsWith(`..${sep}`) && rel !== '..' && !isAbsolute(rel);
  const shown = inside ? rel : path;
  return sep === '/' ? shown : shown.split(sep).join('/');
}

const codePointOrder = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);

/** The files of a directory, with the rules of its repository (unless the directory is itself excluded). */
async function filesOfDirectory(directory: string, limit: number): Promise<string[]> {
  const repository = repositoryRoot(directory);
  let rules = repository ? new GitignoreRules(repository) : undefined;
  // A directory named outright is walked even when the repository excludes it (-f
  // node_modules/some-lib): then only the .gitignore files inside it count.
  if (!rules || rules.ignoresWithParents(directory, true)) rules = new GitignoreRules(directory);
  return walkFiles(directory, rules, limit);
}

async function filesOfGlob(pattern: string, cwd: string, flag: string): Promise<string[]> {
  const matches = await glob(pattern, {
    cwd,
    absolute: true,
    dot: false,
    followSymbolicLinks: false,
    onlyFiles: true,
    expandDirectories: false,
    ignore: ['**/.git/**'],
  });
  const rules = new GitignoreRules(repositoryRoot(cwd) ?? cwd);
  const kept: string[] = [];
  for (const match of matches.sort(codePointOrder)) {
    if (rules.ignoresWithParents(match, false)) continue;
    const info = await stat(match).catch(() => undefined);
    if (info?.isFile()) kept.push(match);
  }
  if (kept.length === 0) {
    const why = matches.length > 0 ? ` (${matches.length} did, but .gitignore excludes them)` : '';
    // A glob the shell expanded first reaches us as the files it matched: quoting keeps it whole.
    const hint = matches.length > 0 ? undefined : 'quote a glob so that the shell leaves it to devsynth-or: -f "src/**/*.ts"';
    throw new UsageError(`${flag} ${pattern}: no files match${why}`, hint ? { hint } : {});
  }
  return kept;
}

/** What one -f argument names. */
async function expand(argument: string, cwd: string, limit: number, flag: string): Promise<Candidate[]> {
  const path = resolve(cwd, argument);
  let info;
  try {
    info = await stat(path);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if ((code === 'ENOENT' || code === 'ENOTDIR') && isDynamicPattern(argument)) {
      return (await filesOfGlob(argument, cwd, flag)).map((file) => ({ path: file, named: false }));
    }
    if (code === 'ENOENT' || code === 'ENOTDIR') throw new UsageError(`${flag} ${argument}: no such file or directory`);
    throw new UsageError(`${flag} ${argument}: cannot be read (${code ?? (error as Error).message})`);
  }
  if (info.isDirectory()) return (await filesOfDirectory(path, limit)).map((file) => ({ path: file, named: false }));
  if (info.isFile()) return [{ path, named: true }];
  throw new UsageError(`${flag} ${argument}: not a file or a directory`);
}

/** The files the arguments name, each once, in order; refused above MAX_FILES. */
async function candidatesOf(argumentsGiven: readonly string[], cwd: string, flag: string): Promise<Candidate[]> {
  const seen = new Set<string>();
  const candidates: Candidate[] = [];
  for (const argument of argumentsGiven) {
    for (const candidate of await expand(argument, cwd, MAX_FILES - candidates.length, flag)) {
      // The same file by another path (./a.ts, a directory holding it, a link to it) is sent once.
      const identity = await realpath(candidate.path).catch(() => candidate.path);
      if (seen.has(identity)) continue;
      seen.add(identity);
      candidates.push(candidate);
      if (candidates.length > MAX_FILES) {
        throw new UsageError(`${flag} ${argument}: more than ${MAX_FILES} files to send (after .gitignore)`, {
          hint: 'name a smaller directory, or a glob such as -f "src/**/*.ts"',
        });
      }
    }
  }
  return candidates;
}

/** The text the caps apply to: refused, naming the largest files, when it is over MAX_TOTAL_BYTES. */
async function refuseTotal(read: FileInput[], unread: Candidate[], cwd: string, flag: string): Promise<never> {
  const sizes = [...read.map((file) => ({ path: file.path, bytes: file.bytes }))];
  for (const candidate of unread) {
    if (isBinaryByName(candidate.path)) continue;
    const bytes = (await stat(candidate.path).catch(() => undefined))?.size ?? 0;
    if (bytes <= MAX_FILE_BYTES) sizes.push({ path: shownPath(candidate.path, cwd), bytes });
  }
  const total = sizes.reduce((sum, file) => sum + file.bytes, 0);
  const largest = sizes
    .sort((a, b) => b.bytes - a.bytes)
    .slice(0, 3)
    .map((file) => `${file.path} (${formatSize(file.bytes)})`);
  throw new UsageError(
    `the files come to ${formatSize(total)}, over the ${formatSize(MAX_TOTAL_BYTES)} limit for ${flag}; the largest: ${largest.join(', ')}`,
    { hint: 'name fewer files, or a narrower glob such as -f "src/**/*.ts"' },
  );
}

/**
 * Reads what the -f arguments name. Binary files are skipped with one warning each, as are
 * files above MAX_FILE_BYTES found in a directory or by a glob (one named outright is an
 * error); the total is refused above MAX_TOTAL_BYTES before anything is sent.
 */
export async function readFileInputs(argumentsGiven: readonly string[], context: FileInputContext): Promise<FileInput[]> {
  const flag = context.flag ?? '-f';
  const candidates = await candidatesOf(argumentsGiven, context.cwd, flag);
  const files: FileInput[] = [];
  let total = 0;
  for (const [index, candidate] of candidates.entries()) {
    const shown = shownPath(candidate.path, context.cwd);
    const read = await readFileText(candidate.path, MAX_FILE_BYTES);
    if (read.kind === 'binary') {
      context.warn(`skipped ${shown}: not text (${read.reason})`);
    } else if (read.kind === 'too-big') {
      // Just over the cap reads "1 MB" like the cap itself: then the bytes say by how much.
      const size = formatSize(read.bytes) === formatSize(MAX_FILE_BYTES) ? `${read.bytes.toLocaleString('en-US')} bytes` : formatSize(read.bytes);
      const over = `${size}, over the ${formatSize(MAX_FILE_BYTES)} a file may be`;
      if (candidate.named) throw new UsageError(`${flag} ${shown}: ${over}`, { hint: 'send the part that matters, e.g. with sed -n or head' });
      context.warn(`skipped ${shown}: ${over} for ${flag}`);
    } else if (read.kind === 'text') {
      files.push({ path: shown, text: read.text, bytes: read.bytes });
      total += read.bytes;
      if (total > MAX_TOTAL_BYTES) await refuseTotal(files, candidates.slice(index + 1), context.cwd, flag);
    }
  }
  return files;
}

/**
 * The files as they go into the user message: each under its path in a fenced block, before
 * the words. The question comes last, as llm puts its fragments before the prompt: models
 * answer best what they read last, and the files are the context the question is about.
 */
export function filesPreamble(files: readonly FileInput[]): string {
  return files.map((file) => fencedFile(file.path, file.text)).join('\n');
}

/** -f's text for the user message ('' without -f), its warnings through the runtime. */
export async function filesText(runtime: { io: { cwd: string }; warn: (message: string) => void }, paths: readonly string[]): Promise<string> {
  if (paths.length === 0) return '';
  return filesPreamble(await readFileInputs(paths, { cwd: runtime.io.cwd, warn: runtime.warn }));
}

/** What the REPL's `/file` adds to the next prompt: the text, and a label per file to show. */
export interface FilesForPrompt {
  text: string;
  labels: string[];
}

/** `/file <path>`: one path, directory or glob, read as -f reads it. */
export async function filesForPrompt(path: string, context: FileInputContext): Promise<FilesForPrompt> {
  const files = await readFileInputs([path], context);
  return { text: filesPreamble(files), labels: files.map((file) => `${file.path} ${formatSize(file.bytes)}`) };
}
