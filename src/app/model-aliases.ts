// The chat options' model ids (-m, --fallback-model, a template's model) with aliases resolved,
// by the config's one resolver: the same transform for a one-shot chat and the REPL.
import type { ChatOptions } from '../cli/commands/chat-options.js';
import type { LoadedConfig } from '../config/load-config.js';

export function withModelAliases<T extends Pick<ChatOptions, 'model' | 'fallbackModel'>>(options: T, loaded: Pick<LoadedConfig, 'resolveModel'>): T {
  const model = loaded.resolveModel(options.model);
  return { ...options, ...(model !== undefined ? { model } : {}), fallbackModel: options.fallbackModel.map((id) => loaded.resolveModel(id)) };
}
