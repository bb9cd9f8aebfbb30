// Response bodies checked before anything is passed on (and so cached or stored): a vector
// that is not numbers, or an index that does not match an input, would be served from the
// cache forever; a catalogue entry without an id would break every listing.
import { OpenRouterConnectionError } from '../errors.js';
import type { EmbedResult, ModelInfo } from '../types.js';

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
