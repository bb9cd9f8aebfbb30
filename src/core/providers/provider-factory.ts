// The specification's provider factory, in its order. `anthropic` is named there but not
// built: asking for it gets a configuration error that says what to use instead.
import { ConfigError } from '../errors.js';
import type { BaseProvider } from './base-provider.js';
import { FallbackProvider } from './fallback-provider.js';
import { OfflineProvider, type OfflineProviderOptions } from './offline.js';
import { OpenAICompatibleProvider, type OpenAICompatibleProviderOptions } from './openai-compatible.js';
import { OpenRouterProvider, type OpenRouterProviderOptions } from './openrouter.js';

/** The specification's provider order. */
export const PROVIDER_ORDER = ['offline', 'local', 'openai', 'anthropic', 'lmstudio', 'openrouter'] as const;
export type ProviderName = (typeof PROVIDER_ORDER)[number];

/** Options of any provider; each takes the fields it knows. */
export type ProviderOptions = OpenRouterProviderOptions & Omit<OpenAICompatibleProviderOptions, 'preset'> & OfflineProviderOptions;

const AVAILABLE: Partial<Record<ProviderName, (options: ProviderOptions) => BaseProvider>> = {
  offline: (options) => new OfflineProvider(options),
  local: (options) => new OpenAICompatibleProvider({ ...options, preset: 'local' }),
  openai: (options) => new OpenAICompatibleProvider({ ...options, preset: 'openai' }),
  lmstudio: (options) => new OpenAICompatibleProvider({ ...options, preset: 'lmstudio' }),
  openrouter: (options) => new OpenRouterProvider(options),
};

/** Providers that never need an API key. */
export const KEYLESS_PROVIDERS: ReadonlySet<string> = new Set(['offline', 'local', 'lmstudio']);

/** The providers createProvider can make, in the specification's order. */
export const AVAILABLE_PROVIDERS: readonly ProviderName[] = PROVIDER_ORDER.filter((name) => AVAILABLE[name]);

/** Creates a provider by name; ConfigError (exit 3) for a name it cannot create. */
export function createProvider(name: string, options: ProviderOptions = {}): BaseProvider {
  const make = AVAILABLE[name as ProviderName];
  if (make) return make(options);
  const available = AVAILABLE_PROVIDERS.join(', ');
  if (name === 'anthropic') {
    throw new ConfigError(`provider "anthropic" is not built in: its Messages API is not OpenAI-compatible (available: ${available})`, {
      hint: 'use --provider openrouter with -m anthropic/claude-sonnet-4.5 (OpenRouter routes to Anthropic), or point llm.providers.openai.base_url at https://api.anthropic.com/v1 with api_key: "${ANTHROPIC_API_KEY}"',
    });
  }
  const known = (PROVIDER_ORDER as readonly string[]).includes(name);
  throw new ConfigError(
    known ? `provider "${name}" is not available in this version (available: ${available})` : `unknown provider "${name}" (available: ${available})`,
    { hint: `set --provider, DEVSYNTH_PROVIDER or llm.provider to one of: ${available}` },
  );
}

/**
 * The chosen provider followed by its fallbacks, as one provider. `optionsFor` gives each
 * provider's settings; names repeated or equal to the first are skipped.
 */
export function createProviderChain(names: readonly string[], optionsFor: (name: string) => ProviderOptions = () => ({})): BaseProvider {
  const unique = names.filter((name, index) => names.indexOf(name) === index);
  const providers = unique.map((name) => createProvider(name, optionsFor(name)));
  return providers.length === 1 ? (providers[0] as BaseProvider) : new FallbackProvider(providers);
}
