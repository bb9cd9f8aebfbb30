// The validated YAML settings (snake_case) of one provider as the library's options
// (camelCase). Unset settings stay unset, so that the provider's own defaults apply.
import type { ProviderOptions } from '../core/index.js';
import type { ProviderSettings } from './schema.js';

const FIELDS = [
  ['model', 'model'],
  ['embedding_model', 'embeddingModel'],
  ['temperature', 'temperature'],
  ['max_tokens', 'maxTokens'],
  ['timeout', 'timeout'],
  ['call_timeout', 'callTimeout'],
  ['first_token_timeout', 'firstTokenTimeout'],
  ['stream_timeout', 'streamTimeout'],
  ['base_url', 'baseUrl'],
  ['max_retries', 'maxRetries'],
  ['retry_initial_delay', 'retryInitialDelay'],
  ['failure_threshold', 'failureThreshold'],
  ['recovery_timeout', 'recoveryTimeout'],
  ['requests_per_minute', 'requestsPerMinute'],
  ['routing', 'routing'],
] as const;

export function toProviderOptions(settings: ProviderSettings | undefined, apiKey: string | undefined): ProviderOptions {
  const options: Record<string, unknown> = { apiKey: apiKey ?? null };
  const given = (settings ?? {}) as Record<string, unknown>;
  for (const [key, option] of FIELDS) {
    if (given[key] !== undefined) options[option] = given[key];
  }
  // null in the file means "the default", not "send none".
  if (typeof given.http_referer === 'string') options.httpReferer = given.http_referer;
  if (typeof given.x_title === 'string') options.xTitle = given.x_title;
  if (typeof given.ca_file === 'string' && given.ca_file) options.caFile = given.ca_file;
  return options as ProviderOptions;
}
