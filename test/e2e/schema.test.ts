// --schema and --schema-multi from the built binary against the fake OpenRouter: the schema in
// its three forms reaches the request as response_format (json_schema, strict), or as
// json_object plus the schema in a system message for a model the catalogue lists without
// structured_outputs; the answer is checked, printed alone, or refused with exit 10.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from '@jest/globals';
import { defaultModels, structuredOutputModels } from '../helpers/fake-catalogue.js';
import { type FakeOpenRouter, startFakeOpenRouter } from '../helpers/fake-openrouter.js';
import { validateChatRequest } from '../helpers/openapi.js';
import { type CliSandbox, cliSandbox } from '../helpers/run-cli.js';

let fake: FakeOpenRouter;
let cli: CliSandbox;

beforeEach(async () => {
  fake = await startFakeOpenRouter({ models: [...defaultModels(), ...structuredOutputModels()] });
  cli = cliSandbox(fake.url);
});
afterEach(async () => {
  await fake.close();
  cli.dispose();
  expect(fake.violations).toEqual([]);
});

const PERSON = {
  type: 'object',
  properties: { name: { type: 'string' }, age: { type: 'integer' } },
  required: ['name', 'age'],
  additionalProperties: false,
};
const STRUCTURED = 'openai/gpt-4.1-nano';
const JSON_MODE_ONLY = 'mistralai/json-mode-only';
const chatBodies = () => fake.requests.filter((r) => r.path.endsWith('/chat/completions')).map((r) => r.body as Record<string, unknown>);
const reply = (...content: string[]) => fake.script({ kind: 'reply', content });

describe('--schema: the answer must match', () => {
  it('a schema file: json_schema, strict, in the request; stdout is the JSON alone, indented', async () => {
    const file = join(cli.home, 'person.json');
    writeFileSync(file, JSON.stringify({ title: 'person', ...PERSON }));
    reply('{"name": "Ada",', ' "age": 36}');
    const result = await cli.run(['chat', '-m', STRUCTURED, '--schema', file, 'invent a person']);
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    expect(result.stdout).toBe('{\n  "name": "Ada",\n  "age": 36\n}\n');
    const [body] = chatBodies();
    expect(body?.response_format).toEqual({ type: 'json_schema', json_schema: { name: 'person', strict: true, schema: { title: 'person', ...PERSON } } });
    expect(validateChatRequest(body)).toEqual([]);
  });

  it('inline JSON, and --json wraps the value as "data" beside the usual fields', async () => {
    reply('{"name":"Ada","age":36}');
    const result = await cli.run(['chat', '-m', STRUCTURED, '--schema', JSON.stringify(PERSON), '--json', 'invent a person']);
    expect(result.code).toBe(0);
    const lines = result.stdout.trim().split('\n');
    expect(lines).toHaveLength(1);
    const json = JSON.parse(lines[0]!) as Record<string, unknown>;
    expect(json).toMatchObject({ data: { name: 'Ada', age: 36 }, content: '{"name":"Ada","age":36}', finish_reason: 'stop' });
    expect(chatBodies()[0]?.response_format).toMatchObject({ type: 'json_schema', json_schema: { name: 'answer', strict: true, schema: PERSON } });
  });

  it('the concise form becomes a strict object schema (types, arrays, descriptions)', async () => {
    reply('{"name":"Ada","age":36,"tags":["math"],"summary":"Wrote the first program."}');
    const result = await cli.run(['chat', '-m', STRUCTURED, '--schema', 'name, age int, tags [str], summary: one sentence', 'invent a person']);
    expect(result.code).toBe(0);
    expect(JSON.parse(result.stdout)).toEqual({ name: 'Ada', age: 36, tags: ['math'], summary: 'Wrote the first program.' });
    expect((chatBodies()[0]?.response_format as { json_schema: { schema: unknown } }).json_schema.schema).toEqual({
      type: 'object',
      properties: {
        name: { type: 'string' },
        age: { type: 'integer' },
        tags: { type: 'array', items: { type: 'string' } },
        summary: { type: 'string', description: 'one sentence' },
      },
      required: ['name', 'age', 'tags', 'summary'],
      additionalProperties: false,
    });
  });

  it('a model the catalogue lists without structured_outputs: json_object, the schema in a system message', async () => {
    reply('{"name":"Ada","age":36}');
    const result = await cli.run(['chat', '-m', JSON_MODE_ONLY, '-s', 'be brief', '--schema', JSON.stringify(PERSON), 'invent a person']);
    expect(result.code).toBe(0);
    expect(JSON.parse(result.stdout)).toEqual({ name: 'Ada', age: 36 });
    const body = chatBodies()[0]!;
    expect(body.response_format).toEqual({ type: 'json_object' });
    const messages = body.messages as Array<{ role: string; content: string }>;
    expect(messages[0]?.role).toBe('system');
    expect(messages[0]?.content).toContain(JSON.stringify(PERSON));
    expect(messages.slice(1).map((m) => m.role)).toEqual(['system', 'user']);
    expect(validateChatRequest(body)).toEqual([]);
  });

  it('a model the catalogue does not list: json_schema', async () => {
    reply('{"name":"Ada","age":36}');
    const result = await cli.run(['chat', '-m', 'acme/unlisted', '--schema', JSON.stringify(PERSON), 'invent a person']);
    expect(result.code).toBe(0);
    expect(chatBodies()[0]?.response_format).toMatchObject({ type: 'json_schema' });
  });

  it('a mismatch: exit 10, the errors (path and message) on stderr, the raw answer in --json partial_content', async () => {
    reply('{"name":"Ada","age":"thirty","extra":1}');
    const result = await cli.run(['chat', '-m', STRUCTURED, '--schema', JSON.stringify(PERSON), '--json', 'invent a person']);
    expect(result.code).toBe(10);
    expect(result.stderr).toContain('does not match --schema');
    expect(result.stderr).toContain('/age: must be integer');
    expect(result.stderr).toContain('/: must NOT have additional properties (extra)');
    const json = JSON.parse(result.stdout) as { error: { kind: string; exit_code: number }; partial_content: string };
    expect(json.error).toMatchObject({ kind: 'contract', exit_code: 10 });
    expect(json.partial_content).toBe('{"name":"Ada","age":"thirty","extra":1}');
  });

  it('an answer that is not JSON: exit 10, nothing on stdout without --json', async () => {
    reply('Sure! Here is a person: Ada, 36.');
    const result = await cli.run(['chat', '-m', STRUCTURED, '--schema', 'name, age int', 'invent a person']);
    expect(result.code).toBe(10);
    expect(result.stdout).toBe('');
    expect(result.stderr).toMatch(/^devsynth-or: the answer is not valid JSON/);
  });

  it('the validation errors on stderr are terminal-safe', async () => {
    // The key, once parsed, holds ESC and BEL: the additional property is named on stderr.
    reply('{"name":"Ada","age":36,"\\u001b]52;c;aGk=\\u0007":1}');
    const result = await cli.run(['chat', '-m', STRUCTURED, '--schema', JSON.stringify(PERSON), 'invent a person']);
    expect(result.code).toBe(10);
    expect(result.stderr).not.toMatch(/[\u001b\u0007]/);
    expect(result.stderr).toContain('^[]52;c;aGk=^G');
  });

  it('--schema-multi: the request asks for {items: [...]}; each item is one NDJSON line; --json data is the array', async () => {
    reply('{"items":[{"name":"Ada","age":36},', '{"name":"Alan","age":41}]}');
    const result = await cli.run(['chat', '-m', STRUCTURED, '--schema-multi', 'name, age int', 'invent two people']);
    expect(result.code).toBe(0);
    expect(result.stdout).toBe('{"name":"Ada","age":36}\n{"name":"Alan","age":41}\n');
    const schema = (chatBodies()[0]?.response_format as { json_schema: { schema: Record<string, unknown> } }).json_schema.schema;
    expect(schema).toMatchObject({ type: 'object', required: ['items'], properties: { items: { type: 'array', items: { type: 'object', required: ['name', 'age'] } } } });

    reply('{"items":[{"name":"Ada","age":36}]}');
    const json = await cli.run(['chat', '-m', STRUCTURED, '--schema-multi', 'name, age int', '--json', 'invent one']);
    expect(json.code).toBe(0);
    expect((JSON.parse(json.stdout) as { data: unknown }).data).toEqual([{ name: 'Ada', age: 36 }]);
  });
});

describe('--schema that is itself wrong: exit 2 before any request', () => {
  it.each([
    ['bad inline JSON', '{"type": "object",'],
    ['JSON that is not a schema object', '[1, 2]'],
    ['an invalid schema', '{"type": 12}'],
    ['a file that is not there', 'missing/schema.json'],
    ['an unknown concise type', 'name, age integr'],
  ])('%s', async (_what, schema) => {
    const result = await cli.run(['chat', '-m', STRUCTURED, '--schema', schema, 'hello']);
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/^devsynth-or: --schema/);
    expect(chatBodies()).toHaveLength(0);
  });

  it('a schema file that is not JSON', async () => {
    const file = join(cli.home, 'bad.json');
    writeFileSync(file, 'name: string');
    const result = await cli.run(['chat', '--schema', file, 'hello']);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('not valid JSON');
    expect(chatBodies()).toHaveLength(0);
  });
});
