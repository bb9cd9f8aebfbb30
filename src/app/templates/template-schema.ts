// What a template file holds (YAML, read like a config file): the settings a chat run takes,
// and the prompt to wrap the user's input in. Strict, so that a misspelt key is reported.
import { MODEL_ID } from '../../config/aliases.js';
import * as z from '../../config/zod.js';

/** A template's name: its file's name without .yml/.yaml; never a path. */
export const TEMPLATE_NAME = /^[\w.-]+$/;
export const TEMPLATE_NAME_RULE = 'template names use letters, digits, ".", "_" and "-"';

export const templateSchema = z.strictObject({
  description: z.optional(z.string()),
  system: z.optional(z.string()),
  /** `{{input}}`: the user's prompt and stdin; `{{name}}`: the value of `-p name=…`. */
  prompt: z.optional(z.string()),
  model: z.optional(z.string().check(z.regex(MODEL_ID, 'expected a model id or alias such as openai/gpt-4o-mini'))),
  temperature: z.optional(z.number().check(z.minimum(0), z.maximum(2))),
  max_tokens: z.optional(z.int().check(z.positive())),
  /** Paths (relative to the template file), URLs: added to -a. */
  attach: z.optional(z.array(z.string().check(z.minLength(1)))),
  /** --schema's forms: a file, inline JSON, the concise form; or the JSON Schema itself. */
  schema: z.optional(z.union([z.string().check(z.minLength(1)), z.record(z.string(), z.unknown())])),
  /** Values for parameters that -p may leave out. */
  defaults: z.optional(z.record(z.string(), z.union([z.string(), z.number(), z.boolean()]))),
});

export type TemplateData = z.infer<typeof templateSchema>;
