// The validated YAML settings (snake_case) as the library's OpenRouterProvider options.
import type { OpenRouterProviderOptions } from '../core/index.js';
import type { OpenRouterSettings } from './schema.js';

export function toProviderOptions(settings: OpenRouterSettings, apiKey: string | undefined): OpenRouterProviderOptions {
  return {
    apiKey: apiKey ?? null,
    model: settings.model,
    embeddingModel: settings.embedding_model,
    temperature: settings.temperature,
    maxTokens: settings.max_tokens,
    timeout: settings.timeout,
    callTimeout: settings.call_timeout,
    firstTokenTimeout: settings.first_token_timeout,
    baseUrl: settings.base_url,
    maxRetries: settings.max_retries,
    retryInitialDelay: settings.retry_initial_delay,
    failureThreshold: settings.failure_threshold,
    recoveryTimeout: settings.recovery_timeout,
    // null in the file means "the default", not "send none".
    httpReferer: settings.http_referer ?? undefined,
    xTitle: settings.x_title ?? undefined,
    ...(settings.ca_file ? { caFile: settings.ca_file } : {}),
    ...(settings.requests_per_minute !== undefined ? { requestsPerMinute: settings.requests_per_minute } : {}),
  };
}
