// `models` filters and `models show` through the built binary against the fake OpenRouter,
// with known answers: --supports, --max-price, --served-by; piped columns kept (the marks only
// with --caps); the global --provider still choosing the API before and after `models`; the
// fast cached path falling through for the new flags with the same bytes as the full CLI; the
// providers table and --json of `models show`, and what it says when they cannot be listed.
import { mkdirSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from '@jest/globals';
import { catalogueEntry, defaultModels, endpointEntry, structuredOutputModels } from '../helpers/fake-catalogue.js';
import { type FakeOpenRouter, startFakeOpenRouter } from '../helpers/fake-openrouter.js';
import { type CliSandbox, cliSandbox } from '../helpers/run-cli.js';

/** The default catalogue, the two --schema models, and one model with tools and reasoning. */
const models = [
  ...defaultModels(),
  ...structuredOutputModels(),
  catalogueEntry({ id: 'acme/agent', name: 'Acme: Agent', context: 64000, prompt: '0.0000005', completion: '0.000002', input: ['text', 'audio'], parameters: ['tools', 'tool_choice', 'reasoning'] }),
];

let fake: FakeOpenRouter;
let cli: CliSandbox;
beforeEach(async () => {
  fake = await startFakeOpenRouter({ models });
  cli = cliSandbox(fake.url);
});
afterEach(async () => {
  await fake.close();
  cli.dispose();
});

const firstColumn = (stdout: string) => stdout.split('\n').filter(Boolean).map((line) => line.split('\t')[0]);
const catalogueFetches = () => fake.requests.filter((r) => r.path === '/models' && !r.query.has('providers')).length;

describe('models filters, with known answers', () => {
  it('--supports: every capability named', async () => {
    expect(firstColumn((await cli.run(['models', '--supports', 'vision'])).stdout)).toEqual(['anthropic/claude-haiku-4.5', 'openai/gpt-4o-mini']);
    expect(firstColumn((await cli.run(['models', '--supports', 'tools,reasoning'])).stdout)).toEqual(['acme/agent']);
    expect(firstColumn((await cli.run(['models', '--supports', 'structured'])).stdout)).toEqual(['openai/gpt-4.1-nano']);
    expect(firstColumn((await cli.run(['models', '--supports', 'audio'])).stdout)).toEqual(['acme/agent']);
  });

  it('--max-price: the prompt price per million tokens, variable-priced routers left out; with the others', async () => {
    expect(firstColumn((await cli.run(['models', '--max-price', '0.1'])).stdout)).toEqual([
      'meta-llama/llama-3.3-70b-instruct:free',
      'openai/gpt-4.1-nano',
      'openrouter/free',
      'tiny/context-model',
    ]);
    expect(firstColumn((await cli.run(['models', '--supports', 'pdf', '--max-price', '0.5'])).stdout)).toEqual(['openai/gpt-4o-mini']);
    expect(firstColumn((await cli.run(['models', '--max-price', '1000', '--sort', 'price', '--limit', '2'])).stdout)).toEqual([
      'meta-llama/llama-3.3-70b-instruct:free',
      'openrouter/free',
    ]);
    expect((await cli.run(['models', '--max-price', '1000'])).stdout).not.toContain('openrouter/auto');
  });

  it('--served-by: the models OpenRouter lists for those providers, asked each time', async () => {
    const groq = await cli.run(['models', '--served-by', 'Groq']);
    expect(groq.code).toBe(0);
    expect(firstColumn(groq.stdout)).toEqual(['meta-llama/llama-3.3-70b-instruct:free', 'tiny/context-model']);
    expect(firstColumn((await cli.run(['models', '--served-by', 'Azure,Anthropic', '--supports', 'pdf', '--max-price', '0.5'])).stdout)).toEqual(['openai/gpt-4o-mini']);
    expect(fake.requests.filter((r) => r.query.has('providers')).map((r) => r.query.get('providers'))).toEqual(['Groq', 'Azure,Anthropic']);
    // The catalogue itself came from the cache after the first fetch.
    expect(catalogueFetches()).toBe(1);
  });

  it('an empty answer says which filters were in play, exit 0', async () => {
    const none = await cli.run(['models', '--supports', 'tools', '--max-price', '0.1', '--served-by', 'DeepInfra']);
    expect(none.code).toBe(0);
    expect(none.stdout).toBe('');
    expect(none.stderr).toBe('devsynth-or: no model matches with --supports tools --max-price 0.1 --served-by DeepInfra\n');
  });

  it('bad values are usage errors naming what is allowed, before any request', async () => {
    const capability = await cli.run(['models', '--supports', 'tools,teleport']);
    expect(capability.code).toBe(2);
    expect(capability.stderr).toMatch(/unknown capability "teleport"/);
    expect(capability.stderr).toMatch(/tools, vision, pdf, audio, structured, reasoning/);
    const price = await cli.run(['models', '--max-price', 'cheap']);
    expect(price.code).toBe(2);
    expect(price.stderr).toMatch(/max price must be a number of USD per million tokens/);
    const host = await cli.run(['models', '--served-by', 'x;rm -rf']);
    expect(host.code).toBe(2);
    const embeddings = await cli.run(['models', '--embeddings', '--served-by', 'OpenAI']);
    expect(embeddings.code).toBe(2);
    expect(embeddings.stderr).toMatch(/--served-by filters the chat models/);
    expect(fake.requests).toHaveLength(0);
  });

  it('--served-by with a provider that has no hosting list is a usage error; a server that ignores the filter is refused', async () => {
    const offline = await cli.run(['--provider', 'offline', 'models', '--served-by', 'Groq']);
    expect(offline.code).toBe(2);
    expect(offline.stderr).toMatch(/the offline provider has no such list/);
    await fake.close();
    // Every model "served by" Groq: what a server that dropped the providers parameter answers.
    const everyone = Object.fromEntries(models.map((model) => [String(model.id), [endpointEntry(model, { provider: 'Groq', context: 1000, prompt: '0', completion: '0' })]]));
    fake = await startFakeOpenRouter({ models, endpoints: everyone });
    cli.dispose();
    cli = cliSandbox(fake.url);
    const ignored = await cli.run(['models', '--served-by', 'Groq']);
    expect(ignored.code).toBe(7);
    expect(ignored.stdout).toBe('');
    expect(ignored.stderr).toMatch(/listed every model as served by Groq: the provider filter was not applied/);
  });

  it('--json entries carry their capabilities', async () => {
    const listed = JSON.parse((await cli.run(['models', '--json', '--supports', 'vision'])).stdout) as Array<{ id: string; capabilities: string[] }>;
    expect(listed.map((entry) => [entry.id, entry.capabilities])).toEqual([
      ['anthropic/claude-haiku-4.5', ['vision', 'pdf']],
      ['openai/gpt-4o-mini', ['vision', 'pdf']],
    ]);
  });
});

describe('piped columns', () => {
  it('stay the five scripts read by position; --caps adds the marks sixth', async () => {
    const plain = await cli.run(['models']);
    expect(plain.stdout.split('\n').filter(Boolean).every((line) => line.split('\t').length === 5)).toBe(true);
    const caps = await cli.run(['models', '--caps']);
    const rows = caps.stdout.split('\n').filter(Boolean);
    expect(rows.every((line) => line.split('\t').length === 6)).toBe(true);
    expect(rows).toContain('openai/gpt-4o-mini\t128000\t0.15\t0.6\t\t-VP---');
    expect(rows).toContain('acme/agent\t64000\t0.5\t2.00\t\tT--A-R');
    expect(rows.map((line) => line.split('\t').slice(0, 5).join('\t'))).toEqual(plain.stdout.split('\n').filter(Boolean));
  });
});

describe('the global --provider', () => {
  it('still chooses the API before and after `models`, with the new filters too', async () => {
    for (const args of [['--provider', 'offline', 'models'], ['models', '--provider', 'offline'], ['models', '--max-price', '1', '--provider', 'offline']]) {
      const result = await cli.run(args);
      expect(result.code).toBe(0);
      expect(result.stdout).toBe('offline/echo\t1000000\t0\t0\tfree\n');
    }
    const chosen = await cli.run(['models', '--served-by', 'Groq', '--provider', 'openrouter']);
    expect(firstColumn(chosen.stdout)).toEqual(['meta-llama/llama-3.3-70b-instruct:free', 'tiny/context-model']);
    // Not a host name: --provider's own choices.
    const wrong = await cli.run(['models', '--provider', 'Groq']);
    expect(wrong.code).toBe(2);
    expect(wrong.stderr).toMatch(/Allowed choices are openrouter, offline/);
  });
});

describe('the fast cached path', () => {
  /** A project file that changes nothing but makes the full CLI answer. */
  function withProjectFile(): string {
    const dir = join(cli.home, 'project');
    mkdirSync(dir, { recursive: true });
    writeFileSync(join(dir, '.devsynthrc.yml'), 'llm:\n  provider: openrouter\n');
    return dir;
  }

  it('leaves the new flags to the full CLI: the same bytes, from the cache', async () => {
    expect((await cli.run(['models'])).code).toBe(0);
    for (const args of [['models', '--supports', 'vision'], ['models', '--max-price', '0.2'], ['models', '--caps'], ['models', '--served-by', 'Groq']]) {
      const fast = await cli.run(args);
      const full = await cli.run(args, { cwd: withProjectFile() });
      expect(fast.code).toBe(0);
      expect(fast.stdout.length).toBeGreaterThan(0);
      expect(fast).toEqual(full);
    }
    expect(catalogueFetches()).toBe(1);
  });
});

describe('models show', () => {
  it('lists modalities, capabilities, parameters and the providers serving it', async () => {
    const result = await cli.run(['models', 'show', 'anthropic/claude-haiku-4.5']);
    expect(result.code).toBe(0);
    expect(result.stderr).toBe('');
    expect(result.stdout).toMatch(/^input +text, image, file$/m);
    expect(result.stdout).toMatch(/^output +text$/m);
    expect(result.stdout).toMatch(/^capabilities +vision, pdf$/m);
    expect(result.stdout).toMatch(/^parameters +temperature, max_tokens, top_p, stop, seed$/m);
    const table = result.stdout.slice(result.stdout.indexOf('providers serving it (3):'));
    expect(table.split('\n').slice(1, 5)).toEqual([
      'provider                $/M in  $/M out  context  quant    uptime 1d  tok/s p50  latency p50  status',
      'Amazon Bedrock            1.00     5.00   200000  unknown      99.9%       70/s       900 ms  ok',
      'Anthropic                 1.00     5.00   200000  unknown      99.9%       95/s       700 ms  ok',
      'Google (google-vertex)    1.10     5.50   200000  unknown      99.9%       80/s       850 ms  ok',
    ]);
    expect(fake.requests.filter((r) => r.path.endsWith('/endpoints')).map((r) => r.path)).toEqual(['/models/anthropic/claude-haiku-4.5/endpoints']);
  });

  it('--json: the entry with its capabilities and endpoints', async () => {
    for (const args of [['models', 'show', 'openai/gpt-4o-mini', '--json'], ['models', '--json', 'show', 'openai/gpt-4o-mini']]) {
      const result = await cli.run(args);
      expect(result.code).toBe(0);
      const entry = JSON.parse(result.stdout) as { id: string; capabilities: string[]; endpoints: Array<{ provider_name: string; status: number }> };
      expect(entry.id).toBe('openai/gpt-4o-mini');
      expect(entry.capabilities).toEqual(['vision', 'pdf']);
      expect(entry.endpoints.map((endpoint) => [endpoint.provider_name, endpoint.status])).toEqual([['OpenAI', 0], ['Azure', -1]]);
    }
  });

  it('a model with no providers says so; an unknown one is the invalid-model error with suggestions, nothing asked of the endpoints', async () => {
    expect((await cli.run(['models', 'show', 'openrouter/auto'])).stdout).toMatch(/providers serving it \(0\):\n$/);
    const unknown = await cli.run(['models', 'show', 'openai/gpt-4o-mimi']);
    expect(unknown.code).toBe(6);
    expect(unknown.stderr).toMatch(/unknown model "openai\/gpt-4o-mimi"/);
    expect(unknown.stderr).toMatch(/did you mean openai\/gpt-4o-mini/);
    expect(fake.requests.filter((r) => r.path.endsWith('/endpoints')).map((r) => r.path)).toEqual(['/models/openrouter/auto/endpoints']);
  });

  it('the offline provider has no providers list: said in one line on stderr, exit 0; --json has endpoints null', async () => {
    const result = await cli.run(['--provider', 'offline', 'models', 'show', 'offline/echo']);
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/^id +offline\/echo$/m);
    expect(result.stderr).toBe('devsynth-or: the offline provider has no list of the providers serving a model\n');
    const json = await cli.run(['--provider', 'offline', 'models', 'show', 'offline/echo', '--json']);
    expect(JSON.parse(json.stdout)).toMatchObject({ id: 'offline/echo', capabilities: [], endpoints: null });
  });

  it('hostile entries: a provider name with escapes shown inert, an invalid entry left out with a warning', async () => {
    await fake.close();
    const [gpt4] = models.filter((model) => model.id === 'openai/gpt-4');
    const good = endpointEntry(gpt4!, { provider: 'OpenAI', context: 8191, prompt: '0.00003', completion: '0.00006' });
    fake = await startFakeOpenRouter({
      models,
      endpoints: { 'openai/gpt-4': [good, { ...good, provider_name: 'Evil\u001b]0;pwned\u0007\u001b[31mRed\u202e', tag: 'evil' }, { ...good, pricing: 'free' }] },
    });
    cli.dispose();
    cli = cliSandbox(fake.url);
    const result = await cli.run(['models', 'show', 'openai/gpt-4']);
    expect(result.code).toBe(0);
    expect(result.stdout).not.toMatch(/[\u001b\u0007\u202e]/);
    expect(result.stdout).toMatch(/providers serving it \(2\):/);
    expect(result.stdout).toMatch(/^Evil.*Red/m);
    expect(result.stderr).toBe('devsynth-or: warning: the provider list of openai/gpt-4 had 1 invalid entry; left out\n');
    const json = await cli.run(['models', 'show', 'openai/gpt-4', '--json']);
    expect(json.stdout).not.toMatch(/[\u001b\u0007]/);
  });
});

describe('models show when the endpoints cannot be had', () => {
  let server: Server;
  afterEach(async () => {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  });

  /** A catalogue like OpenRouter's, and an endpoints route that misbehaves as `endpoints` says. */
  async function serve(endpoints: (res: import('node:http').ServerResponse) => void): Promise<string> {
    server = createServer((req, res) => {
      if (req.url?.endsWith('/endpoints')) return endpoints(res);
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ data: models }));
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    return `http://127.0.0.1:${(server.address() as AddressInfo).port}/api/v1`;
  }

  it('a dropped connection: the catalogue part, a one-line note, exit 0', async () => {
    const sandbox = cliSandbox(await serve((res) => res.socket?.destroy()));
    try {
      const result = await sandbox.run(['models', 'show', 'openai/gpt-4o-mini']);
      expect(result.code).toBe(0);
      expect(result.stdout).toMatch(/^capabilities +vision, pdf$/m);
      expect(result.stdout).not.toContain('providers serving it');
      expect(result.stderr).toMatch(/^devsynth-or: could not list the providers serving openai\/gpt-4o-mini \(.+\)\n$/);
    } finally {
      sandbox.dispose();
    }
  });

  it('a huge body: refused at 4 MB, in bounded memory', async () => {
    const entry = `${JSON.stringify({ provider_name: 'P', context_length: 1, pricing: { prompt: '0', completion: '0' } })},`.repeat(2000);
    const sandbox = cliSandbox(
      await serve((res) => {
        res.writeHead(200, { 'content-type': 'application/json' });
        res.write('{"data":{"id":"openai/gpt-4o-mini","endpoints":[');
        let sent = 0;
        const pump = () => {
          while (sent < 1024 * 1024 * 1024) {
            sent += entry.length;
            if (!res.write(entry)) return void res.once('drain', pump);
          }
          res.end(']}}');
        };
        res.on('close', () => (sent = Number.POSITIVE_INFINITY));
        pump();
      }),
    );
    try {
      const result = await sandbox.run(['models', 'show', 'openai/gpt-4o-mini'], { measureRss: true, killAfterMs: 60_000 });
      expect(result.code).toBe(0);
      expect(result.stderr).toMatch(/could not list the providers serving openai\/gpt-4o-mini \(the response from OpenRouter exceeded 4 MB\)/);
      expect(result.peakRssMb).toBeLessThan(200);
    } finally {
      sandbox.dispose();
    }
  });
});
