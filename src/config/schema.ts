// The configuration schema (snake_case, as in the specification). Objects are strict, so a
// misspelt key is reported instead of silently ignored.
import * as z from 'zod';

export const PROVIDER_NAMES = ['openrouter', 'offline', 'lmstudio', 'local', 'openai', 'anthropic'] as const;

const seconds = z.number().positive();

const routingSchema = z.strictObject({
  order: z.array(z.string()).optional(),
  allow_fallbacks: z.boolean().optional(),
  sort: z.string().optional(),
  max_price: z.strictObject({ prompt: z.number().optional(), completion: z.number().optional() }).optional(),
});

export const openRouterSettingsSchema = z.strictObject({
  enabled: z.boolean(),
  // Absent when its ${VAR} is unset: "not set", reported by the command that needs a key.
  api_key: z.string().nullable().optional(),
  model: z.string().nullable(),
  embedding_model: z.string(),
  temperature: z.number().min(0).max(2),
  max_tokens: z.number().int().positive(),
  timeout: seconds,
  call_timeout: seconds,
  first_token_timeout: seconds,
  base_url: z.string(),
  max_retries: z.number().int().min(0),
  retry_initial_delay: z.number().min(0),
  failure_threshold: z.number().int().min(1),
  recovery_timeout: seconds,
  http_referer: z.string().nullable(),
  x_title: z.string().nullable(),
  ca_file: z.string().nullable().optional(),
  /** OpenRouter provider routing preferences, sent as the request's `provider` object. */
  routing: routingSchema.optional(),
  /** Requests per minute per model in one process; null: 20 for free models, else no limit; 0: off. */
  requests_per_minute: z.number().int().min(0).nullable().optional(),
});

/**
 * The OpenAI-compatible presets (local, lmstudio, openai): the same settings as OpenRouter's,
 * all optional (unset: the preset's default), without OpenRouter's attribution and routing.
 */
const compatibleSettingsSchema = z.strictObject({
  enabled: z.boolean().optional(),
  api_key: z.string().nullable().optional(),
  model: z.string().nullable().optional(),
  embedding_model: z.string().nullable().optional(),
  base_url: z.string().nullable().optional(),
  temperature: z.number().min(0).max(2).optional(),
  max_tokens: z.number().int().positive().optional(),
  timeout: seconds.optional(),
  call_timeout: seconds.optional(),
  first_token_timeout: seconds.optional(),
  max_retries: z.number().int().min(0).optional(),
  retry_initial_delay: z.number().min(0).optional(),
  failure_threshold: z.number().int().min(1).optional(),
  recovery_timeout: seconds.optional(),
  ca_file: z.string().nullable().optional(),
  requests_per_minute: z.number().int().min(0).nullable().optional(),
});

export const configSchema = z.strictObject({
  llm: z.strictObject({
    provider: z.enum(PROVIDER_NAMES),
    fallback: z.array(z.enum(PROVIDER_NAMES)),
    providers: z.strictObject({
      openrouter: openRouterSettingsSchema,
      offline: compatibleSettingsSchema.optional(),
      lmstudio: compatibleSettingsSchema.optional(),
      local: compatibleSettingsSchema.optional(),
      openai: compatibleSettingsSchema.optional(),
      anthropic: compatibleSettingsSchema.optional(),
    }),
  }),
});

export type Config = z.infer<typeof configSchema>;
export type OpenRouterSettings = z.infer<typeof openRouterSettingsSchema>;
export type CompatibleSettings = z.infer<typeof compatibleSettingsSchema>;
/** Any provider's settings, as the schema leaves them. */
export type ProviderSettings = OpenRouterSettings | CompatibleSettings;
