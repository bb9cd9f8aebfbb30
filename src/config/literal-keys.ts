// A key written into a config file ends up in dotfile repos, CI logs and screenshots. Any
// `api_key` that is not purely a ${VAR} reference, and any `sk-or-` string at all, is refused.
import { ConfigError } from '../core/index.js';
import { scalarStrings, type YamlFile } from './yaml-file.js';

const PURE_REFERENCE = /^\$\{[A-Za-z_][A-Za-z0-9_]*(?:(?::-|:\?)[^}]*)?\}$/;

export function refuseLiteralKeys(file: YamlFile): void {
  for (const { path, value, line } of scalarStrings(file)) {
    const isKeyField = path[path.length - 1] === 'api_key';
    const literalKey = isKeyField && value !== '' && !PURE_REFERENCE.test(value);
    // A ${VAR:-sk-or-…} default is a literal key too.
    if (literalKey || /sk-or-/i.test(value)) {
      throw new ConfigError(`${file.path}:${line}: ${path.join('.')} holds a literal API key; config files may only refer to one`, {
        hint: 'write api_key: "${OPENROUTER_API_KEY}" and export the key in the environment',
      });
    }
  }
}
