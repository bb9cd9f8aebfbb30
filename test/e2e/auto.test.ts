// `chat -m auto --pick cheapest|fastest|best` end to end over the known catalogue
// (fake-catalogue.ts rankingModels): the chosen model and the runners-up as the `models`
// fallback list in a request body the OpenAPI spec accepts; an image forcing a vision model; a
// long prompt forcing a big context; --schema forcing structured outputs; the stderr line and
// the --json `auto` member (the body's `models` leads with the chosen model: chat-body.ts); nothing fitting: exit 2 and no request.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from '@jest/globals';
import { rankingModels } from '../helpers/fake-catalogue.js';
import { type FakeOpenRouter, startFakeOpenRouter } from '../helpers/fake-openrouter.js';
import { makePng } from '../helpers/media-files.js';
import { validateChatRequest } from '../helpers/openapi.js';
import { type CliSandbox, cliSandbox } from '../helpers/run-cli.js';

let fake: FakeOpenRouter;
let cli: CliSandbox;
beforeAll(async () => {
  fake = await startFakeOpenRouter({ models: rankingModels() });
  cli = cliSandbox(fake.url);
});
afterAll(async () => {
  await fake.close();
  cli.dispose();
});
beforeEach(() => {
  fake.requests.length = 0;
});

type Body = { model?: string; models?: string[]; response_format?: { type: string } };
const chats = () => fake.requests.filter((r) => r.path === '/chat/completions');
const sent = (): Body => {
  expect(chats()).toHaveLength(1);
  const body = chats()[0]?.body;
  expect(validateChatRequest(body)).toEqual([]);
  expect(fake.violations).toEqual([]);
  return body as Body;
};

describe('chat -m auto', () => {
  it('--pick cheapest: the free model, the next three as the fallback list, said on stderr', async () => {
    const result = await cli.run(['chat', '-m', 'auto', '--pick', 'cheapest', 'Say hi']);
    expect(result.code).toBe(0);
    // old/legacy-4k is cheaper still, but its 4096 tokens cannot hold the prompt and a 4096-token answer.
    expect(sent()).toMatchObject({ model: 'meta/llama-70b-instruct:free', models: ['meta/llama-70b-instruct:free', 'qwen/qwen3-coder-8b', 'acme/mini-3', 'acme/mini-3:nitro'] });
    expect(result.stderr).toBe('devsynth-or: auto: chose meta/llama-70b-instruct:free (cheapest of 7 fitting: free; 131k context)\n');
  });

  it('without --pick: best; --pick fastest: the nitro variant', async () => {
    const best = await cli.run(['chat', '-m', 'auto', '-q', 'Say hi']);
    expect(best).toMatchObject({ code: 0, stderr: '' });
    expect(sent()).toMatchObject({ model: 'acme/giant-pro', models: ['acme/giant-pro', 'acme/mid-2', 'acme/mini-3', 'acme/mini-3:nitro'] });
    fake.requests.length = 0;
    await cli.run(['chat', '-m', 'auto', '--pick', 'fastest', 'Say hi']);
    expect(sent()).toMatchObject({ model: 'acme/mini-3:nitro', models: ['acme/mini-3:nitro', 'qwen/qwen3-coder-8b', 'acme/mini-3', 'meta/llama-70b-instruct'] });
  });

  it('an image attachment forces a vision model', async () => {
    const png = join(cli.home, 'shot.png');
    writeFileSync(png, makePng());
    const result = await cli.run(['chat', '-m', 'auto', '--pick', 'cheapest', '-a', png, 'What is this?']);
    expect(result.code).toBe(0);
    expect(sent()).toMatchObject({ model: 'acme/mini-3', models: ['acme/mini-3', 'acme/mini-3:nitro', 'acme/mid-2', 'acme/giant-pro'] });
    expect(result.stderr).toMatch(/^devsynth-or: auto: chose acme\/mini-3 \(cheapest of 4 fitting: .*has vision\)\n$/);
  });

  it('a long prompt forces a big context (~140k tokens: only the 200k and 1M models hold it)', async () => {
    const result = await cli.run(['chat', '-m', 'auto', '--pick', 'cheapest', 'Summarise this'], { stdin: 'lorem ipsum '.repeat(35_000) });
    expect(result.code).toBe(0);
    expect(sent()).toMatchObject({ model: 'acme/mid-2', models: ['acme/mid-2', 'acme/giant-pro'] });
  });

  it('--schema needs structured outputs: json_schema goes to a model that has them', async () => {
    fake.script({ kind: 'reply', content: ['{"name":"Ada"}'] });
    const result = await cli.run(['chat', '-m', 'auto', '--pick', 'cheapest', '--schema', 'name', 'Invent a person']);
    expect(result.code).toBe(0);
    expect(JSON.parse(result.stdout)).toEqual({ name: 'Ada' });
    expect(sent()).toMatchObject({ model: 'acme/mid-2', models: ['acme/mid-2', 'acme/giant-pro'], response_format: { type: 'json_schema' } });
  });

  it('the constraints: --max-price, --min-context, --free', async () => {
    await cli.run(['chat', '-m', 'auto', '--max-price', '1', '-q', 'Say hi']);
    expect(sent()).toMatchObject({ model: 'acme/mini-3' });
    fake.requests.length = 0;
    await cli.run(['chat', '-m', 'auto', '--pick', 'cheapest', '--min-context', '150000', '-q', 'Say hi']);
    expect(sent()).toMatchObject({ model: 'acme/mid-2', models: ['acme/mid-2', 'acme/giant-pro'] });
    fake.requests.length = 0;
    await cli.run(['chat', '-m', 'auto', '--free', '-q', 'Say hi']);
    const body = sent();
    expect(body.model).toBe('meta/llama-70b-instruct:free');
    expect(body.models).toBeUndefined();
  });

  it('--json carries the choice: policy, chosen, candidates with their reasons', async () => {
    const result = await cli.run(['chat', '-m', 'auto', '--pick', 'cheapest', '--max-price', '0.1', '--json', 'Say hi']);
    expect(result.code).toBe(0);
    const json = JSON.parse(result.stdout);
    expect(json.auto).toEqual({
      policy: 'cheapest',
      chosen: 'meta/llama-70b-instruct:free',
      candidates: [
        { id: 'meta/llama-70b-instruct:free', reasons: ['free', '131k context'] },
        { id: 'qwen/qwen3-coder-8b', reasons: ['$0.05/M in, $0.2/M out', '33k context'] },
        { id: 'acme/mini-3', reasons: ['$0.1/M in, $0.4/M out', '128k context'] },
      ],
    });
    expect(sent().models).toEqual(['meta/llama-70b-instruct:free', 'qwen/qwen3-coder-8b', 'acme/mini-3']);
    expect(result.stderr).toMatch(/^devsynth-or: auto: chose meta\/llama-70b-instruct:free /);
  });

  it('nothing fits: exit 2 naming the constraint that ruled out the most, and no request', async () => {
    const png = join(cli.home, 'shot.png');
    writeFileSync(png, makePng());
    const result = await cli.run(['chat', '-m', 'auto', '-a', png, '--free', 'What is this?']);
    expect(result.code).toBe(2);
    expect(result.stdout).toBe('');
    expect(result.stderr).toMatch(/-m auto: no model fits \(--free rules out 7 of 8\); nothing was sent/);
    expect(result.stderr).toMatch(/also: needs vision rules out 4/);
    expect(chats()).toHaveLength(0);
  });

  it('--pick, --min-context or --free without -m auto, and -m auto with another provider: exit 2', async () => {
    const stray = await cli.run(['chat', '-m', 'acme/mini-3', '--pick', 'best', 'Say hi']);
    expect(stray.code).toBe(2);
    expect(stray.stderr).toMatch(/--pick chooses the model with -m auto/);
    const free = await cli.run(['chat', '--free', '--min-context', '1000', 'Say hi']);
    expect(free.code).toBe(2);
    expect(free.stderr).toMatch(/--min-context and --free choose the model with -m auto/);
    const offline = await cli.run(['--provider', 'offline', 'chat', '-m', 'auto', 'Say hi']);
    expect(offline.code).toBe(2);
    expect(offline.stderr).toMatch(/-m auto chooses from OpenRouter's catalogue; the provider is offline/);
    const badPick = await cli.run(['chat', '-m', 'auto', '--pick', 'smartest', 'Say hi']);
    expect(badPick.code).toBe(2);
    expect(chats()).toHaveLength(0);
  });

  it('openrouter/auto stays OpenRouter\'s own router, sent as it is', async () => {
    const result = await cli.run(['chat', '-m', 'openrouter/auto', 'Say hi']);
    expect(result).toMatchObject({ code: 0, stderr: '' });
    const body = sent();
    expect(body.model).toBe('openrouter/auto');
    expect(body.models).toBeUndefined();
  });
});
