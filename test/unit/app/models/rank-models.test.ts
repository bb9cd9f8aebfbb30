// The ranking engine over a catalogue with known answers (test/helpers/fake-catalogue.ts
// rankingModels): each policy's order, each constraint and need, the same list whatever the
// catalogue's order, routers and embedding models never, and what ruled models out.
import { describe, expect, it } from '@jest/globals';
import { rankModels, type Needs, type Policy } from '../../../../src/app/models/rank-models.js';
import { readTask } from '../../../../src/app/models/recommend.js';
import { requestNeeds } from '../../../../src/app/models/pick-model.js';
import { mediaKindOf, mediaPart } from '../../../../src/state/attachment-parts.js';
import type { ModelInfo } from '../../../../src/core/index.js';
import { defaultModels, rankingModels } from '../../../helpers/fake-catalogue.js';

const catalogue = rankingModels() as unknown as ModelInfo[];
const none: Needs = { capabilities: [] };
const ids = (policy: Policy, needs: Needs = none, constraints = {}, models = catalogue) => rankModels(models, needs, constraints, policy).candidates.map((m) => m.id);

describe('the policies over the known catalogue', () => {
  it('cheapest: prompt price, then completion price, free first', () => {
    expect(ids('cheapest')).toEqual([
      'meta/llama-70b-instruct:free',
      'old/legacy-4k',
      'qwen/qwen3-coder-8b',
      'acme/mini-3',
      'acme/mini-3:nitro',
      'meta/llama-70b-instruct',
      'acme/mid-2',
      'acme/giant-pro',
    ]);
  });

  it('fastest: nitro, then small by name or size, paid before :free, then the cheaper output', () => {
    expect(ids('fastest')).toEqual([
      'acme/mini-3:nitro',
      'qwen/qwen3-coder-8b',
      'acme/mini-3',
      'old/legacy-4k',
      'meta/llama-70b-instruct',
      'acme/mid-2',
      'acme/giant-pro',
      'meta/llama-70b-instruct:free',
    ]);
  });

  it('best: price tier, recency, capabilities and context; ties to the newer, then the cheaper', () => {
    expect(ids('best')).toEqual([
      'acme/giant-pro',
      'acme/mid-2',
      'acme/mini-3',
      'acme/mini-3:nitro',
      'qwen/qwen3-coder-8b',
      'meta/llama-70b-instruct',
      'meta/llama-70b-instruct:free',
      'old/legacy-4k',
    ]);
  });

  it('routers, variable prices and embedding models are never candidates, even free ones under --free', () => {
    for (const policy of ['cheapest', 'fastest', 'best'] as const) {
      const listed = ids(policy);
      expect(listed).not.toContain('openrouter/auto');
      expect(listed).not.toContain('openrouter/free');
      expect(listed).not.toContain('acme/embed-1');
    }
    expect(ids('cheapest', none, { free: true })).toEqual(['meta/llama-70b-instruct:free']);
    // The default fake catalogue's routers too (its openrouter/free is free and has the biggest context).
    const defaults = defaultModels() as unknown as ModelInfo[];
    expect(ids('best', none, {}, defaults).filter((id) => id.startsWith('openrouter/'))).toEqual([]);
    expect(rankModels(defaults, none, {}, 'best').considered).toBe(6);
  });

  it('gives the same list whatever order the catalogue comes in', () => {
    let seed = 7;
    const random = () => ((seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31);
    for (const policy of ['cheapest', 'fastest', 'best'] as const) {
      const expected = rankModels(catalogue, { capabilities: ['tools'] }, { maxPrice: 5 }, policy);
      for (let round = 0; round < 20; round++) {
        const shuffled = catalogue.map((model) => ({ model, key: random() })).sort((a, b) => a.key - b.key).map(({ model }) => model);
        expect(rankModels(shuffled, { capabilities: ['tools'] }, { maxPrice: 5 }, policy)).toEqual(expected);
      }
    }
  });
});

describe('constraints and needs', () => {
  it('--max-price is USD per million prompt tokens, inclusive', () => {
    expect(ids('cheapest', none, { maxPrice: 0.2 })).toEqual(['meta/llama-70b-instruct:free', 'old/legacy-4k', 'qwen/qwen3-coder-8b', 'acme/mini-3', 'acme/mini-3:nitro']);
    expect(ids('best', none, { maxPrice: 0 })).toEqual(['meta/llama-70b-instruct:free']);
  });

  it('--min-context and a context need leave out smaller (and unknown) contexts', () => {
    expect(ids('cheapest', none, { minContext: 200000 })).toEqual(['acme/mid-2', 'acme/giant-pro']);
    expect(ids('cheapest', { capabilities: [], contextTokens: 300000 })).toEqual(['acme/mid-2']);
    const unknown = [...catalogue, { ...catalogue[3]!, id: 'x/unknown-context', context_length: null, top_provider: {} }] as ModelInfo[];
    expect(ids('best', none, { minContext: 1000 }, unknown)).not.toContain('x/unknown-context');
    expect(ids('best', none, {}, unknown)).toContain('x/unknown-context');
  });

  it('capabilities: vision and structured outputs', () => {
    expect(ids('cheapest', { capabilities: ['vision'] })).toEqual(['acme/mini-3', 'acme/mini-3:nitro', 'acme/mid-2', 'acme/giant-pro']);
    expect(ids('cheapest', { capabilities: ['vision', 'structured', 'pdf'] })).toEqual(['acme/giant-pro']);
  });

  it('a code task puts models named for code ahead of their equals', () => {
    const code: Needs = { capabilities: [], contextTokens: 32000, code: true };
    expect(ids('best', code)).toEqual(['acme/giant-pro', 'acme/mid-2', 'qwen/qwen3-coder-8b', 'acme/mini-3', 'acme/mini-3:nitro', 'meta/llama-70b-instruct', 'meta/llama-70b-instruct:free']);
  });

  it('says what ruled models out, the most first', () => {
    const ranking = rankModels(catalogue, { capabilities: ['vision'] }, { free: true }, 'cheapest');
    expect(ranking.candidates).toEqual([]);
    expect(ranking.considered).toBe(8);
    expect(ranking.excluded).toEqual([
      { constraint: '--free', count: 7 },
      { constraint: 'needs vision', count: 4 },
    ]);
  });

  it('gives reasons: price, free availability, context, capabilities, the policy proxy', () => {
    const [llama] = rankModels(catalogue, { capabilities: ['tools'] }, { minContext: 131072, maxPrice: 0.3 }, 'cheapest').candidates;
    expect(llama).toMatchObject({ id: 'meta/llama-70b-instruct', promptPrice: 0.3, completionPrice: 0.4, context: 131072, free: false, freeVariant: 'meta/llama-70b-instruct:free' });
    expect(llama?.reasons).toEqual(['$0.3/M in, $0.4/M out', 'also free as meta/llama-70b-instruct:free', '131k context', 'has tools']);
    const [nitro] = rankModels(catalogue, none, {}, 'fastest').candidates;
    expect(nitro?.reasons).toContain('nitro variant (highest-throughput providers)');
    const [giant] = rankModels(catalogue, none, {}, 'best').candidates;
    expect(giant?.reasons).toContain('recent (2025-10)');
    expect(giant?.reasons.at(-1)).toBe('score 20 (price tier, recency, 5/6 capabilities, context)');
  });
});

describe('what a task says it needs', () => {
  it('reads the keyword table', () => {
    expect(readTask('describe this screenshot, cheaply')).toMatchObject({ needs: { capabilities: ['vision'] }, policy: 'cheapest', matched: ['vision', 'cheap'] });
    expect(readTask('prove it step by step and answer in JSON')).toMatchObject({ needs: { capabilities: ['reasoning', 'structured'] }, policy: 'best' });
    expect(readTask('summarise an entire book').needs).toMatchObject({ contextTokens: 200000 });
    expect(readTask('a quick Python script').needs).toMatchObject({ code: true, contextTokens: 32000 });
    expect(readTask('a quick Python script').policy).toBe('fastest');
    expect(readTask('fast and cheap').policy).toBe('cheapest');
    expect(readTask('an agent with tools reading PDFs and audio').needs.capabilities).toEqual(['pdf', 'audio', 'tools']);
    expect(readTask('say hello')).toEqual({ needs: { capabilities: [] }, policy: 'best', matched: [] });
  });
});

describe('what a chat request needs (-m auto)', () => {
  it('attachments by modality, --schema, tools, and the prompt plus the answer in tokens', () => {
    const image = mediaPart(mediaKindOf('image/png')!, 'a.png', { bytes: new Uint8Array(10) });
    const pdf = mediaPart(mediaKindOf('application/pdf')!, 'a.pdf', { bytes: new Uint8Array(3000) });
    const messages = [{ role: 'user' as const, content: [{ type: 'text' as const, text: 'x'.repeat(300) }, image, pdf] }];
    expect(requestNeeds({ messages, media: [image, pdf], maxTokens: 1000, structured: true, tools: true })).toEqual({
      capabilities: ['vision', 'pdf', 'structured', 'tools'],
      // 100 for the text, 1600 for the image, 1000 for the PDF's bytes, 4 per message; then the answer.
      contextTokens: 2704 + 1000,
      contextLabel: 'the prompt (~2704 tokens) and the answer (1000)',
    });
    expect(requestNeeds({ messages: [{ role: 'user', content: 'hi' }], media: [], maxTokens: 10, structured: false, tools: false }).capabilities).toEqual([]);
  });
});
