// Which providers a run uses, read from the llm section before or after validation.
import { describe, expect, it } from '@jest/globals';
import { providersInUse } from '../../../src/config/providers-in-use.js';

describe('providersInUse', () => {
  it('the chosen provider, then the enabled fallbacks in order, each once', () => {
    expect(providersInUse({ provider: 'openrouter', fallback: [] })).toEqual(['openrouter']);
    expect(
      providersInUse({ provider: 'offline', fallback: ['openrouter', 'lmstudio', 'offline', 'openrouter', 'local'], providers: { lmstudio: { enabled: false } } }),
    ).toEqual(['offline', 'openrouter', 'local']);
  });

  it('an unvalidated tree: names that are not strings are left out, no provider means none', () => {
    expect(providersInUse({ provider: 'openrouter', fallback: [3, null, 'local'], providers: 'oops' })).toEqual(['openrouter', 'local']);
    expect(providersInUse({ fallback: ['local'] })).toEqual([]);
    expect(providersInUse(undefined)).toEqual([]);
  });
});
