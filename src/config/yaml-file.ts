// A parsed YAML config file that remembers where every key is, so that each error can name
// the file and line.
import { isMap, isScalar, isSeq, LineCounter, parseDocument, type Document, type Node } from 'yaml';
import { ConfigError } from '../core/index.js';
import type { ConfigSource } from './default-config.js';

export type KeyPath = ReadonlyArray<string | number>;

export interface YamlFile {
  path: string;
  document: Document;
  lines: LineCounter;
  data: unknown;
}

/** Parses YAML text; a syntax error is a ConfigError naming file:line:column. */
export function parseYamlFile(path: string, text: string): YamlFile {
  const lines = new LineCounter();
  const document = parseDocument(text, { lineCounter: lines, prettyErrors: false });
  const problem = document.errors[0];
  if (problem) {
    const at = problem.linePos?.[0] ?? lines.linePos(problem.pos[0]);
    const where = at ? `${path}:${at.line}:${at.col}` : path;
    throw new ConfigError(`${where}: invalid YAML: ${problem.message.split('\n')[0]}`, {
      hint: 'check the indentation and quoting around that line',
    });
  }
  return { path, document, lines, data: document.toJS() ?? {} };
}

/** The 1-based line of the key at `path` (or of its nearest existing parent). */
export function lineOf(file: YamlFile, path: KeyPath): number | undefined {
  for (let depth = path.length; depth >= 0; depth--) {
    const node = file.document.getIn(path.slice(0, depth), true) as Node | undefined;
    const offset = node?.range?.[0];
    if (offset !== undefined) return file.lines.linePos(offset).line;
  }
  return undefined;
}

/** A config source read from YAML text, its lines looked up in the document. */
export function readYamlSource(path: string, text: string): ConfigSource & { yaml: YamlFile } {
  const yaml = parseYamlFile(path, text);
  return { path, data: yaml.data, lineOf: (keyPath) => lineOf(yaml, keyPath), yaml };
}

/**
 * lineOf for every key path at once (dotted; '' for the document), for a file compiled ahead
 * of time: the line where the key's value starts, as lineOf gives it.
 */
export function keyLines(file: YamlFile): Record<string, number> {
  const lines: Record<string, number> = {};
  const visit = (node: unknown, path: Array<string | number>) => {
    const offset = (node as Node | null | undefined)?.range?.[0];
    if (offset !== undefined) lines[path.join('.')] = file.lines.linePos(offset).line;
    if (isMap(node)) {
      for (const pair of node.items) visit(pair.value, [...path, isScalar(pair.key) ? String(pair.key.value) : String(pair.key)]);
    } else if (isSeq(node)) {
      node.items.forEach((item, index) => visit(item, [...path, index]));
    }
  };
  visit(file.document.contents, []);
  return lines;
}

/** Every scalar string in the document with its key path and line, for the literal-key scan. */
export function scalarStrings(file: YamlFile): Array<{ path: KeyPath; value: string; line: number }> {
  const found: Array<{ path: KeyPath; value: string; line: number }> = [];
  const visit = (node: unknown, path: Array<string | number>) => {
    if (isMap(node)) {
      for (const pair of node.items) {
        const key = isScalar(pair.key) ? String(pair.key.value) : String(pair.key);
        visit(pair.value, [...path, key]);
      }
    } else if (isSeq(node)) {
      node.items.forEach((item, index) => visit(item, [...path, index]));
    } else if (isScalar(node) && typeof node.value === 'string') {
      const offset = node.range?.[0] ?? 0;
      found.push({ path, value: node.value, line: file.lines.linePos(offset).line });
    }
  };
  visit(file.document.contents, []);
  return found;
}
