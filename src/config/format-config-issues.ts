// Schema problems as a user can act on them: file:line, key path, what was expected and what
// was found; several at once (at most 5), then where to read more.
import type * as z from './zod.js';
import { assertSecureBaseUrl, ConfigError } from '../core/index.js';
import type { Config } from './schema.js';
import type { KeyPath } from './yaml-file.js';

const MAX_ISSUES = 5;

function valueAt(tree: unknown, path: KeyPath): unknown {
  let node = tree;
  for (const key of path) node = node !== null && typeof node === 'object' ? (node as Record<string, unknown>)[String(key)] : undefined;
  return node;
}

function describeIssue(issue: z.core.$ZodIssue, tree: unknown, locate: (path: KeyPath) => string): string[] {
  const path = issue.path.map((key) => (typeof key === 'symbol' ? String(key) : key));
  if (issue.code === 'unrecognized_keys') {
    return issue.keys.map((key) => {
      const full = [...path, key];
      return `${locate(full)}: ${full.join('.')}: unknown key (not part of the configuration schema)`;
    });
  }
  const found = valueAt(tree, path);
  const shown = found === undefined ? 'nothing' : JSON.stringify(found);
  return [`${locate(path)}: ${path.join('.') || '(top level)'}: ${issue.message.replace(/^Invalid input: /, '')}; found ${shown}`];
}

export function formatConfigIssues(issues: readonly z.core.$ZodIssue[], tree: unknown, locate: (path: KeyPath) => string): ConfigError {
  const lines = issues.flatMap((issue) => describeIssue(issue, tree, locate));
  const shown = lines.slice(0, MAX_ISSUES);
  const more = lines.length > MAX_ISSUES ? `\n  … and ${lines.length - MAX_ISSUES} more` : '';
  const count = lines.length === 1 ? '1 problem' : `${lines.length} problems`;
  return new ConfigError(`invalid configuration (${count}):\n  ${shown.join('\n  ')}${more}`, {
    hint: 'the settings and their types are listed in README.md#configuration and config/default.yml',
  });
}

/** Every provider's base_url must be https, or http on a loopback host. */
export function checkBaseUrls(config: Config, locate: (path: KeyPath) => string): void {
  for (const [name, settings] of Object.entries(config.llm.providers)) {
    const url = (settings as { base_url?: string } | undefined)?.base_url;
    if (!url) continue;
    const path = ['llm', 'providers', name, 'base_url'];
    assertSecureBaseUrl(url, `${locate(path)}: ${path.join('.')}`);
  }
}
