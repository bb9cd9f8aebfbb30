// Where the key comes from, in order: OPENROUTER_API_KEY, the config's (interpolated)
// api_key, then the OS keyring when one is wired in. The error for "none" says how to fix it.
import { OpenRouterAuthenticationError } from '../core/index.js';
import type { LoadedConfig } from './load-config.js';

export interface ResolvedKey {
  key: string;
  source: 'env OPENROUTER_API_KEY' | 'config' | 'the OS keyring';
}

export async function resolveApiKey(
  loaded: LoadedConfig,
  env: Record<string, string | undefined>,
  keyring?: () => Promise<string | undefined>,
): Promise<ResolvedKey> {
  if (env.OPENROUTER_API_KEY) return { key: env.OPENROUTER_API_KEY, source: 'env OPENROUTER_API_KEY' };
  const configured = loaded.config.llm.providers.openrouter.api_key;
  if (configured) return { key: configured, source: 'config' };
  const stored = keyring ? await keyring() : undefined;
  if (stored) return { key: stored, source: 'the OS keyring' };
  throw missingKeyError(loaded);
}

export function missingKeyError(loaded: LoadedConfig): OpenRouterAuthenticationError {
  const references = loaded.unset
    .filter((ref) => ref.path.endsWith('api_key'))
    .map((ref) => `${ref.variable} (referenced at ${ref.file}${ref.line ? `:${ref.line}` : ''}) is not set`);
  const detail = references.length > 0 ? `; ${references.join('; ')}` : '';
  return new OpenRouterAuthenticationError(
    `no OpenRouter API key: OPENROUTER_API_KEY is not set, llm.providers.openrouter.api_key is empty, and the OS keyring has none${detail}`,
    { hint: 'export OPENROUTER_API_KEY=sk-or-… or run devsynth-or auth login (keys are at https://openrouter.ai/settings/keys)' },
  );
}
