// Prompt caching through the built binary against the fake OpenRouter: --cache-prompt and the
// prompt_cache setting put cache_control breakpoints on long system prompts, -f files (with the
// turn's attachments ahead of them) and earlier turns of Claude and Gemini requests, bodies the
// spec accepts; models that cache by themselves get the body they always got; the --usage line
// and --json show what the cache read, wrote and saved.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from '@jest/globals';
import { type FakeOpenRouter, startFakeOpenRouter } from '../helpers/fake-openrouter.js';
import { makePng } from '../helpers/media-files.js';
import { type CliSandbox, cliSandbox } from '../helpers/run-cli.js';

let fake: FakeOpenRouter;
let cli: CliSandbox;

beforeEach(async () => {
  fake = await startFakeOpenRouter();
  cli = cliSandbox(fake.url);
});
afterEach(async () => {
  await fake.close();
  cli.dispose();
  // Every body sent, cache_control included, is valid against OpenRouter's OpenAPI spec.
  expect(fake.violations).toEqual([]);
});

const CLAUDE = 'anthropic/claude-haiku-4.5';
/** Well over the 1,024-token floor by any estimate. */
const LONG_RULES = 'Follow the house style. '.repeat(400).trim();
const EPHEMERAL = { type: 'ephemeral' };

type Part = { type: string; text?: string; cache_control?: unknown };
type Message = { role: string; content: string | Part[] };
const chatBodies = () => fake.requests.filter((r) => r.path === '/chat/completions').map((r) => r.body as { messages: Message[] });
const lastMessages = () => chatBodies().at(-1)!.messages;

function writeConfig(lines: string): string {
  const path = join(cli.home, 'cache.yml');
  writeFileSync(path, `llm:\n  providers:\n    openrouter:\n${lines}`);
  return path;
}

function longFile(): string {
  const path = join(cli.home, 'notes.md');
  writeFileSync(path, `# Notes\n${'A line of notes about the design of the cache.\n'.repeat(150)}`);
  return path;
}

describe('chat --cache-prompt', () => {
  it('marks a long system prompt and the -f files of a Claude request; the question stays unmarked after them', async () => {
    const file = longFile();
    const run = await cli.run(['chat', '--cache-prompt', '-m', CLAUDE, '-s', LONG_RULES, '-f', file, 'Summarise the notes']);
    expect(run.code).toBe(0);
    const [system, user] = lastMessages();
    expect(system).toEqual({ role: 'system', content: [{ type: 'text', text: LONG_RULES, cache_control: EPHEMERAL }] });
    const parts = user!.content as Part[];
    expect(parts).toHaveLength(2);
    expect(parts[0]).toMatchObject({ type: 'text', cache_control: EPHEMERAL });
    expect(parts[0]!.text).toContain('A line of notes about the design of the cache.');
    expect(parts[1]).toEqual({ type: 'text', text: 'Summarise the notes' });
  });

  it('moves an attachment ahead of the marked files, so that the cached prefix holds it', async () => {
    const image = join(cli.home, 'diagram.png');
    writeFileSync(image, makePng());
    const run = await cli.run(['chat', '--cache-prompt', '-m', CLAUDE, '-f', longFile(), '-a', image, 'Does the diagram match the notes?']);
    expect(run.code).toBe(0);
    const parts = lastMessages()[0]!.content as Part[];
    expect(parts.map((part) => [part.type, part.cache_control !== undefined])).toEqual([
      ['image_url', false],
      ['text', true],
      ['text', false],
    ]);
    expect(parts[2]!.text).toBe('Does the diagram match the notes?');
  });

  it('in a continued conversation, marks the end of the earlier turn (Gemini too)', async () => {
    expect((await cli.run(['chat', '--session', 'design', '-m', 'google/gemini-2.5-flash', LONG_RULES])).code).toBe(0);
    expect((await cli.run(['chat', '--cache-prompt', '--session', 'design', 'and the next step?'])).code).toBe(0);
    const messages = lastMessages();
    expect(messages.map((m) => m.role)).toEqual(['user', 'assistant', 'user']);
    expect(messages[0]!.content === LONG_RULES).toBe(true);
    expect(messages[1]!.content).toEqual([{ type: 'text', text: 'Hello from fake', cache_control: EPHEMERAL }]);
    expect(messages[2]!.content).toBe('and the next step?');
  });

  it('leaves the body of a model that caches by itself exactly as it is without the flag', async () => {
    const file = longFile();
    const args = ['-m', 'openai/gpt-4o-mini', '-s', LONG_RULES, '-f', file, 'Summarise the notes'];
    expect((await cli.run(['chat', ...args])).code).toBe(0);
    expect((await cli.run(['chat', '--cache-prompt', ...args])).code).toBe(0);
    const [without, withFlag] = chatBodies();
    expect(withFlag).toEqual(without);
    expect(JSON.stringify(withFlag)).not.toContain('cache_control');
  });

  it('marks nothing without the flag or the setting (the default is off)', async () => {
    expect((await cli.run(['chat', '-m', CLAUDE, '-s', LONG_RULES, 'hi'])).code).toBe(0);
    expect(lastMessages()[0]!.content).toBe(LONG_RULES);
  });
});

describe('the prompt_cache setting', () => {
  it('auto marks a long system prompt and leaves a short one; always marks the short one; off and --no-cache-prompt mark none', async () => {
    const auto = writeConfig('      prompt_cache: auto\n');
    expect((await cli.run(['chat', '--config', auto, '-m', CLAUDE, '-s', LONG_RULES, 'hi'])).code).toBe(0);
    expect(lastMessages()[0]!.content).toEqual([{ type: 'text', text: LONG_RULES, cache_control: EPHEMERAL }]);
    expect((await cli.run(['chat', '--config', auto, '-m', CLAUDE, '-s', 'Be brief.', 'hi'])).code).toBe(0);
    expect(lastMessages()[0]!.content).toBe('Be brief.');

    const always = writeConfig('      prompt_cache: always\n');
    expect((await cli.run(['chat', '--config', always, '-m', CLAUDE, '-s', 'Be brief.', 'hi'])).code).toBe(0);
    expect(lastMessages()[0]!.content).toEqual([{ type: 'text', text: 'Be brief.', cache_control: EPHEMERAL }]);
    expect((await cli.run(['chat', '--config', always, '--no-cache-prompt', '-m', CLAUDE, '-s', LONG_RULES, 'hi'])).code).toBe(0);
    expect(lastMessages()[0]!.content).toBe(LONG_RULES);

    const off = writeConfig('      prompt_cache: off\n');
    expect((await cli.run(['chat', '--config', off, '-m', CLAUDE, '-s', LONG_RULES, 'hi'])).code).toBe(0);
    expect(lastMessages()[0]!.content).toBe(LONG_RULES);
  });

  it('refuses an unknown value, naming the key (a configuration error, exit 3, before any request)', async () => {
    const bad = writeConfig('      prompt_cache: sometimes\n');
    const run = await cli.run(['chat', '--config', bad, '-m', CLAUDE, 'hi']);
    expect(run.code).toBe(3);
    expect(run.stderr).toContain('prompt_cache');
    expect(chatBodies()).toEqual([]);
  });
});

describe('what the cache did, in the usage', () => {
  it('--usage says the cached and written tokens and the saving; --json keeps the usage as the server sent it', async () => {
    fake.script({ kind: 'reply', content: ['Done.'], cache: { read: 12_400, written: 96, discount: 0.0031 } });
    const plain = await cli.run(['chat', '--usage', '--cache-prompt', '-m', CLAUDE, '-s', LONG_RULES, 'hi']);
    expect(plain.code).toBe(0);
    expect(plain.stdout).toBe('Done.\n');
    expect(plain.stderr).toMatch(/usage: \d+ prompt \+ 1 completion = \d+ tokens, 12400 cached, 96 written to the cache \(\u2212\$0\.0031\), \$/);

    fake.script({ kind: 'reply', content: ['Done.'], cache: { read: 12_400, written: 96, discount: 0.0031 } });
    const json = await cli.run(['chat', '--json', '-m', CLAUDE, 'hi']);
    expect(json.code).toBe(0);
    const usage = JSON.parse(json.stdout).usage;
    expect(usage.prompt_tokens_details).toEqual({ cached_tokens: 12_400, cache_write_tokens: 96, audio_tokens: 0 });
    expect(usage.cache_discount).toBe(0.0031);
  });

  it('says nothing of the cache when it did nothing', async () => {
    const plain = await cli.run(['chat', '--usage', '-m', CLAUDE, 'hi']);
    expect(plain.code).toBe(0);
    expect(plain.stderr).toMatch(/usage: \d+ prompt \+ \d+ completion = \d+ tokens, \$/);
    expect(plain.stderr).not.toContain('cache');
  });
});
