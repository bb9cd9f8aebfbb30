// --schema's argument → a JSON Schema object: inline JSON (it starts with "{"), else a file
// when one is there, else the concise form. A schema that cannot be read, is not JSON or is not
// a schema object is the user's mistake: exit 2, before any request.
import { readFile, stat } from 'node:fs/promises';
import { resolve } from 'node:path';
import { UsageError } from '../../core/index.js';
import { parseConciseSchema } from './concise-schema.js';

/** Schema files larger than this are refused (a JSON Schema is a few KB). */
export const MAX_SCHEMA_FILE_BYTES = 1024 * 1024;

export async function loadSchema(spec: string, cwd: string): Promise<Record<string, unknown>> {
  const text = spec.trim();
  if (text.startsWith('{') || text.startsWith('[')) return asSchema(parseJson(text, '--schema'), '--schema');
  const path = resolve(cwd, text);
  const info = await stat(path).catch(() => undefined);
  if (info?.isFile()) {
    if (info.size > MAX_SCHEMA_FILE_BYTES) throw new UsageError(`--schema: ${text} is larger than ${MAX_SCHEMA_FILE_BYTES} bytes`);
    const contents = await readFile(path, 'utf8').catch((error: NodeJS.ErrnoException) => {
      throw new UsageError(`--schema: cannot read ${text} (${error.code ?? error.message})`);
    });
    return asSchema(parseJson(contents, text), text);
  }
  if (info || /\.json$/i.test(text) || /[\\/]/.test(text)) {
    throw new UsageError(`--schema: ${text} is not a readable file`, { hint: 'give a JSON Schema file, inline JSON or the concise form' });
  }
  return parseConciseSchema(text);
}

function parseJson(text: string, where: string): unknown {
  try {
    return JSON.parse(text);
  } catch (error) {
    throw new UsageError(`${where}: not valid JSON (${(error as Error).message})`);
  }
}

function asSchema(value: unknown, where: string): Record<string, unknown> {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) {
    throw new UsageError(`${where}: a JSON Schema is an object, e.g. {"type":"object","properties":{…}}`);
  }
  return value as Record<string, unknown>;
}
