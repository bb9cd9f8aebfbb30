// A parsed YAML config file that remembers where every key is, so that each error can name
// the file and line.
import { isMap, isNode, isPair, isScalar, isSeq, LineCounter, parseDocument, visit, type Document, type Node } from 'yaml';
import { ConfigError } from '../core/index.js';
import type { ConfigSource } from './default-config.js';

export type KeyPath = ReadonlyArray<string | number>;

export interface YamlFile {
  path: string;
  document: Document;
  lines: LineCounter;
  data: unknown;
}

/**
 * How far aliases may expand, in yaml's own measure (uses of an anchor × the aliases inside it):
 * a configuration reuses a block or two, while a "billion laughs" file nests aliases of aliases
 * until the expanded tree takes gigabytes. yaml's default, said here so that it stays one.
 */
const MAX_ALIAS_COUNT = 100;
const YAML_TAG_PREFIX = 'tag:yaml.org,2002:';
/**
 * Lines, commas and brackets in one file: the shipped defaults have about 100. yaml's parser
 * takes time and memory that grow faster than the text (a flow list of 500,000 numbers, under
 * 1 MB: 6 s and 900 MB before the schema's check overflows the stack), so a file with more
 * structure than any configuration is refused before it is parsed.
 */
const MAX_STRUCTURE = 5000;
const STRUCTURE = /[\n,[{]/g;

function refuseOversizedStructure(path: string, text: string): void {
  let count = 0;
  for (const match of text.matchAll(STRUCTURE)) {
    if (++count <= MAX_STRUCTURE) continue;
    const line = text.slice(0, match.index).split('\n').length;
    throw new ConfigError(`${path}:${line}: more than ${MAX_STRUCTURE} lines and list items; a configuration needs far fewer`, {
      hint: 'check that --config names the right file',
    });
  }
}

/** Parses YAML text; a syntax error is a ConfigError naming file:line:column. */
export function parseYamlFile(path: string, text: string): YamlFile {
  refuseOversizedStructure(path, text);
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
  // Before toJS: a tag decides what the value becomes (!!binary bytes, or whatever a custom tag
  // would construct), and what it became could then be echoed in a schema message.
  refuseTags(path, document, lines);
  return { path, document, lines, data: toData(path, document, lines) };
}

/** A tag as written (!!binary, !Ref), or a stand-in when it does not look like a tag name. */
function shownTag(tag: string): string {
  const written = tag.startsWith(YAML_TAG_PREFIX) ? `!!${tag.slice(YAML_TAG_PREFIX.length)}` : tag;
  // Letters only: a key (which has digits) written as a tag is not repeated in the message.
  return /^!!?[A-Za-z][A-Za-z/_.-]{0,30}$/.test(written) ? written : 'a tag';
}

/**
 * Config files hold plain values; an explicit tag (!!binary, !!js/function, a custom !Tag) is
 * refused at its line. The value is not repeated: it may be a key in disguise (base64).
 */
function refuseTags(path: string, document: Document, lines: LineCounter): void {
  visit(document, {
    Node(key, node, ancestors) {
      if (!node.tag) return;
      // A tagged block collection starts on the line after its tag: name the line of its key.
      const pair = key === 'value' ? ancestors[ancestors.length - 1] : undefined;
      const keyNode = isPair(pair) && isNode(pair.key) ? pair.key : undefined;
      const line = lines.linePos((keyNode ?? node).range?.[0] ?? 0).line;
      throw new ConfigError(`${path}:${line}: a tagged value (${shownTag(node.tag)}) is not allowed in a configuration file`, {
        hint: 'write the value plainly, without a !tag (a key belongs in an environment variable: api_key: "${OPENROUTER_API_KEY}")',
      });
    },
  });
}

/** The document's data; aliases that expand too far are a ConfigError at the first alias. */
function toData(path: string, document: Document, lines: LineCounter): unknown {
  try {
    return document.toJS({ maxAliasCount: MAX_ALIAS_COUNT }) ?? {};
  } catch (error) {
    if (!(error instanceof ReferenceError) || !/alias/i.test(error.message)) throw error;
    let first: Node | undefined;
    visit(document, {
      Alias(_key, node) {
        first = node;
        return visit.BREAK;
      },
    });
    const line = lines.linePos(first?.range?.[0] ?? 0).line;
    const why = /excessive/i.test(error.message) ? 'aliases that expand too far (a YAML "billion laughs"?)' : 'an alias that cannot be resolved';
    throw new ConfigError(`${path}:${line}: ${why}`, {
      hint: 'a configuration file needs at most a few anchors (&name) and aliases (*name)',
    });
  }
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
