// The fake itself: its wire bytes, its faithfulness to the official spec, and its hygiene.
import { afterEach, describe, expect, it } from '@jest/globals';
import { errorBodies, type FakeOpenRouter, startFakeOpenRouter, type Step, TEST_API_KEY } from '../helpers/fake-openrouter.js';
import {
  validateChatChunk,
  validateChatResponse,
  validateEmbeddingsResponse,
  validateErrorResponse,
  validateKeyResponse,
  validateModelsResponse,
} from '../helpers/openapi.js';

let fake: FakeOpenRouter;
afterEach(async () => fake?.close());

const auth = { authorization: `Bearer ${TEST_API_KEY}`, 'content-type': 'application/json' };
const chatBody = (stream: boolean) => JSON.stringify({ model: 'openai/gpt-4o-mini', messages: [{ role: 'user', content: 'hi' }], stream });

// Wire JSON under test: its shape is what the assertions check, so it is read untyped.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
const json = async (response: Response): Promise<any> => response.json();

async function post(path: string, body: string, headers: Record<string, string> = auth) {
  return fetch(`${fake.url}${path}`, { method: 'POST', headers, body });
}

describe('fake OpenRouter', () => {
  it('streams a reply as real SSE: keep-alive comments, chunks, usage, [DONE]', async () => {
    fake = await startFakeOpenRouter();
    fake.script({ kind: 'reply', content: ['Hi', '!'], keepAlives: 2 });
    const response = await post('/chat/completions', chatBody(true));
    expect(response.headers.get('content-type')).toBe('text/event-stream');
    expect(response.headers.get('x-generation-id')).toMatch(/^gen-/);
    const text = await response.text();
    expect(text.startsWith(': OPENROUTER PROCESSING\n\n: OPENROUTER PROCESSING\n\ndata: {')).toBe(true);
    expect(text.endsWith('data: [DONE]\n\n')).toBe(true);
    const chunks = text.split('\n\n').filter((line) => line.startsWith('data: {')).map((line) => JSON.parse(line.slice(6)));
    expect(chunks.map((c) => c.choices[0]?.delta?.content ?? null)).toEqual(['', 'Hi', '!', '', null]);
    expect(chunks.at(-1).choices).toEqual([]);
    expect(chunks.at(-1).usage.total_tokens).toBeGreaterThan(0);
    expect(new Set(chunks.map((c) => c.id)).size).toBe(1);
  });

  it('uses CRLF when asked', async () => {
    fake = await startFakeOpenRouter();
    fake.script({ kind: 'reply', crlf: true });
    const text = await (await post('/chat/completions', chatBody(true))).text();
    expect(text).toContain('\r\n\r\ndata: [DONE]\r\n\r\n');
  });

  it('answers a non-streaming request with one JSON body', async () => {
    fake = await startFakeOpenRouter();
    const body = await json(await post('/chat/completions', chatBody(false)));
    expect(body.choices[0].message.content).toBe('Hello from fake');
    expect(validateChatResponse(body)).toEqual([]);
  });

  it('sends only spec-valid JSON for every step kind that claims to follow the spec', async () => {
    fake = await startFakeOpenRouter();
    const steps: Array<[Step, boolean]> = [
      [{ kind: 'reply', usagePlacement: 'separate-empty-choices', reasoning: ['think'] }, true],
      [{ kind: 'reply', usagePlacement: 'separate-with-role-choice' }, true],
      [{ kind: 'reply', usagePlacement: 'on-finish-chunk' }, true],
      [{ kind: 'reply' }, false],
      [{ kind: 'finish-error', content: ['a'] }, true],
      [{ kind: 'truncate', content: ['a'] }, true],
      [{ kind: 'midstream-error', content: ['a'], error: { code: 502, message: 'Provider down', metadata: { error_type: 'provider_unavailable' } } }, true],
      [{ kind: 'error-in-200', shape: 'choice-error', error: { code: 502, message: 'upstream failed' } }, false],
    ];
    for (const [step, stream] of steps) {
      fake.script(step);
      await (await post('/chat/completions', chatBody(stream))).text();
    }
    for (const status of [400, 401, 402, 403, 404, 408, 413, 422, 429, 500, 502, 503] as const) {
      const step = status === 429 ? errorBodies.rateLimited(1) : status >= 500 ? errorBodies.server(status as 500) : { kind: 'http-error' as const, status, body: { error: { code: status, message: `status ${status}` } } };
      fake.script(step);
      await (await post('/chat/completions', chatBody(true))).text();
    }
    await (await post('/embeddings', JSON.stringify({ model: 'openai/text-embedding-3-small', input: ['a', 'b'] }))).text();
    await (await fetch(`${fake.url}/models`)).text();
    await (await fetch(`${fake.url}/key`, { headers: auth })).text();

    const problems = fake.sent.flatMap(({ path, status, stream, json }) => {
      const found =
        path === '/chat/completions'
          ? status >= 400
            ? validateErrorResponse(status, json)
            : stream
              ? validateChatChunk(json)
              : validateChatResponse(json)
          : path === '/embeddings'
            ? validateEmbeddingsResponse(json)
            : path === '/models'
              ? validateModelsResponse({ ...(json as object), total_count: 1, links: { next: null } })
              : validateKeyResponse(json);
      return found.map((problem) => `${path} ${status}: ${problem}`);
    });
    expect(problems).toEqual([]);
    expect(fake.sent.length).toBeGreaterThan(30);
  });

  it('serves the documented error bodies with their headers', async () => {
    fake = await startFakeOpenRouter();
    fake.script(errorBodies.rateLimited(7), errorBodies.dailyCap(1779321600000));
    const first = await post('/chat/completions', chatBody(true));
    expect(first.status).toBe(429);
    expect(first.headers.get('retry-after')).toBe('7');
    const second = await json(await post('/chat/completions', chatBody(true)));
    expect(second.error.metadata.limit_source).toBe('openrouter_free_tier_daily');
  });

  it('validates request bodies against the spec and answers 400 like OpenRouter', async () => {
    fake = await startFakeOpenRouter();
    const response = await post('/chat/completions', JSON.stringify({ model: 'openai/gpt-4o', temperature: 'hot' }));
    expect(response.status).toBe(400);
    expect(fake.violations.join('\n')).toMatch(/messages|temperature/);
  });

  it('enforces auth like OpenRouter, but serves /models without a key', async () => {
    fake = await startFakeOpenRouter();
    const missing = await post('/chat/completions', chatBody(true), { 'content-type': 'application/json' });
    expect(missing.status).toBe(401);
    expect((await json(missing)).error.message).toBe('No cookie auth credentials found');
    const wrong = await post('/chat/completions', chatBody(true), { authorization: 'Bearer sk-or-v1-wrong', 'content-type': 'application/json' });
    expect((await json(wrong)).error.message).toBe('User not found.');
    expect((await fetch(`${fake.url}/models`)).status).toBe(200);
    const embeddings = await json(await fetch(`${fake.url}/models?output_modalities=embeddings`));
    expect(embeddings.data.every((m: { architecture: { output_modalities: string[] } }) => m.architecture.output_modalities.includes('embeddings'))).toBe(true);
  });

  it('close() ends stalled responses and frees the port', async () => {
    fake = await startFakeOpenRouter();
    fake.script({ kind: 'stall', afterChunks: 1, keepAliveEveryMs: 10 });
    const response = await post('/chat/completions', chatBody(true));
    const reading = response.text().then(
      () => 'ended',
      () => 'broken',
    );
    await fake.close();
    expect(['ended', 'broken']).toContain(await reading);
    await expect(fetch(`${fake.url}/models`)).rejects.toThrow();
  });
});
