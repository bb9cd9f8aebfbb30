// What a state file must not hold is the API key itself. Only the key's actual value is
// replaced: patterns ("sk-or-…", "Bearer …") would also rewrite the user's own words in a
// conversation, which is then sent back to the model altered on the next turn.

export const SECRET_PLACEHOLDER = '[REDACTED]';

/** Shorter values would replace ordinary words; real keys are long (as in core's redaction). */
const MIN_SECRET_LENGTH = 8;

function replaceSecrets(text: string, secrets: readonly string[]): string {
  let out = text;
  for (const secret of secrets) if (out.includes(secret)) out = out.split(secret).join(SECRET_PLACEHOLDER);
  return out;
}

/** `value` with every occurrence of a secret in its strings (and property names) replaced. */
export function withoutSecrets<T>(value: T, secrets: readonly string[]): T {
  const known = secrets.filter((secret) => secret.length >= MIN_SECRET_LENGTH);
  if (known.length === 0) return value;
  const walk = (item: unknown): unknown => {
    if (typeof item === 'string') return replaceSecrets(item, known);
    if (Array.isArray(item)) return item.map(walk);
    if (item !== null && typeof item === 'object') {
      return Object.fromEntries(Object.entries(item).map(([key, inner]) => [replaceSecrets(key, known), walk(inner)]));
    }
    return item;
  };
  return walk(value) as T;
}
