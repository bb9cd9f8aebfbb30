// Against the real OpenRouter. Runs only with OPENROUTER_API_KEY and DEVSYNTH_LIVE=1 set
// (`npm run test:live`); otherwise every test here reports as skipped. Uses the free router
// and a cheap embedding model, so that a run costs nothing or next to it.
import { describe, expect, it } from '@jest/globals';
import { OpenRouterAuthenticationError, OpenRouterProvider } from '../../src/index.js';

const key = process.env.OPENROUTER_API_KEY;
const enabled = Boolean(key) && process.env.DEVSYNTH_LIVE === '1';
// Skipped, not passed, when the opt-in is missing: a green run must not pretend it went live.
const live = enabled ? describe : describe.skip;

live('live OpenRouter (opt-in: DEVSYNTH_LIVE=1 and OPENROUTER_API_KEY)', () => {
  const provider = () => new OpenRouterProvider({ apiKey: key ?? null, model: 'openrouter/free', maxTokens: 64 });

  it('answers a prompt', async () => {
    const text = await provider().generate('Reply with the single word: pong');
    expect(text.length).toBeGreaterThan(0);
  }, 120_000);

  it('streams tokens, then usage and done', async () => {
    const types = new Set<string>();
    for await (const event of provider().chat({ messages: [{ role: 'user', content: 'Count to five.' }] })) {
      types.add(event.type);
    }
    expect([...types]).toEqual(expect.arrayContaining(['meta', 'token', 'usage', 'done']));
  }, 120_000);

  it('lists the catalogue without a key', async () => {
    const models = await new OpenRouterProvider({ apiKey: null, env: {} }).listModels();
    expect(models.length).toBeGreaterThan(50);
    expect(models.some((model) => model.id === 'openrouter/auto')).toBe(true);
  }, 60_000);

  it('embeds a text', async () => {
    const vector = await provider().getEmbedding('hello');
    expect(vector.length).toBeGreaterThan(100);
  }, 60_000);

  it('rejects a bad key with exit code 4', async () => {
    const bad = new OpenRouterProvider({ apiKey: 'sk-or-v1-0000000000000000000000000000000000000000000000000000000000000000' });
    await expect(bad.generate('hi')).rejects.toBeInstanceOf(OpenRouterAuthenticationError);
  }, 60_000);
});
