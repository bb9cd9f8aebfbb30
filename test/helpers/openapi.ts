// Validation against OpenRouter's official OpenAPI spec (test/fixtures/openrouter-openapi.yaml,
// OpenRouterTeam/docs at c26125a5). OpenAPI 3.1 schemas are JSON Schema 2020-12: the whole
// document is added to ajv under one id and each schema is addressed by JSON pointer.
import { existsSync, readFileSync, renameSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Ajv2020Module from 'ajv/dist/2020.js';
import addFormatsModule from 'ajv-formats';
import type { ValidateFunction } from 'ajv';
import { parse } from 'yaml';

// CommonJS default exports seen through ESM interop: the class may sit on `.default`.
type AjvClass = typeof Ajv2020Module.default;
type AddFormats = typeof addFormatsModule.default;
const Ajv2020 = ((Ajv2020Module as unknown as { default?: AjvClass }).default ?? Ajv2020Module) as AjvClass;
const addFormats = ((addFormatsModule as unknown as { default?: AddFormats }).default ?? addFormatsModule) as AddFormats;

const SPEC_PATH = new URL('../fixtures/openrouter-openapi.yaml', import.meta.url).pathname;
const SPEC_ID = 'openrouter-openapi';

/** Parsing 1.3 MB of YAML costs seconds; a JSON copy keyed by size and mtime costs milliseconds. */
function loadSpec(): Record<string, unknown> {
  const { size, mtimeMs } = statSync(SPEC_PATH);
  const cache = join(tmpdir(), `devsynth-or-openapi-${size}-${Math.round(mtimeMs)}.json`);
  if (existsSync(cache)) {
    try {
      return JSON.parse(readFileSync(cache, 'utf8')) as Record<string, unknown>;
    } catch {
      // A half-written cache from a parallel worker: parse the YAML instead.
    }
  }
  const spec = parse(readFileSync(SPEC_PATH, 'utf8'), { maxAliasCount: -1 }) as Record<string, unknown>;
  const temp = `${cache}.${process.pid}`;
  writeFileSync(temp, JSON.stringify(spec));
  try {
    // rename is atomic: other workers see the old state or the whole file.
    renameSync(temp, cache);
  } catch {
    // Another worker won the race; ours is identical.
  }
  return spec;
}


let ajv: InstanceType<typeof Ajv2020> | undefined;
const compiled = new Map<string, ValidateFunction>();

function validatorFor(pointer: string): ValidateFunction {
  let validate = compiled.get(pointer);
  if (validate) return validate;
  if (!ajv) {
    // strict: false because OpenAPI adds keywords JSON Schema does not know (example, x-*, discriminator).
    ajv = new Ajv2020({ strict: false, allErrors: true, validateFormats: true });
    addFormats(ajv);
    ajv.addSchema(loadSpec(), SPEC_ID);
  }
  const ref = pointer.startsWith('#') ? `${SPEC_ID}${pointer}` : `${SPEC_ID}#/components/schemas/${pointer}`;
  validate = ajv.getSchema(ref);
  if (!validate) throw new Error(`no schema at ${ref}`);
  compiled.set(pointer, validate);
  return validate;
}

/** Problems of `value` against a schema name (components/schemas) or a `#/…` pointer; [] if valid. */
export function validateSpec(pointerOrName: string, value: unknown): string[] {
  const validate = validatorFor(pointerOrName);
  if (validate(value)) return [];
  return (validate.errors ?? []).slice(0, 8).map((error) => `${error.instancePath || '/'} ${error.message ?? 'invalid'}${error.params ? ` ${JSON.stringify(error.params)}` : ''}`);
}

const jsonBody = (path: string, part: string) => `#/paths/${path.replace(/\//g, '~1')}/${part}/content/application~1json/schema`;

export const validateChatRequest = (body: unknown) => validateSpec('ChatRequest', body);
export const validateChatResponse = (body: unknown) => validateSpec('ChatResult', body);
/**
 * One SSE chunk. Known divergence: real mid-stream errors may carry a string `code`
 * ("server_error", openrouter-api.md §3) and no metadata.error_type, which the spec forbids;
 * callers validate such chunks only where they claim to follow the spec.
 */
export const validateChatChunk = (chunk: unknown) => validateSpec('ChatStreamChunk', chunk);
export const validateEmbeddingsRequest = (body: unknown) => validateSpec(jsonBody('/embeddings', 'post/requestBody'), body);
export const validateEmbeddingsResponse = (body: unknown) => validateSpec(jsonBody('/embeddings', 'post/responses/200'), body);
export const validateModelsResponse = (body: unknown) => validateSpec('ModelsListResponse', body);
export const validateEndpointsResponse = (body: unknown) => validateSpec(jsonBody('/models/{author}/{slug}/endpoints', 'get/responses/200'), body);
export const validateKeyResponse = (body: unknown) => validateSpec(jsonBody('/key', 'get/responses/200'), body);
/** An error body for `status` on POST /chat/completions. */
export const validateErrorResponse = (status: number, body: unknown) =>
  validateSpec(jsonBody('/chat/completions', `post/responses/${status}`), body);
