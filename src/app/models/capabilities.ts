// What a model can do, read from its catalogue entry: the input modalities it takes
// (architecture.input_modalities) and the request parameters its providers support
// (supported_parameters). One place, so that `models --supports`, the capability column,
// `models recommend` and `-m auto` all read a model the same way.
import { UsageError } from '../../core/errors.js';
import type { ModelInfo } from '../../core/types.js';

export const CAPABILITIES = ['tools', 'vision', 'pdf', 'audio', 'structured', 'reasoning'] as const;
export type Capability = (typeof CAPABILITIES)[number];

/** One letter per capability, for the table's compact column (in CAPABILITIES order). */
export const CAPABILITY_MARKS: Readonly<Record<Capability, string>> = { tools: 'T', vision: 'V', pdf: 'P', audio: 'A', structured: 'S', reasoning: 'R' };

const has = (list: unknown, value: string): boolean => Array.isArray(list) && list.includes(value);

/** Whether the catalogue says `model` has `capability`. */
export function supports(model: ModelInfo, capability: Capability): boolean {
  const parameters = model.supported_parameters;
  const inputs = model.architecture?.input_modalities;
  switch (capability) {
    case 'tools':
      return has(parameters, 'tools');
    case 'vision':
      return has(inputs, 'image');
    case 'pdf':
      return has(inputs, 'file');
    case 'audio':
      return has(inputs, 'audio');
    case 'structured':
      return has(parameters, 'structured_outputs');
    case 'reasoning':
      return has(parameters, 'reasoning') || has(parameters, 'include_reasoning');
  }
}

export function capabilitiesOf(model: ModelInfo): Capability[] {
  return CAPABILITIES.filter((capability) => supports(model, capability));
}

/** "TV-S-R"-style marks: a letter where the model has the capability, "-" where not. */
export function capabilityMarks(model: ModelInfo): string {
  return CAPABILITIES.map((capability) => (supports(model, capability) ? CAPABILITY_MARKS[capability] : '-')).join('');
}

/** `--supports tools,vision`: the capabilities named, or a usage error naming the unknown one. */
export function parseCapabilities(text: string): Capability[] {
  const names = text
    .split(/[,\s]+/)
    .map((name) => name.trim().toLowerCase())
    .filter(Boolean);
  for (const name of names) {
    if (!(CAPABILITIES as readonly string[]).includes(name)) {
      throw new UsageError(`unknown capability "${name}"`, { hint: `the capabilities are ${CAPABILITIES.join(', ')}` });
    }
  }
  return [...new Set(names)] as Capability[];
}
