// Model aliases from the built binary: `aliases:` in the config, resolved wherever a model id
// goes (chat -m, --fallback-model, OPENROUTER_MODEL, a template, embed -m, models show), marked
// in `models`, shown by `config`, offered to completion; a circle of aliases refused.
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from '@jest/globals';
import { type FakeOpenRouter, startFakeOpenRouter } from '../helpers/fake-openrouter.js';
import { type CliSandbox, cliSandbox } from '../helpers/run-cli.js';

let fake: FakeOpenRouter;
let cli: CliSandbox;
let project: string;
let userFile: string;

const ALIASES = `aliases:
  fast: openai/gpt-4o-mini
  big: openai/gpt-4
  quick: fast          # an alias of an alias: followed to its model
  vectors: openai/text-embedding-3-large
`;

beforeEach(async () => {
  fake = await startFakeOpenRouter();
  cli = cliSandbox(fake.url);
  project = join(cli.home, 'project');
  mkdirSync(project);
  userFile = join(cli.env.XDG_CONFIG_HOME as string, 'devsynth', 'config.yml');
  mkdirSync(join(cli.env.XDG_CONFIG_HOME as string, 'devsynth'), { recursive: true });
  writeFileSync(userFile, ALIASES);
});
afterEach(async () => {
  await fake.close();
  cli.dispose();
});

const run = (args: string[], env: Record<string, string | undefined> = {}) => cli.run(args, { cwd: project, env });
const bodies = (path: string) => fake.requests.filter((r) => r.path === path).map((r) => r.body as Record<string, unknown>);

describe('aliases where a model id goes', () => {
  it('chat -m and --fallback-model send the model ids the aliases stand for', async () => {
    const result = await run(['chat', '-m', 'quick', '--fallback-model', 'big', '--fallback-model', 'anthropic/claude-haiku-4.5', 'hi']);
    expect(result.code).toBe(0);
    expect(bodies('/chat/completions')[0]).toMatchObject({
      model: 'openai/gpt-4o-mini',
      // The provider puts the model first in the list, as OpenRouter's fallback routing wants.
      models: ['openai/gpt-4o-mini', 'openai/gpt-4', 'anthropic/claude-haiku-4.5'],
    });
  });

  it("OPENROUTER_MODEL and a template's model may be aliases", async () => {
    expect((await run(['chat', 'hi'], { OPENROUTER_MODEL: 'big' })).code).toBe(0);
    const templates = join(project, '.devsynth', 'templates');
    mkdirSync(templates, { recursive: true });
    writeFileSync(join(templates, 't.yml'), 'model: fast\n');
    expect((await run(['chat', '--template', 't', 'hi'])).code).toBe(0);
    expect(bodies('/chat/completions').map((body) => body.model)).toEqual(['openai/gpt-4', 'openai/gpt-4o-mini']);
  });

  it('embed -m takes an alias', async () => {
    const result = await run(['embed', '-m', 'vectors', 'alpha']);
    expect(result.code).toBe(0);
    expect(bodies('/embeddings')[0]).toMatchObject({ model: 'openai/text-embedding-3-large' });
  });

  it('models show <alias> shows the model, with its aliases', async () => {
    const result = await run(['models', 'show', 'quick']);
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/^id\s+openai\/gpt-4o-mini\naliases\s+fast, quick\n/);
    const json = await run(['models', 'show', 'big', '--json']);
    expect(JSON.parse(json.stdout)).toMatchObject({ id: 'openai/gpt-4', aliases: ['big'] });
  });
});

describe('models and config say what the aliases are', () => {
  it('models adds an aliases column (in a pipe too) and --json an aliases array to the aliased ids', async () => {
    const result = await run(['models', 'gpt-4']);
    expect(result.code).toBe(0);
    const rows = result.stdout.trimEnd().split('\n').map((line) => line.split('\t'));
    expect(rows.map((row) => [row[0], row[5]])).toEqual([
      ['openai/gpt-4', 'big'],
      ['openai/gpt-4o-mini', 'fast,quick'],
    ]);
    const json = JSON.parse((await run(['models', '--json'])).stdout) as Array<{ id: string; aliases?: string[] }>;
    expect(json.find((model) => model.id === 'openai/gpt-4o-mini')?.aliases).toEqual(['fast', 'quick']);
    expect(json.find((model) => model.id === 'openrouter/free')).not.toHaveProperty('aliases');
  });

  it('config lists each alias with the file it comes from; a project file adds to the user file', async () => {
    writeFileSync(join(project, '.devsynthrc.yml'), 'aliases:\n  fast: anthropic/claude-haiku-4.5\n');
    const result = await run(['config']);
    expect(result.code).toBe(0);
    expect(result.stdout).toContain(`aliases.fast\tanthropic/claude-haiku-4.5\t${join(project, '.devsynthrc.yml')}\n`);
    expect(result.stdout).toContain(`aliases.big\topenai/gpt-4\t${userFile}\n`);
    // The project's fast is the one -m fast means.
    expect((await run(['chat', '-m', 'quick', 'hi'])).code).toBe(0);
    expect(bodies('/chat/completions')[0]?.model).toBe('anthropic/claude-haiku-4.5');
  });

  it('completion is offered the alias names with the model ids', async () => {
    await run(['models']);
    const result = await run(['__models']);
    expect(result.stdout.split('\n')).toEqual(expect.arrayContaining(['fast', 'quick', 'openai/gpt-4o-mini']));
  });
});

describe('aliases that cannot be', () => {
  it('a circle of aliases is refused (exit 3) at its file:line, before anything is sent', async () => {
    writeFileSync(userFile, 'aliases:\n  a: b\n  b: c\n  c: a\n');
    const result = await run(['chat', '-m', 'a', 'hi']);
    expect(result.code).toBe(3);
    expect(result.stderr).toContain(`${userFile}:2: aliases.a: the aliases a → b → c → a go round in a circle`);
    expect(fake.requests).toHaveLength(0);
  });

  it('an alias name with a "/" or a value that is no model id is a schema error at file:line', async () => {
    writeFileSync(userFile, 'aliases:\n  my/fast: openai/gpt-4o-mini\n  ok: "not an id"\n');
    const result = await run(['config']);
    expect(result.code).toBe(3);
    expect(result.stderr).toContain(`${userFile}:2: aliases.my/fast: an alias name uses letters, digits`);
    expect(result.stderr).toContain(`${userFile}:3: aliases.ok: expected a model id`);
  });
});
