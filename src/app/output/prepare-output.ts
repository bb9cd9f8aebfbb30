// The output side of a chat run, from its flags: the answer's contract (--schema,
// --schema-multi, --extract, --extract-last), what the request must say to get it
// (response_format, or a system message where the model has no structured outputs), and the
// writer (--format stream-json or the usual renderer).
import { type ChatMessage, UsageError } from '../../core/index.js';
import type { AnswerShaper } from '../../ui/plain-writer.js';
import { loadCatalogue } from '../catalogue.js';
import type { Runtime } from '../runtime.js';
import { compileAnswerSchema } from './answer-schema.js';
import { extractShaper, multiSchema, schemaShaper } from './answer-shapers.js';
import { loadSchema } from './load-schema.js';

export type OutputFormat = 'text' | 'json' | 'stream-json';

export interface OutputFlags {
  json: boolean;
  format?: OutputFormat | undefined;
  schema?: string | undefined;
  schemaMulti?: string | undefined;
  extract?: boolean | undefined;
  extractLast?: boolean | undefined;
}

export interface PreparedOutput {
  format: OutputFormat;
  shaper?: AnswerShaper;
  /** Request fields (response_format). */
  extra?: Record<string, unknown>;
  /** Messages put before the conversation (the schema, for a model without structured outputs). */
  instructions: ChatMessage[];
}

/** --json and --format together must agree; returns the format. Exit 2 on a contradiction. */
export function outputFormatOf(flags: Pick<OutputFlags, 'json' | 'format'>): OutputFormat {
  if (flags.json && flags.format && flags.format !== 'json') throw new UsageError(`--json contradicts --format ${flags.format}`);
  return flags.format ?? (flags.json ? 'json' : 'text');
}

/** Whether the answer is shaped (then the plain writer prints it, even at a terminal). */
export function shapesAnswer(flags: OutputFlags): boolean {
  return Boolean(flags.schema ?? flags.schemaMulti ?? (flags.extract || flags.extractLast));
}

export async function prepareOutput(runtime: Runtime, flags: OutputFlags, target: { providerId: string; model?: string }): Promise<PreparedOutput> {
  const format = outputFormatOf(flags);
  const asked = [flags.schema && '--schema', flags.schemaMulti && '--schema-multi', flags.extract && '--extract', flags.extractLast && '--extract-last'].filter(Boolean);
  if (asked.length > 1) throw new UsageError(`${asked.join(' and ')} cannot be used together`);
  if (flags.extract || flags.extractLast) return { format, shaper: extractShaper(flags.extract ? 'first' : 'last'), instructions: [] };
  const spec = flags.schema ?? flags.schemaMulti;
  if (spec === undefined) return { format, instructions: [] };

  const multi = flags.schemaMulti !== undefined;
  const given = await loadSchema(spec, runtime.io.cwd);
  const schema = multi ? multiSchema(given) : given;
  const shaper = schemaShaper(await compileAnswerSchema(schema), multi);
  if (await lacksStructuredOutputs(runtime, target)) {
    return {
      format,
      shaper,
      extra: { response_format: { type: 'json_object' } },
      instructions: [{ role: 'system', content: `${SCHEMA_INSTRUCTION}\n${JSON.stringify(schema)}` }],
    };
  }
  return { format, shaper, extra: { response_format: { type: 'json_schema', json_schema: { name: schemaName(given), strict: true, schema } } }, instructions: [] };
}

const SCHEMA_INSTRUCTION = 'Answer with one JSON value and nothing else (no prose, no code fence). It must match this JSON Schema:';

/** The name response_format asks for: the schema's title where it is a usable name (^[A-Za-z0-9_-]{1,64}$). */
function schemaName(schema: Record<string, unknown>): string {
  const title = typeof schema.title === 'string' ? schema.title.replace(/[^A-Za-z0-9_-]+/g, '_').slice(0, 64) : '';
  return /^[A-Za-z0-9_-]+$/.test(title) ? title : 'answer';
}

/**
 * Only when the OpenRouter catalogue lists the model without `structured_outputs` among its
 * supported parameters. No catalogue (unreachable), a model it does not list, or another
 * provider: json_schema is asked for, which OpenAI-compatible servers take too.
 */
async function lacksStructuredOutputs(runtime: Runtime, target: { providerId: string; model?: string }): Promise<boolean> {
  if (target.providerId !== 'openrouter' || !target.model) return false;
  try {
    const info = (await loadCatalogue(runtime, 'models')).models.find((entry) => entry.id === target.model);
    return Array.isArray(info?.supported_parameters) && !info.supported_parameters.includes('structured_outputs');
  } catch (error) {
    runtime.debug?.(`no catalogue for structured outputs: ${(error as Error).message}`);
    return false;
  }
}
