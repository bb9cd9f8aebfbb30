// The `models` filters over a catalogue with known answers: --supports (capabilities.ts),
// --max-price (the prompt price; variable prices never pass), the served-by id set; the
// capability column (a terminal always, a pipe only when asked, after the five usual columns);
// the JSON entries' capabilities; the providers table of `models show`.
import { describe, expect, it } from '@jest/globals';
import { catalogueFooter, catalogueTable, jsonEntries, queryModels } from '../../../../src/app/list-models.js';
import { endpointRows, parseHosts } from '../../../../src/app/models/catalogue-hosts.js';
import type { ModelEndpoint, ModelInfo } from '../../../../src/core/index.js';

const model = (id: string, prompt: string, options: { input?: string[]; parameters?: string[]; completion?: string } = {}): ModelInfo => ({
  id,
  context_length: 128000,
  pricing: { prompt, completion: options.completion ?? prompt },
  architecture: { input_modalities: options.input ?? ['text'] },
  supported_parameters: options.parameters ?? ['temperature'],
});

const catalogue = [
  model('a/tools-vision', '0.000002', { input: ['text', 'image'], parameters: ['tools', 'tool_choice'] }),
  model('b/everything', '0.000010', { input: ['text', 'image', 'file', 'audio'], parameters: ['tools', 'structured_outputs', 'reasoning'] }),
  model('c/cheap-text', '0.0000001', { completion: '0.00009' }),
  model('d/router', '-1', { input: ['text', 'image'] }),
  model('e/free:free', '0', { parameters: ['include_reasoning'] }),
  model('f/no-price', 'n/a'),
];
const ids = (models: ModelInfo[]) => models.map((m) => m.id);

describe('the catalogue filters', () => {
  it('--supports keeps the models with every capability named', () => {
    expect(ids(queryModels(catalogue, { sort: 'id', supports: ['vision'] }))).toEqual(['a/tools-vision', 'b/everything', 'd/router']);
    expect(ids(queryModels(catalogue, { sort: 'id', supports: ['tools', 'vision'] }))).toEqual(['a/tools-vision', 'b/everything']);
    expect(ids(queryModels(catalogue, { sort: 'id', supports: ['reasoning'] }))).toEqual(['b/everything', 'e/free:free']);
    expect(ids(queryModels(catalogue, { sort: 'id', supports: ['pdf', 'audio', 'structured'] }))).toEqual(['b/everything']);
  });

  it('--max-price compares the prompt price per million tokens, bounds included; a variable or unknown price never passes', () => {
    expect(ids(queryModels(catalogue, { sort: 'id', maxPrice: 2 }))).toEqual(['a/tools-vision', 'c/cheap-text', 'e/free:free']);
    // c/cheap-text's completion price (90 $/M) is not counted.
    expect(ids(queryModels(catalogue, { sort: 'id', maxPrice: 0.1 }))).toEqual(['c/cheap-text', 'e/free:free']);
    expect(ids(queryModels(catalogue, { sort: 'id', maxPrice: 0 }))).toEqual(['e/free:free']);
    expect(ids(queryModels(catalogue, { sort: 'id', maxPrice: 1e9 }))).not.toContain('d/router');
    expect(ids(queryModels(catalogue, { sort: 'id', maxPrice: 1e9 }))).not.toContain('f/no-price');
  });

  it('the served-by id set, combined with the others, and sorted as asked', () => {
    const served = new Set(['b/everything', 'a/tools-vision', 'c/cheap-text', 'not/in-catalogue']);
    expect(ids(queryModels(catalogue, { sort: 'price', ids: served }))).toEqual(['c/cheap-text', 'a/tools-vision', 'b/everything']);
    expect(ids(queryModels(catalogue, { sort: 'id', ids: served, supports: ['tools'], maxPrice: 5 }))).toEqual(['a/tools-vision']);
  });
});

describe('the capability column', () => {
  it('a terminal shows it last, with a legend in the footer', () => {
    const table = catalogueTable(catalogue.slice(0, 2), true);
    expect(table.split('\n')[0]).toMatch(/^id\s+context\s+\$\/M in\s+\$\/M out\s+caps$/);
    expect(table).toMatch(/^a\/tools-vision .* TV----$/m);
    expect(table).toMatch(/^b\/everything .* TVPASR$/m);
    expect(catalogueFooter(2, 6)).toBe('2 of 6 models · caps: T tools, V vision, P pdf, A audio, S structured, R reasoning\n');
  });

  it('a pipe keeps the five columns scripts read by position; --caps adds the marks sixth, before the aliases', () => {
    expect(catalogueTable(catalogue.slice(0, 1), false)).toBe('a/tools-vision\t128000\t2.00\t2.00\t\n');
    expect(catalogueTable(catalogue.slice(0, 1), false, undefined, { capabilities: true })).toBe('a/tools-vision\t128000\t2.00\t2.00\t\tTV----\n');
    const aliases = new Map([['a/tools-vision', ['tv']]]);
    expect(catalogueTable(catalogue.slice(0, 1), false, aliases, { capabilities: true })).toBe('a/tools-vision\t128000\t2.00\t2.00\t\tTV----\ttv\n');
    expect(catalogueTable(catalogue.slice(0, 1), false, aliases)).toBe('a/tools-vision\t128000\t2.00\t2.00\t\ttv\n');
  });

  it('--json entries carry capabilities (and aliases where the config has them)', () => {
    const [entry] = jsonEntries(catalogue.slice(1, 2), new Map([['b/everything', ['all']]]));
    expect(entry).toMatchObject({ id: 'b/everything', capabilities: ['tools', 'vision', 'pdf', 'audio', 'structured', 'reasoning'], aliases: ['all'] });
    expect(jsonEntries(catalogue.slice(2, 3), new Map())[0]).toMatchObject({ capabilities: [] });
  });
});

describe('who serves a model', () => {
  it('--served-by takes provider names as OpenRouter writes them, comma-separated; anything else is a usage error', () => {
    expect(parseHosts('Groq, Google AI Studio,Groq')).toEqual(['Groq', 'Google AI Studio']);
    expect(parseHosts('Google Vertex (Europe)')).toEqual(['Google Vertex (Europe)']);
    expect(() => parseHosts(' , ')).toThrow(/needs a provider name/);
    expect(() => parseHosts('Groq&x=1;rm')).toThrow(/not a provider name/);
    expect(() => parseHosts('Evil\u001b[31m')).toThrow(/not a provider name/);
  });

  const endpoint = (provider: string, prompt: string, extra: Partial<ModelEndpoint> = {}): ModelEndpoint => ({
    provider_name: provider,
    context_length: 8192,
    pricing: { prompt, completion: prompt },
    ...extra,
  });

  it('the providers table: cheapest first; uptime, throughput and latency where reported; the status said', () => {
    const rows = endpointRows([
      endpoint('Slow', '0.000002', { tag: 'slow/eu', quantization: 'fp8', uptime_last_1d: 97.25, latency_last_30m: { p50: 2500 }, throughput_last_30m: { p50: 12.4 }, status: -2 }),
      endpoint('Fast', '0.000001', { uptime_last_30m: 100, latency_last_30m: { p50: 180.4 }, throughput_last_30m: { p50: 310 }, status: 0 }),
      endpoint('Unreported', '-1', { context_length: null, latency_last_30m: null, throughput_last_30m: null }),
    ]);
    expect(rows).toEqual([
      ['Fast', '1.00', '1.00', '8192', '', '100%', '310/s', '180 ms', 'ok'],
      ['Slow (slow/eu)', '2.00', '2.00', '8192', 'fp8', '97.3%', '12/s', '2.5 s', 'status -2'],
      ['Unreported', 'varies', 'varies', '?', '', '?', '', '', 'ok'],
    ]);
  });
});
