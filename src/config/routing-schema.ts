// OpenRouter's provider routing (`provider` in a request: ProviderPreferences in its OpenAPI
// spec) as a config file writes it: per provider (`llm.providers.openrouter.routing`) and per
// alias (`aliases: { cheap: { model: …, routing: … } }`). The values the flags take are the
// same lists, so that a file and a command line are checked alike.
import * as z from './zod.js';

/** ProviderSort in the spec (`exacto` is a model variant's sort, not one to choose by hand). */
export const ROUTING_SORTS = ['price', 'throughput', 'latency'] as const;
export const DATA_COLLECTION = ['allow', 'deny'] as const;
/** Quantization in the spec. */
export const QUANTIZATIONS = ['int4', 'int8', 'fp4', 'mxfp4', 'nvfp4', 'fp6', 'fp8', 'mxfp8', 'fp16', 'bf16', 'fp32', 'unknown'] as const;
/** A provider slug as OpenRouter writes them: `anthropic`, `amazon-bedrock`, `deepinfra/turbo`. */
export const PROVIDER_SLUG = /^[A-Za-z0-9][\w.-]*(\/[\w.-]+)?$/;

// One instance of each field's schema, used by every field of its kind: a zod schema is
// immutable, and each instance costs 0.5 to 3 KB built at every start (config/schema.ts).
const slugs = z.optional(z.array(z.string().check(z.regex(PROVIDER_SLUG, 'expected a provider slug such as anthropic or amazon-bedrock'))));
const usdPerMillion = z.optional(z.number().check(z.minimum(0)));
const flag = z.optional(z.boolean());

export const routingSchema = z.strictObject({
  order: slugs,
  only: slugs,
  ignore: slugs,
  allow_fallbacks: flag,
  sort: z.optional(z.enum(ROUTING_SORTS, `expected ${ROUTING_SORTS.join(', ')}`)),
  /** USD per million tokens. */
  max_price: z.optional(z.strictObject({ prompt: usdPerMillion, completion: usdPerMillion })),
  data_collection: z.optional(z.enum(DATA_COLLECTION, 'expected allow or deny')),
  zdr: flag,
  quantizations: z.optional(z.array(z.enum(QUANTIZATIONS, `expected one of ${QUANTIZATIONS.join(', ')}`))),
});

/** Routing preferences as a file writes them (snake_case, prices as numbers). */
export type RoutingSettings = z.infer<typeof routingSchema>;
