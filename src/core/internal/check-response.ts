// Response bodies checked before anything is passed on (and so cached or stored): a vector
// that is not numbers, or an index that does not match an input, would be served from the
// cache forever; a catalogue entry without an id would break every listing.
import { OpenRouterConnectionError } from '../errors.js';
import type { EmbedResult, ModelEndpoint, ModelEndpoints, ModelInfo } from '../types.js';

type Json = Record<string, unknown>;

const asObject = (value: unknown): Json | undefined =>
  value !== null && typeof value === 'object' && !Array.isArray(value) ? (value as Json) : undefined;

function invalid(label: string, what: string): OpenRouterConnectionError {
  return new OpenRouterConnectionError('protocol', `invalid response from ${label}: ${what}`);
}

/**
 * The embeddings of `inputs` texts, in input order. Exactly one per input, each `index` an
 * integer in range and used once, each vector an array of finite numbers of one length.
 */
export function checkedEmbeddings(data: unknown, inputs: number, label: string): EmbedResult['data'] {
  if (!Array.isArray(data)) throw invalid(label, 'no embeddings');
  if (data.length !== inputs) throw invalid(label, `${data.length} embeddings for ${inputs} inputs`);
  const ordered: Array<EmbedResult['data'][number] | undefined> = new Array(inputs);
  let dimensions: number | undefined;
  for (const entry of data) {
    const item = asObject(entry);
    const index = item?.index;
    if (typeof index !== 'number' || !Number.isInteger(index) || index < 0 || index >= inputs) {
      throw invalid(label, `an embedding's index is missing or out of range (${inputs} inputs)`);
    }
    if (ordered[index]) throw invalid(label, `two embeddings for input ${index}`);
    const embedding = item?.embedding;
    if (!Array.isArray(embedding) || embedding.length === 0 || !embedding.every(Number.isFinite)) {
      throw invalid(label, `embedding ${index} is not a list of numbers`);
    }
    dimensions ??= embedding.length;
    if (embedding.length !== dimensions) throw invalid(label, `embeddings of different lengths (${dimensions} and ${embedding.length})`);
    ordered[index] = { index, embedding: embedding as number[] };
  }
  return ordered as EmbedResult['data'];
}

/** Whether a catalogue entry can be listed, cached and looked up. */
function isModelEntry(entry: unknown): entry is ModelInfo {
  const model = asObject(entry);
  if (!model || typeof model.id !== 'string' || model.id.length === 0 || model.id.length > 512) return false;
  const context = model.context_length;
  if (context !== undefined && context !== null && !(typeof context === 'number' && Number.isFinite(context) && context >= 0)) return false;
  if (model.pricing !== undefined && !asObject(model.pricing)) return false;
  return true;
}

/** The usable entries of a catalogue's `data`, and how many were left out. */
export function checkedCatalogue(data: unknown): { models: ModelInfo[]; skipped: number } {
  if (!Array.isArray(data)) return { models: [], skipped: 0 };
  const models = data.filter(isModelEntry);
  return { models, skipped: data.length - models.length };
}

/** More providers than any model has (a few dozen at most): past this the list is cut. */
export const MAX_ENDPOINTS = 200;

const finiteOrNull = (value: unknown): boolean => value === undefined || value === null || (typeof value === 'number' && Number.isFinite(value));
const shortText = (value: unknown, max: number): boolean => typeof value === 'string' && value.length > 0 && value.length <= max;

/** Whether an endpoints entry can be shown: a provider name, prices as strings, numbers that are numbers. */
function isEndpointEntry(entry: unknown): entry is ModelEndpoint {
  const endpoint = asObject(entry);
  if (!endpoint || !shortText(endpoint.provider_name, 200)) return false;
  const pricing = asObject(endpoint.pricing);
  if (!pricing || typeof pricing.prompt !== 'string' || typeof pricing.completion !== 'string') return false;
  if (pricing.prompt.length > 64 || pricing.completion.length > 64) return false;
  const context = endpoint.context_length;
  if (!finiteOrNull(context) || (typeof context === 'number' && context < 0)) return false;
  for (const field of ['max_completion_tokens', 'uptime_last_30m', 'uptime_last_1d', 'uptime_last_5m', 'status'] as const) {
    if (!finiteOrNull(endpoint[field])) return false;
  }
  if (endpoint.quantization !== undefined && endpoint.quantization !== null && !shortText(endpoint.quantization, 64)) return false;
  for (const field of ['latency_last_30m', 'throughput_last_30m'] as const) {
    const stats = endpoint[field];
    if (stats === undefined || stats === null) continue;
    const object = asObject(stats);
    if (!object || !Object.values(object).every((value) => typeof value === 'number' && Number.isFinite(value))) return false;
  }
  const parameters = endpoint.supported_parameters;
  if (parameters !== undefined && !(Array.isArray(parameters) && parameters.every((p) => typeof p === 'string'))) return false;
  return true;
}

/**
 * GET /models/{author}/{slug}/endpoints's `data`: the model's id and the entries that can be
 * shown (at most MAX_ENDPOINTS), with how many were left out. A body that is not one model's
 * endpoints at all is refused.
 */
export function checkedEndpoints(data: unknown, label: string): { model: ModelEndpoints; skipped: number } {
  const object = asObject(data);
  if (!object || !shortText(object.id, 512) || !Array.isArray(object.endpoints)) throw invalid(label, 'not a list of endpoints');
  const endpoints = object.endpoints.filter(isEndpointEntry).slice(0, MAX_ENDPOINTS);
  const model: ModelEndpoints = { id: object.id as string, endpoints };
  if (typeof object.name === 'string') model.name = object.name;
  const architecture = asObject(object.architecture);
  if (architecture) model.architecture = architecture as ModelEndpoints['architecture'];
  return { model, skipped: object.endpoints.length - endpoints.length };
}
