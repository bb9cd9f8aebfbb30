// What every command needs, made once per run and only when asked for: the loaded
// configuration, the state stores, and a provider wired to both. Commands receive a Runtime
// and never read the environment, files or flags themselves.
import { type BaseProvider, ConfigError, createProviderChain, type DebugLogger, OpenRouterAuthenticationError, redactSecrets } from '../core/index.js';
import { configSecrets } from '../config/describe-config.js';
import { type ConfigFlags, type LoadedConfig, loadConfig } from '../config/load-config.js';
import { missingKeyError, type ResolvedKey, resolveApiKey } from '../config/resolve-api-key.js';
import { providersInUse } from '../config/providers-in-use.js';
import { toProviderOptions } from '../config/to-provider-options.js';
import { createFileBreakerStore, type FileBreakerStore } from '../state/breaker-store.js';
import { createModelsCache, type ModelsCache } from '../state/models-cache.js';
import { statePaths, type StatePaths } from '../state/paths.js';
import { createKeyring } from '../state/keyring.js';
import { createReplHistory, type ReplHistory } from '../state/repl-history.js';
import { createSessionStore, type SessionStore } from '../state/sessions.js';
import { createUsageStore, type UsageStore } from '../state/usage-store.js';
import { terminalSafe } from '../ui/terminal-safe.js';

export interface Writable {
  write(text: string): unknown;
  isTTY?: boolean;
  columns?: number;
}

export interface CliIO {
  stdin: AsyncIterable<Buffer | string> & { isTTY?: boolean };
  stdout: Writable;
  stderr: Writable;
  env: Record<string, string | undefined>;
  cwd: string;
  /** Calls `handler` on the next Ctrl+C (SIGINT); returns a function that stops listening. */
  onInterrupt?: (handler: () => void) => () => void;
}

/** The global options of the contract. */
export interface GlobalOptions {
  config?: string;
  provider?: string;
  baseUrl?: string;
  debug?: boolean;
  color?: boolean;
}

/**
 * How `provider` came to be asked, for the offline provider to say in its answer: the setting
 * that chose it (flag, environment, file and line), or the providers it stands in for.
 */
function reachedBy(loaded: LoadedConfig, chain: readonly string[], provider: string): string {
  const index = chain.indexOf(provider);
  if (index > 0) return `a fallback (${chain.slice(0, index).join(', ')} unavailable)`;
  const source = loaded.sourceOf('llm.provider');
  if (source === 'flag --provider') return `--provider ${provider}`;
  if (source === 'env DEVSYNTH_PROVIDER') return `DEVSYNTH_PROVIDER=${provider}`;
  return `llm.provider: ${provider} in ${loaded.locate(['llm', 'provider'])}`;
}

export class Runtime {
  readonly paths: StatePaths;
  readonly debug: DebugLogger | undefined;
  private loaded?: Promise<LoadedConfig>;
  private breakerStore?: FileBreakerStore;
  /** The API keys this run resolved: state files never hold their values. */
  private readonly keysInUse = new Set<string>();
  private readonly secrets = () => [...this.keysInUse];

  constructor(
    readonly io: CliIO,
    readonly globals: GlobalOptions,
  ) {
    this.paths = statePaths(io.env);
    if (io.env.OPENROUTER_API_KEY) this.keysInUse.add(io.env.OPENROUTER_API_KEY);
    const debugOn = Boolean(globals.debug) || io.env.DEVSYNTH_DEBUG === '1';
    // Debug lines and warnings quote servers and state files: made terminal-safe, always (a
    // log written to a file is read on a terminal later).
    // Each provider redacts its own key; this catches another's (an x_title that references
    // ${OPENAI_API_KEY}, say) and the keyring's.
    this.debug = debugOn ? (line) => io.stderr.write(`[debug] ${terminalSafe(redactSecrets(line, this.secrets()))}\n`) : undefined;
  }

  get color(): boolean {
    if (this.globals.color === false || this.io.env.NO_COLOR) return false;
    if (this.io.env.FORCE_COLOR && this.io.env.FORCE_COLOR !== '0') return true;
    return Boolean(this.io.stdout.isTTY);
  }

  private warningSink: ((message: string) => void) | undefined;

  /** -q: warnings are dropped; errors still print (they go through the one error handler). */
  quiet = false;

  warn = (message: string): void => {
    if (this.quiet) return;
    if (this.warningSink) this.warningSink(message);
    else this.io.stderr.write(`devsynth-or: warning: ${terminalSafe(message)}\n`);
  };

  /**
   * While a UI owns the terminal (the REPL), warnings go to it instead of straight to stderr,
   * where they would break its drawing; returns the function that undoes this.
   */
  routeWarnings(sink: (message: string) => void): () => void {
    this.warningSink = sink;
    return () => {
      if (this.warningSink === sink) this.warningSink = undefined;
    };
  }

  /** The configuration, loaded once; `flags` are the command's settings flags. */
  config(flags: ConfigFlags = {}): Promise<LoadedConfig> {
    this.loaded ??= loadConfig({
      cwd: this.io.cwd,
      env: this.io.env,
      ...(this.globals.config ? { configFile: this.globals.config } : {}),
      flags: {
        ...flags,
        ...(this.globals.provider ? { provider: this.globals.provider } : {}),
        ...(this.globals.baseUrl ? { baseUrl: this.globals.baseUrl } : {}),
      },
    });
    return this.loaded;
  }

  /**
   * The configured provider. With `needsKey`, a missing key fails here (exit 4) naming where
   * it was looked for; without, the catalogue still works.
   */
  /** The key and where it came from: OPENROUTER_API_KEY, the config, then the OS keyring. */
  async resolveKey(): Promise<ResolvedKey | undefined> {
    const keyring = async () => {
      try {
        return await createKeyring().get();
      } catch (error) {
        // No keyring service here: for resolution that simply means no key from it.
        this.debug?.(`keyring: ${(error as Error).message}`);
        return undefined;
      }
    };
    try {
      const resolved = await resolveApiKey(await this.config(), this.io.env, keyring);
      if (resolved?.key) this.keysInUse.add(resolved.key);
      return resolved;
    } catch (error) {
      if (error instanceof OpenRouterAuthenticationError) return undefined;
      throw error;
    }
  }

  /**
   * The configured provider, followed by llm.fallback when that lists any. With `needsKey`, a
   * missing OpenRouter key fails here (exit 4) naming where it was looked for; without, the
   * catalogue still works.
   */
  /** Values never to be shown (MCP servers' tokens, say): redacted from the debug log and from errors. */
  rememberSecrets(values: Iterable<string>): void {
    for (const value of values) if (value) this.keysInUse.add(value);
  }

  async provider(options: { needsKey: boolean; flags?: ConfigFlags; apiKey?: string }): Promise<BaseProvider> {
    const loaded = await this.config(options.flags);
    const { provider: name, providers } = loaded.config.llm;
    const settingsOf = (provider: string) => providers[provider as keyof typeof providers];
    if (settingsOf(name)?.enabled === false) {
      throw new ConfigError(`provider "${name}" is disabled (llm.providers.${name}.enabled is false, ${loaded.locate(['llm', 'providers', name, 'enabled'])})`, {
        hint: 'set enabled: true, or choose another provider with --provider',
      });
    }
    // Every key the configuration or environment holds, whichever provider it is for: any of
    // them may reach a header or a message (see configSecrets).
    for (const secret of configSecrets(loaded, this.io.env)) this.keysInUse.add(secret);
    const chain = providersInUse(loaded.config.llm);
    const keys = new Map<string, string | undefined>();
    for (const provider of chain) keys.set(provider, await this.keyFor(loaded, provider, provider === name ? options : { needsKey: false, fallback: true }));
    if (chain.length > 1) this.debug?.(`providers: ${chain.join(' → ')}`);
    return createProviderChain(chain, (provider) => ({
      ...toProviderOptions(settingsOf(provider), keys.get(provider)),
      breakerStore: this.breakers(),
      // The config pipeline already merged the environment; the provider must not read it again.
      env: {},
      ...(this.debug ? { debug: this.debug } : {}),
      ...(provider === 'offline' ? { reachedBy: reachedBy(loaded, chain, provider) } : {}),
    }));
  }

  /** A provider's key: OpenRouter's from env, config or keyring; the others' from their config. */
  private async keyFor(loaded: LoadedConfig, provider: string, options: { needsKey: boolean; apiKey?: string; fallback?: boolean }): Promise<string | undefined> {
    if (provider !== 'openrouter') {
      const settings = loaded.config.llm.providers[provider as keyof LoadedConfig['config']['llm']['providers']];
      const key = options.apiKey ?? (settings?.api_key || undefined);
      if (key) this.keysInUse.add(key);
      return key;
    }
    const settings = loaded.config.llm.providers.openrouter;
    // The keyring is asked only when a key may be needed and none came from env or config (a
    // fallback without one fails when it is reached, saying so); the catalogue needs none.
    const key =
      options.apiKey ??
      (options.needsKey || options.fallback ? (await this.resolveKey())?.key : this.io.env.OPENROUTER_API_KEY || settings.api_key || undefined);
    if (options.needsKey && !key) throw missingKeyError(loaded);
    if (key) this.keysInUse.add(key);
    return key;
  }

  breakers(): FileBreakerStore {
    this.breakerStore ??= createFileBreakerStore(this.paths.state, this.warn);
    return this.breakerStore;
  }

  usage(): UsageStore {
    return createUsageStore(this.paths.state, { warn: this.warn, secrets: this.secrets });
  }

  sessions(): SessionStore {
    return createSessionStore(this.paths.state, { warn: this.warn, secrets: this.secrets });
  }

  /** The lines entered in the REPL, kept across runs. */
  replHistory(): ReplHistory {
    return createReplHistory(this.paths.state, { warn: this.warn, secrets: this.secrets });
  }

  /** The catalogue cache of the configured provider (each provider keeps its own). */
  async catalogue(): Promise<ModelsCache> {
    const provider = (await this.config()).config.llm.provider;
    return createModelsCache(this.paths.cache, { warn: this.warn, secrets: this.secrets, prefix: provider === 'openrouter' ? 'catalogue' : `catalogue-${provider}` });
  }
}
