// The variable each provider's key comes from (config/default.yml's ${VAR}): what a message
// about that provider's key names, and what `config` looks for.
import { COMPATIBLE_PRESETS } from '../core/index.js';

export const KEY_VARIABLES: Readonly<Record<string, string>> = {
  openrouter: 'OPENROUTER_API_KEY',
  ...Object.fromEntries(Object.entries(COMPATIBLE_PRESETS).map(([name, preset]) => [name, preset.env.apiKey])),
};

/** OPENAI_API_KEY for openai; for a provider without a preset, the usual NAME_API_KEY. */
export function keyVariableOf(provider: string): string {
  return Object.hasOwn(KEY_VARIABLES, provider) ? (KEY_VARIABLES[provider] as string) : `${provider.toUpperCase().replace(/[^A-Z0-9]/g, '_')}_API_KEY`;
}
