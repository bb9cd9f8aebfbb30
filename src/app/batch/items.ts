// One batch item, from one line of the input: a plain prompt, a JSON object, or a CSV/TSV
// record. A line that is not a valid item becomes that item's own error (exit 2 kind), never
// the batch's: the other items go on.
import { createHash } from 'node:crypto';
import * as z from '../../config/zod.js';
import { type ChatMessage, UsageError } from '../../core/index.js';

/** What one item asks; every field but the prompt or messages is optional. */
export interface BatchItem {
  id?: string;
  prompt?: string;
  messages?: ChatMessage[];
  system?: string;
  model?: string;
  /** Template variables ({{name}}), over the -p values. */
  vars?: Record<string, string>;
  /** Attachment paths (images, PDFs, audio) for this item alone. */
  attach?: string[];
  temperature?: number;
  max_tokens?: number;
}

/** An input line read: its position, the key it is known by (resume, shards), and the item or why it is not one. */
export interface ReadItem {
  /** 0-based position among the input's items (blank lines are not items). */
  index: number;
  /** The id given, else null. */
  id: string | null;
  /** sha256 of the line as read, 16 hex digits: the item's key when it has no id. */
  hash: string;
  item?: BatchItem;
  error?: UsageError;
}

const text = z.string();
const role = z.enum(['system', 'developer', 'user', 'assistant', 'tool']);
// Content as the API takes it: text, or parts (checked by the API's own validation before sending).
const content = z.union([z.string(), z.array(z.record(z.string(), z.unknown()))]);
const message = z.object({ role, content, name: z.optional(z.string()), tool_call_id: z.optional(z.string()) });
const scalar = z.union([z.string(), z.number(), z.boolean()]);

const itemSchema = z
  .strictObject({
    id: z.optional(z.union([z.string().check(z.minLength(1), z.maxLength(256)), z.number()])),
    prompt: z.optional(text),
    messages: z.optional(z.array(message).check(z.minLength(1, 'messages must not be empty'))),
    system: z.optional(text),
    model: z.optional(z.string().check(z.minLength(1))),
    vars: z.optional(z.record(z.string().check(z.regex(/^[A-Za-z_][\w-]*$/, 'variable names use letters, digits, "_" and "-"')), scalar)),
    attach: z.optional(z.union([z.string().check(z.minLength(1)), z.array(z.string().check(z.minLength(1)))])),
    temperature: z.optional(z.number().check(z.minimum(0, 'temperature must be between 0 and 2'), z.maximum(2, 'temperature must be between 0 and 2'))),
    max_tokens: z.optional(z.int().check(z.positive('max_tokens must be greater than 0'))),
  })
  .check(
    z.refine((item) => !(item.prompt !== undefined && item.messages !== undefined), { error: 'give prompt or messages, not both' }),
  );

export function lineHash(line: string): string {
  return createHash('sha256').update(line).digest('hex').slice(0, 16);
}

/** The key an item is known by in an output file and for --shard: its id, else its line's hash. */
export function itemKey(read: { id: string | null; hash: string }): string {
  return read.id !== null ? `id:${read.id}` : `hash:${read.hash}`;
}

/** One line of text or JSON Lines input: `{…}` is an item object, anything else a plain prompt. */
export function itemOfLine(line: string, index: number, lineNumber: number, what: string): ReadItem {
  const hash = lineHash(line);
  const trimmed = line.trim();
  if (!trimmed.startsWith('{')) return { index, id: null, hash, item: { prompt: line } };
  let value: unknown;
  try {
    value = JSON.parse(trimmed);
  } catch (error) {
    return { index, id: null, hash, error: new UsageError(`line ${lineNumber} of ${what} is not valid JSON: ${(error as Error).message}`) };
  }
  return itemOfObject(value, index, hash, `line ${lineNumber} of ${what}`);
}

/** A parsed JSON object as an item, or its problem (the id is kept when it was readable). */
export function itemOfObject(value: unknown, index: number, hash: string, where: string): ReadItem {
  const rawId = (value as { id?: unknown } | null)?.id;
  const id = typeof rawId === 'string' && rawId !== '' ? rawId : typeof rawId === 'number' && Number.isFinite(rawId) ? String(rawId) : null;
  const parsed = itemSchema.safeParse(value);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const field = issue?.path.length ? `${issue.path.join('.')}: ` : '';
    return { index, id, hash, error: new UsageError(`${where}: ${field}${issue?.message ?? 'not a batch item'}`) };
  }
  const data = parsed.data;
  const item: BatchItem = {
    ...(id !== null ? { id } : {}),
    ...(data.prompt !== undefined ? { prompt: data.prompt } : {}),
    ...(data.messages ? { messages: data.messages as ChatMessage[] } : {}),
    ...(data.system !== undefined ? { system: data.system } : {}),
    ...(data.model !== undefined ? { model: data.model } : {}),
    ...(data.vars ? { vars: Object.fromEntries(Object.entries(data.vars).map(([name, v]) => [name, String(v)])) } : {}),
    ...(data.attach !== undefined ? { attach: typeof data.attach === 'string' ? [data.attach] : data.attach } : {}),
    ...(data.temperature !== undefined ? { temperature: data.temperature } : {}),
    ...(data.max_tokens !== undefined ? { max_tokens: data.max_tokens } : {}),
  };
  return { index, id, hash, item };
}

/** A CSV/TSV record: its columns are template variables; an `id` column is the id. */
export function itemOfRecord(record: Record<string, string>, index: number): ReadItem {
  const hash = lineHash(JSON.stringify(record));
  const rawId = record.id;
  const id = rawId !== undefined && rawId !== '' ? rawId : null;
  return { index, id, hash, item: { ...(id !== null ? { id } : {}), vars: { ...record } } };
}
