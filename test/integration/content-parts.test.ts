// Messages with content parts, end to end through the library: OpenRouter and the
// OpenAI-compatible presets send the parts unchanged, the fake checks them against
// OpenRouter's OpenAPI spec, a body the spec refuses gets OpenRouter's 400 and is recorded,
// and the --debug log shows the request without its megabytes of base64.
import { afterEach, describe, expect, it } from '@jest/globals';
import {
  type ChatMessage,
  type ContentPart,
  createMemoryBreakerStore,
  type MessageContent,
  OpenAICompatibleProvider,
  OpenRouterProvider,
  OpenRouterValidationError,
} from '../../src/index.js';
import { type FakeOpenRouter, startFakeOpenRouter, TEST_API_KEY } from '../helpers/fake-openrouter.js';

let fake: FakeOpenRouter | undefined;
afterEach(async () => {
  await fake?.close();
  fake = undefined;
});

const PNG = Buffer.concat([Buffer.from('89504e470d0a1a0a', 'hex'), Buffer.alloc(412 * 1024, 1)]);
const PDF = Buffer.concat([Buffer.from('%PDF-1.7\n'), Buffer.alloc(20_000, 32)]);
const WAV = Buffer.concat([Buffer.from('RIFF'), Buffer.alloc(8_000, 0)]);

/** Built as a library user would, with the exported types. */
const parts: ContentPart[] = [
  { type: 'text', text: 'What do these show?' },
  { type: 'image_url', image_url: { url: `data:image/png;base64,${PNG.toString('base64')}`, detail: 'high' } },
  { type: 'image_url', image_url: { url: 'https://pics.example.invalid/cat.jpg' } },
  { type: 'file', file: { filename: 'report.pdf', file_data: `data:application/pdf;base64,${PDF.toString('base64')}` } },
  { type: 'input_audio', input_audio: { data: WAV.toString('base64'), format: 'wav' } },
];
const content: MessageContent = parts;
const messages: ChatMessage[] = [
  { role: 'system', content: 'Describe briefly.' },
  { role: 'user', content },
];

function openRouter(debug?: (line: string) => void): OpenRouterProvider {
  return new OpenRouterProvider({
    apiKey: TEST_API_KEY,
    baseUrl: fake!.url,
    env: {},
    breakerStore: createMemoryBreakerStore(),
    sleep: async () => {},
    ...(debug ? { debug } : {}),
  });
}

describe('OpenRouter', () => {
  it('sends the parts unchanged, and the fake finds them valid against the spec', async () => {
    fake = await startFakeOpenRouter();
    fake.script({ kind: 'reply', content: ['A cat', ' and a report.'] });
    const result = await openRouter().chat({ model: 'openai/gpt-4o', messages }).collect();
    expect(result.content).toBe('A cat and a report.');
    expect(fake.violations).toEqual([]);
    const sent = fake.requests.find((r) => r.path === '/chat/completions')!;
    expect(sent.invalid).toBeUndefined();
    expect(sent.body?.messages).toEqual(messages);
  });

  it('refuses a malformed part before anything is sent (exit 2), naming the message and part', async () => {
    fake = await startFakeOpenRouter();
    const bad: ChatMessage[] = [{ role: 'user', content: [{ type: 'text', text: 'hi' }, { type: 'input_audio', input_audio: { data: 'AAAA', format: 'midi' } }] }];
    const error = await openRouter().chat({ messages: bad }).collect().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(OpenRouterValidationError);
    expect((error as OpenRouterValidationError).message).toBe('message 1, part 2 (input_audio): unknown audio format "midi"');
    expect(fake.requests).toEqual([]);
  });

  it('logs the request body in --debug with data URLs and audio abbreviated, and the key redacted', async () => {
    fake = await startFakeOpenRouter();
    const lines: string[] = [];
    await openRouter((line) => lines.push(line)).chat({ model: 'openai/gpt-4o', messages }).collect();
    const request = lines.find((line) => line.startsWith('→ POST'))!;
    expect(request).toContain('"url":"data:image/png;base64,…(412 KB)"');
    expect(request).toContain('"file_data":"data:application/pdf;base64,…(20 KB)"');
    expect(request).toContain('"data":"…(8 KB base64)"');
    expect(request).toContain('https://pics.example.invalid/cat.jpg');
    expect(request.length).toBeLessThan(3_000);
    expect(lines.join('\n')).not.toContain(TEST_API_KEY);
    expect(lines.join('\n')).not.toContain(PNG.toString('base64').slice(0, 200));
  });
});

describe('the OpenAI-compatible presets', () => {
  it.each(['lmstudio', 'local', 'openai'] as const)('%s sends the parts unchanged, valid against the spec', async (preset) => {
    fake = await startFakeOpenRouter({ flavour: 'openai', apiKey: null });
    const provider = new OpenAICompatibleProvider({ preset, apiKey: 'sk-test-compatible-0000', baseUrl: fake.url, env: {}, breakerStore: createMemoryBreakerStore(), sleep: async () => {} });
    const result = await provider.chat({ model: 'qwen2.5-vl-7b', messages }).collect();
    expect(result.content).toBe('Hello from fake');
    expect(fake.violations).toEqual([]);
    expect(fake.requests.find((r) => r.path === '/chat/completions')?.body?.messages).toEqual(messages);
  });
});

describe("the fake's spec check", () => {
  it.each(['openrouter', 'openai'] as const)('answers a body the spec refuses with a 400 in OpenRouter\'s error shape, and records it (%s)', async (flavour) => {
    fake = await startFakeOpenRouter({ flavour, apiKey: null });
    // Past the client's own checks: what a drifting client would send.
    const body = { model: 'm', messages: [{ role: 'user', content: [{ type: 'image_url', image_url: { detail: 'high' } }] }] };
    const response = await fetch(`${fake.url}/chat/completions`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
    expect(response.status).toBe(400);
    const json = (await response.json()) as { error: { code: number; message: string } };
    expect(json.error.code).toBe(400);
    expect(json.error.message).toMatch(/^Invalid request: /);
    expect(fake.violations.length).toBeGreaterThan(0);
    expect(fake.violations[0]).toMatch(/^\/chat\/completions: \/messages\/0/);
    expect(fake.requests[0]?.invalid?.length).toBeGreaterThan(0);
  });
});
