// `devsynth-or config` hides every key in play wherever it appears, not only in the api_key
// rows: a setting that references ${OPENROUTER_API_KEY}, another provider's key, a key from the
// OS keyring, and a key inside a longer value.
import { cpSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from '@jest/globals';
import { describeConfig } from '../../../src/config/describe-config.js';
import { loadConfig } from '../../../src/config/load-config.js';

const FIXTURES = new URL('../../fixtures/config/', import.meta.url).pathname;
const OPENROUTER_KEY = 'sk-or-v1-d35c71be0123456789abcdef';
const OPENAI_KEY = 'sk-proj-team0123456789';
const homes: string[] = [];
afterEach(() => {
  for (const home of homes.splice(0)) rmSync(home, { recursive: true, force: true });
});

async function rowsFor(name: string, env: Record<string, string>, otherSecrets: string[] = []) {
  const home = mkdtempSync(join(tmpdir(), 'devsynth-describe-'));
  homes.push(home);
  const cwd = join(home, 'project');
  cpSync(join(FIXTURES, name), cwd, { recursive: true });
  const fullEnv = { HOME: home, ...env };
  const rows = describeConfig(await loadConfig({ cwd, env: fullEnv }), fullEnv, otherSecrets);
  return { rows, value: (path: string) => rows.find((row) => row.path === `llm.providers.${path}`)?.value };
}

describe('describeConfig hides keys in every setting', () => {
  it('a setting equal to a key, from the environment or another provider, is shown as hidden', async () => {
    const { rows, value } = await rowsFor('secret-in-setting', { OPENROUTER_API_KEY: OPENROUTER_KEY, TEAM_OPENAI_KEY: OPENAI_KEY });
    expect(value('openrouter.x_title')).toBe('(set, hidden)');
    expect(value('openrouter.model')).toBe('(set, hidden)');
    expect(value('openai.api_key')).toBe('(set, hidden)');
    // Inside a longer value only the key goes.
    expect(value('openrouter.http_referer')).toBe('https://example.org/?k=[REDACTED]');
    // The other rows are still shown as they are.
    expect(value('openrouter.embedding_model')).toBe('openai/text-embedding-3-small');
    const text = JSON.stringify(rows);
    expect(text).not.toContain(OPENROUTER_KEY);
    expect(text).not.toContain(OPENAI_KEY);
    expect(text).not.toContain(OPENROUTER_KEY.slice('sk-or-v1-'.length));
  });

  it('a key from elsewhere (the OS keyring) set as a header through the environment is hidden too', async () => {
    const stored = 'keyring-held-key-0123456789';
    const { rows, value } = await rowsFor('valid', { OPENROUTER_X_TITLE: stored }, [stored]);
    expect(value('openrouter.x_title')).toBe('(set, hidden)');
    expect(JSON.stringify(rows)).not.toContain(stored);
  });

  it('a short key is hidden when a setting equals it, though too short to look for inside text', async () => {
    const { value } = await rowsFor('secret-in-setting', { OPENROUTER_API_KEY: 'short', TEAM_OPENAI_KEY: OPENAI_KEY });
    expect(value('openrouter.x_title')).toBe('(set, hidden)');
  });
});
