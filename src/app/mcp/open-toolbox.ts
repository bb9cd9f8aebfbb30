// The toolbox of a run from its config and flags, with the runtime's debug log.
import { configSecrets } from '../../config/describe-config.js';
import type { Runtime } from '../runtime.js';
import { serverSpecs } from './server-specs.js';
import { McpToolbox } from './toolbox.js';

/** Starts the configured servers and those given with --mcp; undefined when there are none. */
export async function openToolbox(runtime: Runtime, commandLines: readonly string[], signal?: AbortSignal): Promise<McpToolbox | undefined> {
  const loaded = await runtime.config();
  const { config } = loaded;
  // Their tokens may show up in a server's stderr, which the debug log quotes.
  const secrets = configSecrets(loaded, runtime.io.env);
  runtime.rememberSecrets(secrets);
  const specs = serverSpecs(config.mcp_servers, commandLines);
  if (specs.length === 0) return undefined;
  return McpToolbox.open(specs, { secrets, ...(runtime.debug ? { debug: runtime.debug } : {}), ...(signal ? { signal } : {}) });
}
