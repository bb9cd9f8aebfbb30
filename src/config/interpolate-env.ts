// ${VAR}, ${VAR:-default}, ${VAR:?message} and $${ in config values: a pure function over the
// parsed tree. A value whose variable is unset is dropped from its layer (so lower layers and
// the defaults apply) and remembered, so that a command that needs it can name the variable
// and where it was referenced.
import { ConfigError } from '../core/index.js';
import { setOwn } from './own-keys.js';
import type { KeyPath } from './yaml-file.js';

export interface UnsetReference {
  variable: string;
  file: string;
  line?: number;
  /** Dotted key path, e.g. llm.providers.openrouter.api_key. */
  path: string;
}

export interface InterpolationSite {
  file: string;
  lineOf: (path: KeyPath) => number | undefined;
}

const REFERENCE = /\$\$\{|\$\{([A-Za-z_][A-Za-z0-9_]*)(?:(:-|:\?)([^}]*))?\}/g;
const WHOLE_REFERENCE = /^\$\{[A-Za-z_][A-Za-z0-9_]*(?:(?::-|:\?)[^}]*)?\}$/;

// `$${`, a whole reference, or a `${` that opens none (a missing `}`, a bad name, `${VAR-x}`).
const OPENINGS = /\$\$\{|\$\{[A-Za-z_][A-Za-z0-9_]*(?:(?::-|:\?)[^}]*)?\}|\$\{/g;

/**
 * The start of the first `${` in `text` that opens no valid reference, as shown in a message:
 * `${` and the name-like characters after it, never more (the rest may be a key).
 */
export function malformedReference(text: string): string | undefined {
  for (const match of text.matchAll(OPENINGS)) {
    if (match[0] === '${') return `\${${/^[A-Za-z0-9_]{0,64}/.exec(text.slice(match.index + 2))?.[0] ?? ''}`;
  }
  return undefined;
}

/** The error for a malformed reference at `where` (file:line) and `path`. */
export function malformedReferenceError(where: string, path: string, opening: string): ConfigError {
  return new ConfigError(`${where}: ${path}: malformed reference "${opening}": a \${ must open \${NAME}, \${NAME:-default} or \${NAME:?message}`, {
    hint: 'close the reference with }, or write $${ for a literal ${',
  });
}

/** Interpolates one string; returns undefined when a referenced variable is unset. */
function interpolateString(
  text: string,
  env: Record<string, string | undefined>,
  onUnset: (variable: string) => void,
  onRequired: (variable: string, message: string) => never,
): string | undefined {
  let unset = false;
  const result = text.replace(REFERENCE, (match, name: string | undefined, operator: string | undefined, argument = '') => {
    if (match === '$${') return '${';
    const value = env[name as string];
    const missing = value === undefined || value === '';
    if (!missing) return value;
    if (operator === ':-') return argument;
    if (operator === ':?') return onRequired(name as string, argument || 'is required');
    unset = true;
    onUnset(name as string);
    return '';
  });
  return unset ? undefined : result;
}

/** A value that was one whole reference takes the type its text has: "0.5" → 0.5, "true" → true. */
function typed(original: string, value: string): unknown {
  return WHOLE_REFERENCE.test(original) ? coreScalar(value) : value;
}

// YAML 1.2's core schema (https://yaml.org/spec/1.2.2/#1032-tag-resolution), booleans and
// numbers only: what the `yaml` package makes of a plain scalar, without loading it on every
// start (test/unit/config/interpolate-env.test.ts compares the two).
const CORE_BOOLEAN = /^(?:true|True|TRUE|false|False|FALSE)$/;
const CORE_DECIMAL = /^[-+]?(?:\.[0-9]+|[0-9]+(?:\.[0-9]*)?)(?:[eE][-+]?[0-9]+)?$/;
const CORE_OCTAL = /^0o([0-7]+)$/;
const CORE_HEX = /^0x([0-9a-fA-F]+)$/;
const CORE_INFINITY = /^([-+]?)\.(?:inf|Inf|INF)$/;
const CORE_NAN = /^\.(?:nan|NaN|NAN)$/;

/** A plain YAML scalar's boolean or number, or the text itself. */
export function coreScalar(text: string): unknown {
  const value = text.trim();
  if (CORE_BOOLEAN.test(value)) return value[0] === 't' || value[0] === 'T';
  if (CORE_DECIMAL.test(value)) return Number(value);
  const octal = CORE_OCTAL.exec(value);
  if (octal) return parseInt(octal[1] as string, 8);
  const hex = CORE_HEX.exec(value);
  if (hex) return parseInt(hex[1] as string, 16);
  const infinity = CORE_INFINITY.exec(value);
  if (infinity) return infinity[1] === '-' ? -Infinity : Infinity;
  if (CORE_NAN.test(value)) return NaN;
  return text;
}

export function interpolateEnv(
  tree: unknown,
  env: Record<string, string | undefined>,
  site: InterpolationSite,
): { value: unknown; unset: UnsetReference[] } {
  const unset: UnsetReference[] = [];
  const visit = (node: unknown, path: Array<string | number>): unknown => {
    if (typeof node === 'string') {
      const line = site.lineOf(path);
      const where = `${site.file}${line ? `:${line}` : ''}`;
      // Left as it is, `${OPENROUTER_API_KEY` would be sent as the key itself.
      const malformed = malformedReference(node);
      if (malformed !== undefined) throw malformedReferenceError(where, path.join('.'), malformed);
      const result = interpolateString(
        node,
        env,
        (variable) => unset.push({ variable, file: site.file, ...(line ? { line } : {}), path: path.join('.') }),
        (variable, message) => {
          throw new ConfigError(`${where}: ${variable} is not set: ${message}`, {
            hint: `export ${variable}=… or remove the reference at ${path.join('.')}`,
          });
        },
      );
      return result === undefined ? undefined : typed(node, result);
    }
    if (Array.isArray(node)) return node.map((item, index) => visit(item, [...path, index])).filter((item) => item !== undefined);
    if (node !== null && typeof node === 'object') {
      const out: Record<string, unknown> = {};
      for (const [key, value] of Object.entries(node)) {
        const result = visit(value, [...path, key]);
        if (result !== undefined) setOwn(out, key, result);
      }
      return out;
    }
    return node;
  };
  return { value: visit(tree, []), unset };
}
