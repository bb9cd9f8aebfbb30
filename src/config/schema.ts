// The configuration schema (snake_case, as in the specification). Objects are strict, so a
// misspelt key is reported instead of silently ignored.
import { ALIAS_NAME, MODEL_ID } from './aliases.js';
import { DURATION } from './duration.js';
import { routingSchema } from './routing-schema.js';
import * as z from './zod.js';

export const PROVIDER_NAMES = ['openrouter', 'offline', 'lmstudio', 'local', 'openai', 'anthropic'] as const;

// One instance of each kind of field's schema, used by every field of that kind: a zod schema
// is immutable (a field's place in an error comes from the value parsed, not the schema), and
// each instance costs 0.5 to 3 KB built at every start, 400 KB for this file when every field
// had its own (docs/benchmarks.md).
const seconds = z.number().check(z.positive());
const optionalSeconds = z.optional(seconds);
const between0And2 = z.number().check(z.minimum(0), z.maximum(2));
const zeroOrMore = z.number().check(z.minimum(0));
const wholeFrom0 = z.int().check(z.minimum(0));
const wholeFrom1 = z.int().check(z.minimum(1));
const positiveWhole = z.int().check(z.positive());
const flag = z.optional(z.boolean());
const optionalText = z.optional(z.nullable(z.string()));
/** A sum of money in USD: a finite number of 0 or more. */
const usd = z.optional(z.nullable(z.number().check(z.minimum(0), z.refine(Number.isFinite, 'expected a finite number of USD'))));

/** Reasoning controls, sent as OpenRouter's `reasoning` object: an effort or a token budget. */
const reasoningEffort = z.optional(z.nullable(z.enum(['low', 'medium', 'high'])));
const reasoningTokens = z.optional(z.nullable(positiveWhole));

export const openRouterSettingsSchema = z.strictObject({
  enabled: z.boolean(),
  // Absent when its ${VAR} is unset: "not set", reported by the command that needs a key.
  api_key: optionalText,
  model: z.nullable(z.string()),
  embedding_model: z.string(),
  temperature: between0And2,
  max_tokens: positiveWhole,
  timeout: seconds,
  call_timeout: seconds,
  first_token_timeout: seconds,
  /** s, the whole streamed answer of one attempt; 0: no limit. */
  stream_timeout: z.optional(zeroOrMore),
  base_url: z.string(),
  max_retries: wholeFrom0,
  retry_initial_delay: zeroOrMore,
  failure_threshold: wholeFrom1,
  recovery_timeout: seconds,
  http_referer: z.nullable(z.string()),
  x_title: z.nullable(z.string()),
  ca_file: optionalText,
  /** OpenRouter provider routing preferences, sent as the request's `provider` object. */
  routing: z.optional(routingSchema),
  /** Requests per minute per model in one process; null: 20 for free models, else no limit; 0: off. */
  requests_per_minute: z.optional(z.nullable(wholeFrom0)),
  reasoning_effort: reasoningEffort,
  reasoning_tokens: reasoningTokens,
  hide_reasoning: flag,
  /** Prompt-cache breakpoints for models that need them (app/prompt-cache.ts): off, auto or always. */
  prompt_cache: z.optional(z.enum(['off', 'auto', 'always'])),
});

/**
 * The OpenAI-compatible presets (local, lmstudio, openai): the same settings as OpenRouter's,
 * all optional (unset: the preset's default), without OpenRouter's attribution and routing.
 */
const compatibleSettingsSchema = z.strictObject({
  enabled: flag,
  api_key: optionalText,
  model: optionalText,
  embedding_model: optionalText,
  base_url: optionalText,
  temperature: z.optional(between0And2),
  max_tokens: z.optional(positiveWhole),
  timeout: optionalSeconds,
  call_timeout: optionalSeconds,
  first_token_timeout: optionalSeconds,
  stream_timeout: z.optional(zeroOrMore),
  max_retries: z.optional(wholeFrom0),
  retry_initial_delay: z.optional(zeroOrMore),
  failure_threshold: z.optional(wholeFrom1),
  recovery_timeout: optionalSeconds,
  ca_file: optionalText,
  requests_per_minute: z.optional(z.nullable(wholeFrom0)),
  reasoning_effort: reasoningEffort,
  reasoning_tokens: reasoningTokens,
  hide_reasoning: flag,
});

/** An MCP server: `command` (+ args, env, cwd) for stdio, or `url` (+ headers) for streamable HTTP. */
const textMap = z.optional(z.nullable(z.record(z.string(), z.string())));
const mcpServerSchema = z.strictObject({
  command: z.optional(z.nullable(z.string().check(z.minLength(1)))),
  args: z.optional(z.nullable(z.array(z.string()))),
  env: textMap,
  cwd: optionalText,
  url: optionalText,
  headers: textMap,
  enabled: flag,
});

const aliasTarget = z.string().check(z.regex(MODEL_ID, 'expected a model id such as openai/gpt-4o-mini'));

/**
 * Short names for model ids, usable wherever a model id is (config/aliases.ts): `name: model-id`,
 * or `name: { model: model-id, routing: {…} }` whose routing applies whenever the alias is used.
 */
const aliasesSchema = z.record(
  z.string().check(z.regex(ALIAS_NAME, 'an alias name uses letters, digits, ".", "_" and "-" (no "/")')),
  z.union([aliasTarget, z.strictObject({ model: aliasTarget, routing: z.optional(routingSchema) })], { error: aliasProblem }),
);

/** What is wrong with an alias: told from the form it was written in (a model id, or {model, routing}). */
function aliasProblem(issue: { input?: unknown; errors?: unknown }): string {
  const written = issue.input !== null && typeof issue.input === 'object' ? 1 : typeof issue.input === 'string' ? 0 : -1;
  const first = (issue.errors as Array<Array<{ path: PropertyKey[]; message: string }>> | undefined)?.[written]?.[0];
  if (!first) return 'expected a model id such as openai/gpt-4o-mini, or { model: …, routing: {…} }';
  return `${first.path.length > 0 ? `${first.path.map(String).join('.')}: ` : ''}${first.message}`;
}

export const configSchema = z.strictObject({
  aliases: aliasesSchema,
  llm: z.strictObject({
    provider: z.enum(PROVIDER_NAMES),
    fallback: z.array(z.enum(PROVIDER_NAMES)),
    providers: z.strictObject({
      openrouter: openRouterSettingsSchema,
      offline: z.optional(compatibleSettingsSchema),
      lmstudio: z.optional(compatibleSettingsSchema),
      local: z.optional(compatibleSettingsSchema),
      openai: z.optional(compatibleSettingsSchema),
      anthropic: z.optional(compatibleSettingsSchema),
    }),
  }),
  /** Tool servers offered to the model (`devsynth-or mcp tools` lists their tools). */
  mcp_servers: z.optional(z.record(z.string().check(z.regex(/^[\w.-]{1,64}$/, 'server names use letters, digits, ".", "_" and "-"')), mcpServerSchema)),
  /** Tools that run without asking (by the name the model sees), in a terminal and in CI alike. */
  allow_tools: z.optional(z.array(z.string())),
  /**
   * Spend limits in USD (app/budget): per_run for one command, daily and monthly (UTC) counted
   * from the usage recorded by every process. Reached: nothing more is sent, exit 11.
   */
  budget: z.optional(
    z.strictObject({
      per_run: usd,
      daily: usd,
      monthly: usd,
    }),
  ),
  /**
   * The response cache (app/response-cache): responses: true answers an identical request from
   * disk (also --cache); ttl: how long an answer stays, as 30m, 12h, 7d (default 7d).
   */
  cache: z.optional(
    z.strictObject({
      responses: flag,
      ttl: z.optional(z.string().check(z.regex(DURATION, 'expected a duration such as 30m, 12h or 7d'))),
    }),
  ),
});

export type Config = z.infer<typeof configSchema>;
export type OpenRouterSettings = z.infer<typeof openRouterSettingsSchema>;
export type CompatibleSettings = z.infer<typeof compatibleSettingsSchema>;
/** Any provider's settings, as the schema leaves them. */
export type ProviderSettings = OpenRouterSettings | CompatibleSettings;
