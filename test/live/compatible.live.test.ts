// Against real OpenAI-compatible servers, each only when asked for: OpenAI with DEVSYNTH_LIVE=1
// and OPENAI_API_KEY; a running LM Studio or local server with DEVSYNTH_LIVE=1 and
// LMSTUDIO_BASE_URL or DEVSYNTH_LOCAL_BASE_URL. Otherwise every test here reports as skipped.
import { describe, expect, it } from '@jest/globals';
import { type CompatiblePreset, OpenAICompatibleProvider, type StreamEvent } from '../../src/index.js';

const optedIn = process.env.DEVSYNTH_LIVE === '1';
// Each with the variable it needs, named in its title: the test run's summary explains a skip
// with it.
const targets: Array<[CompatiblePreset, string]> = [
  ['openai', 'OPENAI_API_KEY'],
  ['lmstudio', 'LMSTUDIO_BASE_URL'],
  ['local', 'DEVSYNTH_LOCAL_BASE_URL'],
];

for (const [preset, variable] of targets) {
  const enabled = optedIn && Boolean(process.env[variable]);
  // Skipped, not passed, when the opt-in is missing: a green run must not pretend it went live.
  (enabled ? describe : describe.skip)(`live ${preset} (opt-in: DEVSYNTH_LIVE=1 and ${variable})`, () => {
    const provider = () => new OpenAICompatibleProvider({ preset, maxTokens: 64 });

    it('answers, and streams tokens then usage and done', async () => {
      expect((await provider().generate('Reply with the single word: pong')).length).toBeGreaterThan(0);
      const types = new Set<StreamEvent['type']>();
      for await (const event of provider().chat({ messages: [{ role: 'user', content: 'Count to five.' }] })) types.add(event.type);
      expect([...types]).toEqual(expect.arrayContaining(['token', 'usage', 'done']));
    }, 120_000);

    it('lists its models', async () => {
      expect((await provider().listModels()).length).toBeGreaterThan(0);
    }, 60_000);
  });
}
