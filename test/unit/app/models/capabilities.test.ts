import { describe, expect, it } from '@jest/globals';
import { capabilitiesOf, capabilityMarks, parseCapabilities, supports } from '../../../../src/app/models/capabilities.js';
import type { ModelInfo } from '../../../../src/core/index.js';

const model = (inputs: string[], parameters: string[]): ModelInfo =>
  ({ id: 'a/b', context_length: 1000, pricing: { prompt: '0', completion: '0' }, architecture: { input_modalities: inputs }, supported_parameters: parameters }) as ModelInfo;

describe('capabilities from a catalogue entry', () => {
  it('reads modalities and supported parameters', () => {
    const all = model(['text', 'image', 'file', 'audio'], ['tools', 'structured_outputs', 'reasoning']);
    expect(capabilitiesOf(all)).toEqual(['tools', 'vision', 'pdf', 'audio', 'structured', 'reasoning']);
    expect(capabilityMarks(all)).toBe('TVPASR');
    const textOnly = model(['text'], ['temperature']);
    expect(capabilitiesOf(textOnly)).toEqual([]);
    expect(capabilityMarks(textOnly)).toBe('------');
    expect(supports(model(['text'], ['include_reasoning']), 'reasoning')).toBe(true);
  });

  it('treats missing or malformed fields as not supported', () => {
    const bare = { id: 'a/b', context_length: null, pricing: { prompt: '0', completion: '0' } } as ModelInfo;
    expect(capabilitiesOf(bare)).toEqual([]);
    const odd = { ...bare, architecture: { input_modalities: 'image' }, supported_parameters: 'tools' } as unknown as ModelInfo;
    expect(capabilitiesOf(odd)).toEqual([]);
  });

  it('parses --supports lists and names an unknown capability', () => {
    expect(parseCapabilities('tools, Vision,tools')).toEqual(['tools', 'vision']);
    expect(() => parseCapabilities('tools,teleport')).toThrow(expect.objectContaining({ kind: 'usage', message: 'unknown capability "teleport"' }));
  });
});
