// The built package must be importable by its name, as a user's `import ... from 'devsynth-or'`
// would: this runs a child Node process against dist/ through the package's own `exports`.
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { promisify } from 'node:util';
import { describe, expect, it } from '@jest/globals';

const run = promisify(execFile);
const root = new URL('../../', import.meta.url).pathname;

describe('the built package', () => {
  it('has been built (npm test builds first)', () => {
    expect(existsSync(`${root}dist/index.js`)).toBe(true);
    expect(existsSync(`${root}dist/index.d.ts`)).toBe(true);
  });

  it("exports the library API by self-reference: import … from 'devsynth-or'", async () => {
    const script = `
      const lib = await import('devsynth-or');
      const names = ['OpenRouterProvider', 'createProvider', 'OpenRouterError', 'LLMProviderError',
        'OpenRouterConnectionError', 'OpenRouterAuthenticationError', 'OpenRouterModelError',
        'OpenRouterRateLimitError', 'OpenRouterInvalidModelError', 'OpenRouterInsufficientCreditsError',
        'OpenRouterCircuitOpenError', 'EXIT_CODES', 'BaseProvider', 'OfflineProvider'];
      const missing = names.filter((name) => !(name in lib));
      const provider = lib.createProvider('openrouter', { apiKey: 'sk-or-v1-test', env: {} });
      console.log(JSON.stringify({ missing, isProvider: provider instanceof lib.OpenRouterProvider,
        chain: new lib.OpenRouterRateLimitError('x') instanceof lib.LLMProviderError,
        methods: ['generate', 'generateWithContext', 'getEmbedding', 'generateStream', 'generateWithContextStream']
          .every((m) => typeof provider[m] === 'function') }));`;
    const { stdout } = await run(process.execPath, ['--input-type=module', '-e', script], { cwd: root });
    expect(JSON.parse(stdout)).toEqual({ missing: [], isProvider: true, chain: true, methods: true });
  });

  it('ships type declarations for the library API', async () => {
    const { readFile } = await import('node:fs/promises');
    const types = await readFile(`${root}dist/core/providers/base-provider.d.ts`, 'utf8');
    expect(types).toContain('generateWithContextStream');
  });
});
