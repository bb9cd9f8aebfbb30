// The chat command's flags as a schema: strings from commander in, typed options out.
import * as z from '../../config/zod.js';
import { DATA_COLLECTION, PROVIDER_SLUG, QUANTIZATIONS, ROUTING_SORTS } from '../../config/routing-schema.js';
import { usdAmount } from './usd-amount.js';

const number = (what: string) => z.pipe(z.string().check(z.trim(), z.regex(/^-?\d+(\.\d+)?$/, `${what} must be a number`)), z.transform(Number));
const integer = (what: string) => z.pipe(z.string().check(z.trim(), z.regex(/^[-+]?\d+$/, `${what} must be a whole number`)), z.transform(Number));

/** A comma-separated list (`a,b`), each item checked; the message names the item that is not right. */
const list = (item: z.ZodMiniType<string, string>) =>
  z.pipe(z.pipe(z.string(), z.transform((value: string) => value.split(',').map((part) => part.trim()))), z.array(item));
const slug = z.string().check(z.refine((value) => PROVIDER_SLUG.test(value), { error: (issue) => `"${String(issue.input)}" is not a provider slug (such as anthropic or amazon-bedrock)` }));
const oneOf = <T extends readonly [string, ...string[]]>(values: T) =>
  z.enum(values, { error: (issue) => `expected ${values.join(', ')}, got "${String(issue.input)}"` });
const usdPerMillion = z.pipe(
  z.string().check(z.trim(), z.refine((value) => /^\d+(\.\d+)?$/.test(value), { error: (issue) => `"${String(issue.input)}" is not a price in USD per million tokens (a number of 0 or more)` })),
  z.transform(Number),
);

export const chatOptionsSchema = z.object({
  words: z.array(z.string()),
  model: z.optional(z.string().check(z.minLength(1))),
  system: z.optional(z.string()),
  temperature: z.optional(
    z.pipe(number('temperature'), z.number().check(z.minimum(0, 'temperature must be between 0 and 2'), z.maximum(2, 'temperature must be between 0 and 2'))),
  ),
  // A sign is read as a number first, so that -5 is told the range, not that it is not a number.
  maxTokens: z.optional(z.pipe(integer('max tokens'), z.int().check(z.positive('max tokens must be greater than 0')))),
  fallbackModel: z._default(z.array(z.string().check(z.minLength(1))), []),
  stream: z._default(z.boolean(), true),
  json: z._default(z.boolean(), false),
  continue: z._default(z.boolean(), false),
  session: z.optional(z.string().check(z.regex(/^[\w.-]{1,64}$/, 'session names use letters, digits, ".", "_" and "-" (at most 64)'))),
  interactive: z._default(z.boolean(), false),
  usage: z._default(z.boolean(), false),
  quiet: z._default(z.boolean(), false),
  mcp: z._default(z.array(z.string().check(z.minLength(1))), []),
  allowTool: z._default(z.array(z.string().check(z.minLength(1))), []),
  maxSteps: z._default(z.pipe(integer('max steps'), z.int().check(z.positive('max steps must be greater than 0'))), 10),
  // The answer's contract and format (app/output/prepare-output.ts).
  schema: z.optional(z.string()),
  schemaMulti: z.optional(z.string()),
  extract: z._default(z.boolean(), false),
  extractLast: z._default(z.boolean(), false),
  format: z.optional(z.enum(['text', 'json', 'stream-json'], 'format must be text, json or stream-json')),
  reasoningEffort: z.optional(z.enum(['low', 'medium', 'high'], 'reasoning effort must be low, medium or high')),
  reasoningTokens: z.optional(z.pipe(integer('reasoning tokens'), z.int().check(z.positive('reasoning tokens must be greater than 0')))),
  hideReasoning: z._default(z.boolean(), false),
  // --cache-prompt / --no-cache-prompt; undefined: the provider's prompt_cache setting.
  cachePrompt: z.optional(z.boolean()),
  file: z._default(z.array(z.string().check(z.minLength(1, '-f needs a path'))), []),
  editor: z._default(z.boolean(), false),
  attach: z._default(z.array(z.string().check(z.minLength(1, 'an attachment needs a path, URL or -'))), []),
  attachType: z.optional(z.string().check(z.minLength(1))),
  template: z.optional(z.string().check(z.regex(/^[\w.-]+$/, 'template names use letters, digits, ".", "_" and "-"'))),
  // -m auto (app/models/pick-model.ts): the policy and the constraints; --max-price is also OpenRouter's provider.max_price.
  pick: z.optional(z.enum(['cheapest', 'fastest', 'best'], 'pick must be cheapest, fastest or best')),
  minContext: z.optional(z.pipe(integer('min context'), z.int().check(z.positive('min context must be greater than 0')))),
  free: z._default(z.boolean(), false),
  // OpenRouter's provider routing and the web plugin (app/routing.ts).
  providerOrder: z.optional(list(slug)),
  only: z.optional(list(slug)),
  ignore: z.optional(list(slug)),
  sort: z.optional(oneOf(ROUTING_SORTS)),
  /** USD per million prompt tokens: routing's max_price.prompt (and a constraint for -m auto). */
  maxPrice: z.optional(usdPerMillion),
  /** false: --no-fallbacks (provider.allow_fallbacks false; --fallback-model is another thing). */
  fallbacks: z._default(z.boolean(), true),
  dataCollection: z.optional(oneOf(DATA_COLLECTION)),
  zdr: z._default(z.boolean(), false),
  quantizations: z.optional(list(oneOf(QUANTIZATIONS))),
  web: z._default(z.boolean(), false),
  webMaxResults: z.optional(z.pipe(integer('web max results'), z.int().check(z.positive('web max results must be greater than 0'), z.maximum(100, 'web max results must be at most 100')))),
  /** The most this run may spend, in USD (app/budget): reached, nothing more is sent (exit 11). */
  maxCost: z.optional(usdAmount),
  /** --cache / --no-cache: the response cache; undefined: the config's cache.responses. */
  cache: z.optional(z.boolean()),
  param: z._default(z.array(z.string().check(z.regex(/^[A-Za-z_][\w-]*=/, '-p takes name=value (a name of letters, digits, "_" and "-")'))), []),
});

export type ChatOptions = z.infer<typeof chatOptionsSchema>;
