// A model that cannot read an attachment is refused before anything is sent: the catalogue
// says what each model takes (architecture.input_modalities), and a request it would reject
// (or, worse, answer while ignoring the image) costs the user a round trip and money.
import { type ContentPart, type ModelInfo, UsageError } from '../../core/index.js';
import { attachmentInfoOf, type Modality } from '../../state/attachment-parts.js';
import { loadCatalogue } from '../catalogue.js';
import type { Runtime } from '../runtime.js';

const WORDS: Record<Modality, string> = { image: 'image', file: 'file (PDF)', audio: 'audio' };
const SUGGESTIONS = 3;

/**
 * Throws a usage error (exit 2) when OpenRouter's catalogue lists `model` without an input
 * modality the attachments need. Whatever cannot be known (no catalogue, a model it does not
 * list, a router such as openrouter/auto, another provider) lets the request go as it is.
 */
export async function refuseUnreadableAttachments(runtime: Runtime, providerId: string, model: string | undefined, media: readonly ContentPart[]): Promise<void> {
  if (media.length === 0 || providerId !== 'openrouter' || !model || model.startsWith('openrouter/')) return;
  const needed = [...new Set(media.map((part) => attachmentInfoOf(part)?.kind.modality).filter((m): m is Modality => m !== undefined))];
  let models: ModelInfo[];
  try {
    models = (await loadCatalogue(runtime, 'models')).models;
  } catch (error) {
    runtime.debug?.(`no catalogue to check the attachments against: ${(error as Error).message}`);
    return;
  }
  const entry = models.find((m) => m.id === model) ?? models.find((m) => m.id === model.replace(/:[^/:]*$/, ''));
  const accepted = entry?.architecture?.input_modalities;
  if (!Array.isArray(accepted)) return;
  const missing = needed.filter((modality) => !accepted.includes(modality));
  if (missing.length === 0) return;
  const takers = modelsTaking(models, needed);
  throw new UsageError(`${model} does not take ${missing.map((m) => WORDS[m]).join(' or ')} input (the model list gives it ${accepted.join(', ') || 'none'}); nothing was sent`, {
    hint: takers.length > 0 ? `models that take it: ${takers.join(', ')} (choose one with -m)` : 'devsynth-or models shows what each model takes',
  });
}

/** The cheapest models (free first) taking every modality needed; ties by id, so always the same. */
export function modelsTaking(models: readonly ModelInfo[], needed: readonly Modality[]): string[] {
  const price = (m: ModelInfo) => {
    const total = Number(m.pricing.prompt) + Number(m.pricing.completion);
    // Routers' "-1" (variable) and anything unreadable go last.
    return Number.isFinite(total) && total >= 0 ? total : Number.POSITIVE_INFINITY;
  };
  return models
    .filter((m) => !m.id.startsWith('openrouter/') && needed.every((modality) => m.architecture?.input_modalities?.includes(modality)))
    .sort((a, b) => price(a) - price(b) || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0))
    .slice(0, SUGGESTIONS)
    .map((m) => m.id);
}
