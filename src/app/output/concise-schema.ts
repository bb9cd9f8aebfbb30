// The concise schema form of --schema, as llm has it: a list of fields, each a name, an
// optional type and an optional description, turned into a JSON Schema object.
//
//   fields      := field ("," field)*          or one field per line when the text has newlines
//                                              (then a description may hold commas)
//   field       := name [type] [":" description]
//   name        := a letter or "_", then letters, digits, "_" or "-"
//   type        := scalar | "[" scalar "]"      (an array of that scalar)
//   scalar      := str | string | int | integer | float | num | number | bool | boolean
//                  (no type: string)
//
// 'name, age int, tags [str], summary: one sentence' gives an object with the four fields,
// all of them required and no others allowed: what OpenRouter's strict mode asks for.
import { UsageError } from '../../core/index.js';

const SCALARS: Record<string, string> = {
  str: 'string',
  string: 'string',
  int: 'integer',
  integer: 'integer',
  float: 'number',
  num: 'number',
  number: 'number',
  bool: 'boolean',
  boolean: 'boolean',
};

const FIELD = /^([A-Za-z_][\w-]*)(?:\s+(\[\s*[A-Za-z]+\s*\]|[A-Za-z]+))?\s*$/;

/** The grammar in one line, for error hints and --help. */
export const CONCISE_SCHEMA_HELP = "fields separated by commas (or newlines): 'name, age int, tags [str], summary: one sentence'; types str int float num bool, [type] for arrays";

export function parseConciseSchema(text: string): Record<string, unknown> {
  const pieces = (text.includes('\n') ? text.split('\n') : text.split(',')).map((piece) => piece.trim()).filter(Boolean);
  if (pieces.length === 0) throw new UsageError('--schema: no fields given', { hint: CONCISE_SCHEMA_HELP });
  const properties: Record<string, Record<string, unknown>> = {};
  for (const piece of pieces) {
    const colon = piece.indexOf(':');
    const head = (colon === -1 ? piece : piece.slice(0, colon)).trim();
    const description = colon === -1 ? undefined : piece.slice(colon + 1).trim();
    const match = FIELD.exec(head);
    if (!match) throw new UsageError(`--schema: cannot read the field "${head}"`, { hint: CONCISE_SCHEMA_HELP });
    const [, name = '', type] = match;
    if (name in properties) throw new UsageError(`--schema: the field "${name}" is given twice`);
    properties[name] = { ...typeOf(type), ...(description ? { description } : {}) };
  }
  return { type: 'object', properties, required: Object.keys(properties), additionalProperties: false };
}

function typeOf(word: string | undefined): Record<string, unknown> {
  if (word === undefined) return { type: 'string' };
  const array = word.startsWith('[');
  const name = array ? word.slice(1, -1).trim() : word;
  const scalar = SCALARS[name.toLowerCase()];
  if (!scalar) throw new UsageError(`--schema: unknown type "${name}"`, { hint: CONCISE_SCHEMA_HELP });
  return array ? { type: 'array', items: { type: scalar } } : { type: scalar };
}
