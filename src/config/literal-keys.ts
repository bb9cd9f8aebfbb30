// A key written into a config file ends up in dotfile repos, CI logs and screenshots. Any
// `api_key` that is not purely a ${VAR} reference, and any `sk-or-` string at all, is refused.
import { ConfigError } from '../core/index.js';
import { malformedReference, malformedReferenceError } from './interpolate-env.js';
import { keyVariableOf } from './key-variables.js';
import { scalarStrings, type YamlFile } from './yaml-file.js';

const PURE_REFERENCE = /^\$\{[A-Za-z_][A-Za-z0-9_]*(?:(?::-|:\?)[^}]*)?\}$/;

export function refuseLiteralKeys(file: YamlFile): void {
  for (const { path, value, line } of scalarStrings(file)) {
    const isKeyField = path[path.length - 1] === 'api_key';
    const literalKey = isKeyField && value !== '' && !PURE_REFERENCE.test(value);
    // A ${VAR:-sk-or-…} default is a literal key too.
    const openRouterKey = /sk-or-/i.test(value);
    // `"${OPENROUTER_API_KEY"` is a reference missing its brace, not a key: said so.
    const malformed = isKeyField && !openRouterKey ? malformedReference(value) : undefined;
    if (malformed !== undefined) throw malformedReferenceError(`${file.path}:${line}`, path.join('.'), malformed);
    if (literalKey || openRouterKey) {
      // Each provider's own variable (llm.providers.openai.api_key: OPENAI_API_KEY); an sk-or- key elsewhere is OpenRouter's.
      const provider = isKeyField && path.length === 4 && path[0] === 'llm' && path[1] === 'providers' ? String(path[2]) : 'openrouter';
      const variable = openRouterKey ? 'OPENROUTER_API_KEY' : keyVariableOf(provider);
      throw new ConfigError(`${file.path}:${line}: ${path.join('.')} holds a literal API key; config files may only refer to one`, {
        hint: `write api_key: "\${${variable}}" and export the key in the environment`,
      });
    }
  }
}
