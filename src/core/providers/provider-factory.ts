// The specification's provider factory. Providers are listed in its order; those not built yet
// say so plainly instead of failing somewhere later.
import { ConfigError } from '../errors.js';
import type { BaseProvider } from './base-provider.js';
import { OfflineProvider } from './offline.js';
import { OpenRouterProvider, type OpenRouterProviderOptions } from './openrouter.js';

/** The specification's provider order. */
export const PROVIDER_ORDER = ['offline', 'local', 'openai', 'anthropic', 'lmstudio', 'openrouter'] as const;
export type ProviderName = (typeof PROVIDER_ORDER)[number];

const AVAILABLE: Partial<Record<ProviderName, (options: OpenRouterProviderOptions) => BaseProvider>> = {
  offline: () => new OfflineProvider(),
  openrouter: (options) => new OpenRouterProvider(options),
};

/** Providers that need no API key. */
export const KEYLESS_PROVIDERS: ReadonlySet<string> = new Set(['offline']);

/** Creates a provider by name; ConfigError (exit 3) for a name it cannot create. */
export function createProvider(name: string, options: OpenRouterProviderOptions = {}): BaseProvider {
  const make = AVAILABLE[name as ProviderName];
  if (make) return make(options);
  const available = Object.keys(AVAILABLE).join(', ');
  const known = (PROVIDER_ORDER as readonly string[]).includes(name);
  throw new ConfigError(
    known ? `provider "${name}" is not available in this version (available: ${available})` : `unknown provider "${name}" (available: ${available})`,
    { hint: `set --provider, DEVSYNTH_PROVIDER or llm.provider to one of: ${available}` },
  );
}
