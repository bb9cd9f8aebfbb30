// What --schema and --extract print instead of the answer. Both implement the plain writer's
// AnswerShaper: pieces of the answer go in as they stream, and the output comes out when it is
// ready (an extracted block as soon as it closes; JSON once the whole answer is checked).
import { AnswerContractError } from '../../core/index.js';
import type { AnswerShaper } from '../../ui/plain-writer.js';
import { terminalSafeJson } from '../../ui/terminal-safe.js';
import type { AnswerCheck } from './answer-schema.js';
import { type CodeBlock, FenceExtractor } from './fence-extractor.js';

/**
 * --schema: the answer is parsed and checked at the end; the JSON alone is printed, indented
 * by 2. --schema-multi: the answer is `{items: [...]}` and each item is one NDJSON line.
 */
export function schemaShaper(check: AnswerCheck, multi: boolean): AnswerShaper {
  return {
    push: () => '',
    finish(content) {
      const value = check(content);
      if (!multi) return { text: `${terminalSafeJson(value, 2)}\n`, fields: { data: value } };
      const items = (value as { items: unknown[] }).items;
      return { text: items.map((item) => `${terminalSafeJson(item)}\n`).join(''), fields: { data: items } };
    },
  };
}

/** --extract (the first fenced code block, printed when it closes) and --extract-last. */
export function extractShaper(which: 'first' | 'last'): AnswerShaper {
  const extractor = new FenceExtractor();
  let found: CodeBlock | undefined;
  let printed = false;
  return {
    push(text) {
      if (which === 'first' && found) return '';
      const blocks = extractor.push(text);
      if (blocks.length === 0) return '';
      if (which === 'last') {
        found = blocks.at(-1);
        return '';
      }
      found = blocks[0];
      printed = true;
      return found!.text;
    },
    finish(content) {
      if (!(which === 'first' && found)) found = extractor.finish().at(which === 'first' ? 0 : -1) ?? found;
      if (!found) throw new AnswerContractError('the answer has no fenced code block', { partialContent: content });
      return { text: printed ? '' : found.text, fields: { extracted: found.text } };
    },
  };
}

/** The schema OpenRouter is asked for with --schema-multi: the items under one object. */
export function multiSchema(schema: Record<string, unknown>): Record<string, unknown> {
  return { type: 'object', properties: { items: { type: 'array', items: schema } }, required: ['items'], additionalProperties: false };
}
