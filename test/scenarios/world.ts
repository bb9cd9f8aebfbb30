// What one scenario has: the fake servers it started, the provider under test, and what the
// last action produced. Every server and sandbox is closed when the scenario ends.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  type BaseProvider,
  ChatStream,
  createMemoryBreakerStore,
  FallbackProvider,
  OfflineProvider,
  OpenAICompatibleProvider,
  OpenRouterProvider,
  type StreamEvent,
} from '../../src/index.js';
import { type FakeOpenRouter, startFakeOpenRouter, TEST_API_KEY } from '../helpers/fake-openrouter.js';
import { type CliResult, type CliSandbox, cliSandbox } from '../helpers/run-cli.js';

export type ProviderName = 'offline' | 'openrouter' | 'lmstudio';
export const LMSTUDIO_KEY = 'lm-studio-test-key';

export class World {
  servers: Partial<Record<ProviderName, FakeOpenRouter>> = {};
  providerName?: ProviderName;
  provider?: BaseProvider;
  /** Every event of every chat call, in order (the provider's chat is tapped). */
  events: StreamEvent[] = [];
  answer?: string;
  pieces: string[] = [];
  vectors: number[][] = [];
  error?: unknown;
  cli?: CliSandbox;
  cliResult?: CliResult;
  private readonly breakers = createMemoryBreakerStore();

  /** The fake behind a provider, started on first use. */
  async server(name: 'openrouter' | 'lmstudio'): Promise<FakeOpenRouter> {
    this.servers[name] ??=
      name === 'openrouter' ? await startFakeOpenRouter() : await startFakeOpenRouter({ flavour: 'openai', apiKey: LMSTUDIO_KEY });
    return this.servers[name] as FakeOpenRouter;
  }

  async make(name: ProviderName): Promise<BaseProvider> {
    const common = { env: {}, breakerStore: this.breakers, maxRetries: 1, sleep: async () => {} };
    if (name === 'offline') return new OfflineProvider();
    if (name === 'openrouter') return new OpenRouterProvider({ ...common, apiKey: TEST_API_KEY, baseUrl: (await this.server('openrouter')).url });
    return new OpenAICompatibleProvider({ ...common, preset: 'lmstudio', apiKey: LMSTUDIO_KEY, baseUrl: (await this.server('lmstudio')).url });
  }

  async use(name: ProviderName, fallback?: ProviderName): Promise<void> {
    this.providerName = name;
    const chosen = await this.make(name);
    this.provider = tap(fallback ? new FallbackProvider([chosen, await this.make(fallback)]) : chosen, this.events);
  }

  /** Chat requests the named server received. */
  chatRequests(name: 'openrouter' | 'lmstudio'): Array<Record<string, unknown>> {
    return (this.servers[name]?.requests ?? []).filter((r) => r.path === '/chat/completions').map((r) => r.body as Record<string, unknown>);
  }

  /** Runs the built binary against the fakes with a config naming `provider` and `fallback`. */
  async runCli(args: string[], settings: { provider?: string; fallback?: string }): Promise<CliResult> {
    const openrouter = await this.server('openrouter');
    const lmstudio = await this.server('lmstudio');
    this.cli ??= cliSandbox(openrouter.url);
    const config = join(this.cli.home, 'scenario.yml');
    writeFileSync(
      config,
      [
        'llm:',
        `  provider: ${settings.provider ?? 'openrouter'}`,
        `  fallback: [${settings.fallback ?? ''}]`,
        '  providers:',
        '    openrouter: { max_retries: 0 }',
        `    lmstudio: { base_url: "${lmstudio.url}", api_key: "\${LMSTUDIO_API_KEY}", max_retries: 0 }`,
        '',
      ].join('\n'),
    );
    this.cliResult = await this.cli.run(['--config', config, ...args], { env: { LMSTUDIO_API_KEY: LMSTUDIO_KEY } });
    return this.cliResult;
  }

  async dispose(): Promise<void> {
    for (const server of Object.values(this.servers)) await server?.close();
    this.cli?.dispose();
    const violations = Object.values(this.servers).flatMap((server) => server?.violations ?? []);
    if (violations.length > 0) throw new Error(`requests the real service would refuse:\n${violations.join('\n')}`);
  }
}

/** Records every event the provider's chat calls produce, whichever public method made them. */
function tap(provider: BaseProvider, events: StreamEvent[]): BaseProvider {
  const chat = provider.chat.bind(provider);
  provider.chat = (request, options) => {
    const stream = chat(request, options);
    return new ChatStream(async function* () {
      for await (const batch of stream.batched()) {
        events.push(...batch);
        yield batch;
      }
    });
  };
  return provider;
}
