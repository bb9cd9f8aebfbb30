// The chat command's flags as a schema: strings from commander in, typed options out.
import * as z from 'zod';

const number = (what: string) =>
  z.string().trim().regex(/^-?\d+(\.\d+)?$/, `${what} must be a number`).transform(Number);

export const chatOptionsSchema = z.object({
  words: z.array(z.string()),
  model: z.string().min(1).optional(),
  system: z.string().optional(),
  temperature: number('temperature')
    .pipe(z.number().min(0, 'temperature must be between 0 and 2').max(2, 'temperature must be between 0 and 2'))
    .optional(),
  maxTokens: z
    .string()
    .regex(/^\d+$/, 'max tokens must be a whole number')
    .transform(Number)
    .pipe(z.number().int().positive('max tokens must be above 0'))
    .optional(),
  fallbackModel: z.array(z.string().min(1)).default([]),
  stream: z.boolean().default(true),
  json: z.boolean().default(false),
  continue: z.boolean().default(false),
  session: z
    .string()
    .regex(/^[\w.-]{1,64}$/, 'session names use letters, digits, ".", "_" and "-" (at most 64)')
    .optional(),
  interactive: z.boolean().default(false),
  usage: z.boolean().default(false),
  quiet: z.boolean().default(false),
});

export type ChatOptions = z.infer<typeof chatOptionsSchema>;
