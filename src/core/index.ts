// The core's public surface: use-cases, types and errors. cli/ and ui/ import from here only,
// never from internal/.
export * from './errors.js';
export type * from './types.js';
export { ChatCollector, ChatStream, collectChat } from './chat-stream.js';
export { BaseProvider, type GenerateParams } from './providers/base-provider.js';
export { checkedGeneration, type Generation, isGenerationId } from './generation.js';
export { GENERATION_NOT_READY_DELAYS_MS, OpenRouterProvider, OPENROUTER_DEFAULTS, type OpenRouterProviderOptions } from './providers/openrouter.js';
export { HttpProvider, type HttpProviderOptions } from './providers/http-provider.js';
export {
  COMPATIBLE_PRESETS,
  OpenAICompatibleProvider,
  type CompatiblePreset,
  type OpenAICompatibleProviderOptions,
} from './providers/openai-compatible.js';
export { OfflineProvider, type OfflineProviderOptions } from './providers/offline.js';
export { FallbackProvider, isUnavailable } from './providers/fallback-provider.js';
export {
  AVAILABLE_PROVIDERS,
  createProvider,
  createProviderChain,
  KEYLESS_PROVIDERS,
  PROVIDER_ORDER,
  type ProviderName,
  type ProviderOptions,
} from './providers/provider-factory.js';
export {
  CircuitBreaker,
  createMemoryBreakerStore,
  type BreakerState,
  type BreakerStore,
} from './internal/circuit-breaker.js';
export { redactSecrets, redactValue } from './internal/redact.js';
export { isPresetId } from './internal/validate-request.js';
export { assertSecureBaseUrl } from './base-url.js';
export { pruneToContext, estimateTokens, type PruneResult } from './prune-context.js';
export { suggestModels } from './suggest-models.js';
export {
  DEFAULT_MAX_STEPS,
  runTools,
  ToolFailure,
  type AfterModelCall,
  type ModelCallOutcome,
  type RunToolsOptions,
  type ToolHandler,
  type ToolHandlerContext,
  type ToolHandlers,
  type ToolResultEvent,
  type ToolRunEvent,
  type ToolRunResult,
} from './run-tools.js';
export { describeMedia, describeMediaPart, formatBytes, mediaPartsOf, textOf, type MediaDescription } from './message-content.js';
