// Schema problems as a user can act on them: file:line, key path, what was expected and what
// was found; several at once (at most 5), then where to read more.
import type * as z from './zod.js';
import { assertSecureBaseUrl, ConfigError } from '../core/index.js';
import type { KeyPath } from './yaml-file.js';

const MAX_ISSUES = 5;

function valueAt(tree: unknown, path: KeyPath): unknown {
  let node = tree;
  for (const key of path) node = node !== null && typeof node === 'object' ? (node as Record<string, unknown>)[String(key)] : undefined;
  return node;
}

/** One issue as lines `file:line: key.path: what is wrong; found …` (unknown keys: one line each). */
export function describeIssue(
  issue: z.core.$ZodIssue,
  tree: unknown,
  locate: (path: KeyPath) => string,
  known = 'not part of the configuration schema',
): string[] {
  const path = issue.path.map((key) => (typeof key === 'symbol' ? String(key) : key));
  if (issue.code === 'unrecognized_keys') {
    return issue.keys.map((key) => {
      const full = [...path, key];
      return `${locate(full)}: ${full.join('.')}: unknown key (${known})`;
    });
  }
  // A record's key that its rule refuses (an alias name with a "/"): the rule's own words.
  if (issue.code === 'invalid_key') return [`${locate(path)}: ${path.join('.')}: ${issue.issues[0]?.message ?? 'not a valid name'}`];
  const found = valueAt(tree, path);
  const shown = found === undefined ? 'nothing' : JSON.stringify(found);
  return [`${locate(path)}: ${path.join('.') || '(top level)'}: ${issue.message.replace(/^Invalid input: /, '')}; found ${shown}`];
}

/** A provider's base_url that may not be used: its message line, and whose it is. */
export interface BaseUrlProblem {
  provider: string;
  line: string;
}

/**
 * The schema's problems and the base URLs' together (one pass, at most 5 shown): a user fixes
 * them all at once rather than one run at a time.
 */
export function formatConfigIssues(
  issues: readonly z.core.$ZodIssue[],
  tree: unknown,
  locate: (path: KeyPath) => string,
  urlProblems: readonly BaseUrlProblem[] = [],
): ConfigError {
  const lines = [...issues.flatMap((issue) => describeIssue(issue, tree, locate)), ...urlProblems.map((problem) => problem.line)];
  const shown = lines.slice(0, MAX_ISSUES);
  const more = lines.length > MAX_ISSUES ? `\n  … and ${lines.length - MAX_ISSUES} more` : '';
  const count = lines.length === 1 ? '1 problem' : `${lines.length} problems`;
  return new ConfigError(`invalid configuration (${count}):\n  ${shown.join('\n  ')}${more}`, {
    hint:
      issues.length === 0
        ? 'use https://openrouter.ai/api/v1, or a local gateway on 127.0.0.1'
        : 'the settings and their types are listed in README.md#configuration and config/default.yml',
  });
}

const isObject = (value: unknown): value is Record<string, unknown> =>
  value !== null && typeof value === 'object' && !Array.isArray(value);

/**
 * Every provider's base_url must be https, or http on a loopback host. Read from the merged
 * tree, before the schema, so that these come with its problems.
 */
export function baseUrlProblems(tree: unknown, locate: (path: KeyPath) => string): BaseUrlProblem[] {
  const llm = isObject(tree) ? tree.llm : undefined;
  const providers = isObject(llm) && isObject(llm.providers) ? llm.providers : {};
  const problems: BaseUrlProblem[] = [];
  for (const [name, settings] of Object.entries(providers)) {
    const url = isObject(settings) ? settings.base_url : undefined;
    if (typeof url !== 'string' || !url) continue;
    const path = ['llm', 'providers', name, 'base_url'];
    try {
      assertSecureBaseUrl(url, `${locate(path)}: ${path.join('.')}`);
    } catch (error) {
      if (!(error instanceof ConfigError)) throw error;
      problems.push({ provider: name, line: error.message });
    }
  }
  return problems;
}
