// A file as Markdown for the model: its path as a heading (`## src/a.ts`), then its text in a fenced block
// that nothing in the text can close (the fence is longer than any run of backticks in it, as
// CommonMark requires), with a language hint from the name so the model reads it as code.
import { basename, extname } from 'node:path';

/** Names whose language the extension does not spell (the rest use the extension itself). */
const LANGUAGES: Record<string, string> = {
  ts: 'typescript', tsx: 'tsx', mts: 'typescript', cts: 'typescript',
  js: 'javascript', jsx: 'jsx', mjs: 'javascript', cjs: 'javascript',
  py: 'python', rb: 'ruby', rs: 'rust', kt: 'kotlin', kts: 'kotlin', cs: 'csharp',
  h: 'c', hpp: 'cpp', hh: 'cpp', cc: 'cpp', cxx: 'cpp', m: 'objectivec',
  sh: 'bash', bash: 'bash', zsh: 'zsh', ps1: 'powershell',
  md: 'markdown', markdown: 'markdown', yml: 'yaml', yaml: 'yaml', txt: 'text',
  htm: 'html', pl: 'perl', hs: 'haskell', ex: 'elixir', exs: 'elixir', erl: 'erlang',
  tf: 'hcl', jl: 'julia', fs: 'fsharp', vue: 'vue', svelte: 'svelte',
};

const BY_NAME: Record<string, string> = {
  dockerfile: 'dockerfile',
  makefile: 'makefile',
  gnumakefile: 'makefile',
  'cmakelists.txt': 'cmake',
  gemfile: 'ruby',
  rakefile: 'ruby',
};

/** The fence's info string for `path`: a language name, or '' when the name gives none. */
export function languageFor(path: string): string {
  const name = basename(path).toLowerCase();
  if (BY_NAME[name]) return BY_NAME[name];
  const extension = extname(name).slice(1);
  if (LANGUAGES[extension]) return LANGUAGES[extension];
  // Most extensions are their language's name to highlighters (go, java, sql, toml, json…).
  return /^[a-z][a-z0-9+-]{0,9}$/.test(extension) ? extension : '';
}

/** A fence of backticks longer than the longest run of them in `text`, and at least 3. */
export function fenceFor(text: string): string {
  let longest = 0;
  for (const run of text.match(/`+/g) ?? []) longest = Math.max(longest, run.length);
  return '`'.repeat(Math.max(3, longest + 1));
}

/**
 * The path as a heading line: as it is, unless it holds a control character (a newline would
 * break the heading out of its line), then quoted as JSON.
 */
function headingFor(path: string): string {
  // eslint-disable-next-line no-control-regex
  return /[\u0000-\u001f\u007f-\u009f]/.test(path) ? JSON.stringify(path) : path;
}

/** One file under its path, fenced. */
export function fencedFile(path: string, text: string): string {
  const fence = fenceFor(text);
  const body = text.endsWith('\n') || text === '' ? text : `${text}\n`;
  return `## ${headingFor(path)}\n\n${fence}${languageFor(path)}\n${body}${fence}\n`;
}
