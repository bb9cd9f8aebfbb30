// OpenRouter's provider routing from the built binary: the routing flags become the request's
// `provider` object (each body checked against the OpenAPI spec, by the fake server and here),
// bad values are refused before anything is sent, the config's and an alias's routing are
// merged under the flags, variants and presets are model ids, and the provider that served
// each answer is kept in the session and the usage records.
import { existsSync, mkdirSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from '@jest/globals';
import { type FakeOpenRouter, startFakeOpenRouter } from '../helpers/fake-openrouter.js';
import { validateChatRequest } from '../helpers/openapi.js';
import { type CliSandbox, cliSandbox } from '../helpers/run-cli.js';

let fake: FakeOpenRouter;
let cli: CliSandbox;
let configFile: string;

beforeEach(async () => {
  fake = await startFakeOpenRouter();
  cli = cliSandbox(fake.url);
  const dir = join(cli.env.XDG_CONFIG_HOME as string, 'devsynth');
  mkdirSync(dir, { recursive: true });
  configFile = join(dir, 'config.yml');
});
afterEach(async () => {
  await fake.close();
  cli.dispose();
});

const chats = () => fake.requests.filter((r) => r.path === '/chat/completions');
/** The one chat body sent, checked against the spec here too (not only by the fake server). */
function sentBody(): Record<string, unknown> {
  const [request] = chats();
  expect(request).toBeDefined();
  expect(request?.invalid).toBeUndefined();
  expect(validateChatRequest(request?.body)).toEqual([]);
  return request?.body as Record<string, unknown>;
}

describe('routing flags become the provider object', () => {
  it.each<[string, string[], Record<string, unknown>]>([
    ['--provider-order', ['--provider-order', 'anthropic, amazon-bedrock'], { order: ['anthropic', 'amazon-bedrock'] }],
    ['--only', ['--only', 'openai,azure'], { only: ['openai', 'azure'] }],
    ['--ignore', ['--ignore', 'deepinfra/turbo'], { ignore: ['deepinfra/turbo'] }],
    ['--sort', ['--sort', 'throughput'], { sort: 'throughput' }],
    ['--max-price', ['--max-price', '0.5'], { max_price: { prompt: '0.5' } }],
    ['--no-fallbacks', ['--no-fallbacks'], { allow_fallbacks: false }],
    ['--data-collection', ['--data-collection', 'deny'], { data_collection: 'deny' }],
    ['--zdr', ['--zdr'], { zdr: true }],
    ['--quantizations', ['--quantizations', 'int8,fp8,bf16'], { quantizations: ['int8', 'fp8', 'bf16'] }],
  ])('%s', async (_flag, args, provider) => {
    const result = await cli.run(['chat', '-m', 'openai/gpt-4o-mini', ...args, 'hi']);
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    expect(sentBody().provider).toEqual(provider);
  });

  it('all of them together, in one valid body; --no-fallbacks leaves --fallback-model alone', async () => {
    const result = await cli.run([
      'chat', '-m', 'openai/gpt-4o-mini', '--fallback-model', 'anthropic/claude-haiku-4.5', '--no-fallbacks',
      '--provider-order', 'openai', '--only', 'openai,azure', '--ignore', 'together', '--sort', 'price', '--max-price', '2',
      '--data-collection', 'allow', '--zdr', '--quantizations', 'fp16', 'hi',
    ]);
    expect(result.code).toBe(0);
    const body = sentBody();
    expect(body.models).toEqual(['openai/gpt-4o-mini', 'anthropic/claude-haiku-4.5']);
    expect(body.provider).toEqual({
      order: ['openai'], only: ['openai', 'azure'], ignore: ['together'], sort: 'price', max_price: { prompt: '2' },
      allow_fallbacks: false, data_collection: 'allow', zdr: true, quantizations: ['fp16'],
    });
  });

  it('no flag, no routing: no provider object', async () => {
    expect((await cli.run(['chat', 'hi'])).code).toBe(0);
    expect(sentBody()).not.toHaveProperty('provider');
  });
});

describe('bad values: exit 2, naming the value, nothing sent', () => {
  it.each<[string[], RegExp]>([
    [['--sort', 'cheapest'], /--sort: .*"cheapest"/],
    [['--quantizations', 'int8,fp7'], /--quantizations: .*"fp7"/],
    [['--data-collection', 'maybe'], /--data-collection: .*"maybe"/],
    [['--max-price', 'cheap'], /--max-price: "cheap" is not a price/],
    [['--max-price', '-1'], /--max-price: "-1" is not a price/],
    [['--only', 'openai,,azure'], /--only: "" is not a provider slug/],
    [['--ignore', 'open ai'], /--ignore: "open ai" is not a provider slug/],
    [['--provider-order', 'a;b'], /--provider-order: "a;b" is not a provider slug/],
    [['--web-max-results', '0'], /--web-max-results: .*greater than 0/],
  ])('%j', async (args, message) => {
    const result = await cli.run(['chat', ...args, 'hi']);
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(message);
    expect(chats()).toHaveLength(0);
  });

  it("a config's bad routing value is refused, naming where it is", async () => {
    writeFileSync(configFile, 'llm:\n  providers:\n    openrouter:\n      routing:\n        sort: cheapest\n');
    const result = await cli.run(['chat', 'hi']);
    expect(result.code).not.toBe(0);
    expect(result.stderr).toMatch(/routing\.sort/);
    expect(chats()).toHaveLength(0);
  });
});

describe('config routing, alias routing and flags', () => {
  const CONFIG = `llm:
  providers:
    openrouter:
      routing:
        sort: latency
        data_collection: deny
        max_price: { prompt: 5, completion: 10 }
aliases:
  cheap-claude:
    model: anthropic/claude-haiku-4.5
    routing: { sort: price, only: [anthropic] }
  cc: cheap-claude
  plain: openai/gpt-4o-mini
`;

  it("an alias's routing applies over the config's when the alias is used", async () => {
    writeFileSync(configFile, CONFIG);
    expect((await cli.run(['chat', '-m', 'cheap-claude', 'hi'])).code).toBe(0);
    const body = sentBody();
    expect(body.model).toBe('anthropic/claude-haiku-4.5');
    expect(body.provider).toEqual({ sort: 'price', data_collection: 'deny', max_price: { prompt: '5', completion: '10' }, only: ['anthropic'] });
  });

  it('an alias of that alias carries its routing; the flags win over both', async () => {
    writeFileSync(configFile, CONFIG);
    expect((await cli.run(['chat', '-m', 'cc', '--sort', 'throughput', '--only', 'amazon-bedrock', '--max-price', '1', 'hi'])).code).toBe(0);
    expect(sentBody().provider).toEqual({ sort: 'throughput', data_collection: 'deny', max_price: { prompt: '1', completion: '10' }, only: ['amazon-bedrock'] });
  });

  it('a plain alias, or the id itself, gets the config routing alone', async () => {
    writeFileSync(configFile, CONFIG);
    expect((await cli.run(['chat', '-m', 'anthropic/claude-haiku-4.5', 'hi'])).code).toBe(0);
    expect(sentBody().provider).toEqual({ sort: 'latency', data_collection: 'deny', max_price: { prompt: '5', completion: '10' } });
  });

  it("an alias's bad routing is a config error", async () => {
    writeFileSync(configFile, 'aliases:\n  x:\n    model: openai/gpt-4o\n    routing: { quantizations: [int3] }\n');
    const result = await cli.run(['chat', '-m', 'x', 'hi']);
    expect(result.code).not.toBe(0);
    expect(result.stderr).toMatch(/aliases\.x: routing\.quantizations\.0: expected one of int4/);
    expect(chats()).toHaveLength(0);
  });
});

describe('another provider ignores the routing', () => {
  it('warns, as --fallback-model does, and sends no provider object', async () => {
    const lmstudio = await startFakeOpenRouter({ flavour: 'openai', apiKey: null });
    try {
      const result = await cli.run(['--provider', 'lmstudio', 'chat', '--sort', 'price', '--zdr', '--web', 'hi'], {
        env: { LMSTUDIO_BASE_URL: lmstudio.url },
      });
      expect(result.code).toBe(0);
      expect(result.stderr).toMatch(/warning: --sort, --zdr, --web are OpenRouter's; lmstudio ignores them/);
      const [request] = lmstudio.requests.filter((r) => r.path === '/chat/completions');
      expect(request?.invalid).toBeUndefined();
      expect(request?.body).not.toHaveProperty('provider');
      expect(request?.body).not.toHaveProperty('plugins');
    } finally {
      await lmstudio.close();
    }
  });
});

describe('variants and presets are model ids', () => {
  it.each(['openai/gpt-4o:nitro', 'openai/gpt-4o:floor', 'openai/gpt-4o:online', 'openai/gpt-4o:free', 'anthropic/claude-sonnet-4.5:thinking', 'moonshotai/kimi-k2:exacto', '@preset/my-team'])(
    'chat -m %s is sent as it is',
    async (id) => {
      const result = await cli.run(['chat', '-m', id, 'hi']);
      expect(result.stderr).toBe('');
      expect(result.code).toBe(0);
      expect(sentBody().model).toBe(id);
    },
  );

  it('a preset as a fallback model and as an alias target', async () => {
    writeFileSync(configFile, 'aliases:\n  team: "@preset/team-default"\n');
    const result = await cli.run(['chat', '-m', 'team', '--fallback-model', '@preset/backup', 'hi']);
    expect(result.code).toBe(0);
    expect(sentBody()).toMatchObject({ model: '@preset/team-default', models: ['@preset/team-default', '@preset/backup'] });
  });

  it('a malformed preset is refused before sending', async () => {
    const result = await cli.run(['chat', '-m', '@preset/', 'hi']);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('"@preset/"');
    expect(chats()).toHaveLength(0);
  });

  it('models show @preset/x says OpenRouter resolves presets; a variant shows its model', async () => {
    const preset = await cli.run(['models', 'show', '@preset/x']);
    expect(preset.code).toBe(0);
    expect(preset.stdout).toMatch(/^id\s+@preset\/x\n/);
    expect(preset.stdout).toContain('OpenRouter resolves it');
    const json = await cli.run(['models', 'show', '@preset/x', '--json']);
    expect(JSON.parse(json.stdout)).toMatchObject({ id: '@preset/x', preset: true });
    const variant = await cli.run(['models', 'show', 'openai/gpt-4o-mini:nitro']);
    expect(variant.code).toBe(0);
    expect(variant.stdout).toMatch(/^id\s+openai\/gpt-4o-mini\n/);
  });
});

describe('the provider that served each answer is kept', () => {
  const stateDir = () => join(cli.home, 'state');
  const findFile = (dir: string, name: string): string | undefined => {
    if (!existsSync(dir)) return undefined;
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      const path = join(dir, entry.name);
      if (entry.isDirectory()) {
        const found = findFile(path, name);
        if (found) return found;
      } else if (entry.name === name) return path;
    }
    return undefined;
  };

  it('on the session\'s answers and in the usage records, by provider', async () => {
    fake.script({ kind: 'reply', provider: 'Groq', content: ['one'] }, { kind: 'reply', provider: 'Cerebras', content: ['two'] }, { kind: 'reply', provider: 'Groq', content: ['three'] });
    for (const prompt of ['a', 'b', 'c']) expect((await cli.run(['chat', '--session', 'kept', '-m', 'openai/gpt-4o-mini', prompt])).code).toBe(0);
    const session = JSON.parse(readFileSync(findFile(stateDir(), 'kept.json') as string, 'utf8'));
    expect(session.messages.filter((m: { role: string }) => m.role === 'assistant').map((m: { provider?: string }) => m.provider)).toEqual(['Groq', 'Cerebras', 'Groq']);
    const usage = JSON.parse(readFileSync(findFile(stateDir(), 'usage.json') as string, 'utf8'));
    const [day] = Object.values(usage.days) as Array<Record<string, { requests: number; by_provider: Record<string, { requests: number }> }>>;
    expect(day?.['openai/gpt-4o-mini']?.requests).toBe(3);
    expect(day?.['openai/gpt-4o-mini']?.by_provider).toMatchObject({ Groq: { requests: 2 }, Cerebras: { requests: 1 } });
    // The provider is not sent back to the model with the history: the body stays valid.
    expect(chats().every((r) => r.invalid === undefined)).toBe(true);
    expect(JSON.stringify(chats()[2]?.body)).not.toContain('Groq');
  });

  it('files written without it still load, and a continued chat adds it', async () => {
    const sessions = join(stateDir(), 'sessions');
    mkdirSync(sessions, { recursive: true });
    const old = { name: 'old', model: 'openai/gpt-4o-mini', created: '2026-01-01T00:00:00.000Z', updated: '2026-01-01T00:00:00.000Z', messages: [{ role: 'user', content: 'q' }, { role: 'assistant', content: 'a' }] };
    writeFileSync(join(sessions, 'old.json'), JSON.stringify(old));
    writeFileSync(join(stateDir(), 'usage.json'), JSON.stringify({ days: { '2026-01-01': { 'openai/gpt-4o-mini': { requests: 1, prompt_tokens: 1, completion_tokens: 1, cost: 0 } } } }));
    const result = await cli.run(['chat', '--session', 'old', 'more']);
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    expect(sentBody().messages).toHaveLength(3);
    const session = JSON.parse(readFileSync(join(sessions, 'old.json'), 'utf8'));
    expect(session.messages.map((m: { provider?: string }) => m.provider ?? null)).toEqual([null, null, null, 'FakeProvider']);
    const usage = JSON.parse(readFileSync(join(stateDir(), 'usage.json'), 'utf8'));
    expect(usage.days['2026-01-01']).toEqual({ 'openai/gpt-4o-mini': { requests: 1, prompt_tokens: 1, completion_tokens: 1, cost: 0 } });
  });
});
