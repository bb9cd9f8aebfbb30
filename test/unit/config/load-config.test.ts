// Each fixture directory under test/fixtures/config runs through the real pipeline, copied
// into a temporary HOME so that the search cannot wander into the developer's own files.
import { cpSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from '@jest/globals';
import { ConfigError, DevsynthError } from '../../../src/core/index.js';
import { configPaths, describeConfig } from '../../../src/config/describe-config.js';
import { type LoadConfigOptions, loadConfig } from '../../../src/config/load-config.js';
import { resolveApiKey } from '../../../src/config/resolve-api-key.js';
import { toProviderOptions } from '../../../src/config/to-provider-options.js';

const FIXTURES = new URL('../../fixtures/config/', import.meta.url).pathname;
const homes: string[] = [];
afterEach(() => {
  for (const home of homes.splice(0)) rmSync(home, { recursive: true, force: true });
});

/** A temp HOME holding a copy of the fixture as its project directory. */
function fixture(name: string): { home: string; cwd: string } {
  const home = mkdtempSync(join(tmpdir(), 'devsynth-config-'));
  homes.push(home);
  const cwd = join(home, 'project');
  cpSync(join(FIXTURES, name), cwd, { recursive: true });
  return { home, cwd };
}

async function load(name: string, extra: Partial<LoadConfigOptions> & { env?: Record<string, string> } = {}) {
  const { home, cwd } = fixture(name);
  const env = { HOME: home, ...extra.env };
  return { loaded: await loadConfig({ ...extra, cwd, env }), home, cwd, env };
}

async function failure(name: string, extra: Partial<LoadConfigOptions> & { env?: Record<string, string> } = {}): Promise<DevsynthError> {
  try {
    await load(name, extra);
  } catch (error) {
    if (error instanceof DevsynthError) return error;
    throw error;
  }
  throw new Error('expected the configuration to be refused');
}

describe('loadConfig', () => {
  it('loads the shipped defaults when there is no file at all', async () => {
    const home = mkdtempSync(join(tmpdir(), 'devsynth-config-'));
    homes.push(home);
    const loaded = await loadConfig({ cwd: home, env: { HOME: home } });
    expect(loaded.config.llm.providers.openrouter).toMatchObject({
      model: null,
      temperature: 0.7,
      max_tokens: 4096,
      call_timeout: 10,
      base_url: 'https://openrouter.ai/api/v1',
      failure_threshold: 3,
    });
    expect(loaded.sourceOf('llm.providers.openrouter.temperature')).toBe('default');
  });

  it('reads a project file found from a subdirectory upward', async () => {
    const { home, cwd } = fixture('valid');
    const sub = join(cwd, 'src', 'deep');
    cpSync(join(FIXTURES, 'valid'), sub, { recursive: true, filter: () => false });
    const loaded = await loadConfig({ cwd: sub, env: { HOME: home } });
    expect(loaded.config.llm.providers.openrouter).toMatchObject({ model: 'openai/gpt-4o-mini', temperature: 0.2, max_tokens: 1024 });
    expect(loaded.files.project).toBe(join(cwd, '.devsynthrc.yml'));
    expect(loaded.sourceOf('llm.providers.openrouter.model')).toBe(join(cwd, '.devsynthrc.yml'));
  });

  it('applies defaults < user < project < --config < env < flags, and says where each value came from', async () => {
    const { home, cwd } = fixture('precedence');
    cpSync(join(FIXTURES, 'precedence', 'home'), home, { recursive: true });
    const env = { HOME: home, OPENROUTER_MODEL: 'env/model' };
    const project = join(cwd, 'project');
    const loaded = await loadConfig({ cwd: project, env, configFile: join(cwd, 'explicit.yml'), flags: { temperature: 0.9 } });
    expect(loaded.config.llm.providers.openrouter).toMatchObject({
      model: 'env/model',
      temperature: 0.9,
      max_tokens: 200,
      x_title: 'Project Title',
      http_referer: 'https://user.example',
      embedding_model: 'openai/text-embedding-3-small',
    });
    const rows = Object.fromEntries(describeConfig(loaded, env).map((row) => [row.path.replace('llm.providers.openrouter.', ''), row.source]));
    expect(rows).toMatchObject({
      model: 'env OPENROUTER_MODEL',
      temperature: 'flag --temperature',
      max_tokens: join(project, 'devsynth.config.yaml'),
      http_referer: join(home, '.config', 'devsynth', 'config.yml'),
      embedding_model: 'default',
    });
    const withFlag = await loadConfig({ cwd: project, env, flags: { model: 'flag/model' } });
    expect(withFlag.config.llm.providers.openrouter.model).toBe('flag/model');
    expect(configPaths(loaded).filter((p) => p.used).map((p) => p.role)).toEqual(['defaults', 'user', 'project', '--config']);
  });

  it('maps the validated settings to the library options', async () => {
    const { loaded } = await load('valid');
    const options = toProviderOptions(loaded.config.llm.providers.openrouter, 'k');
    expect(options).toMatchObject({
      apiKey: 'k',
      model: 'openai/gpt-4o-mini',
      maxTokens: 1024,
      callTimeout: 10,
      httpReferer: 'https://example.org',
    });
    // x_title: null means "the default", so no option is passed at all.
    expect(options).not.toHaveProperty('xTitle');
  });
});

describe('refused configurations (exit 3, file and line named)', () => {
  it('invalid YAML: file:line:column', async () => {
    const error = await failure('bad-yaml');
    expect(error).toBeInstanceOf(ConfigError);
    expect(error.exitCode).toBe(3);
    expect(error.message).toMatch(/\.devsynthrc\.yml:\d+:\d+: invalid YAML/);
  });

  it('a wrong type: file:line, key path, expected and found', async () => {
    const error = await failure('bad-type');
    expect(error.message).toMatch(/\.devsynthrc\.yml:4: llm\.providers\.openrouter\.temperature: expected number, received string; found "warm"/);
    expect(error.hint).toContain('README.md#configuration');
  });

  it('an unknown key is reported, not ignored', async () => {
    const error = await failure('unknown-key');
    expect(error.message).toMatch(/\.devsynthrc\.yml:4: llm\.providers\.openrouter\.temprature: unknown key/);
  });

  it('several problems are reported together, at most five', async () => {
    const error = await failure('many-problems');
    const lines = error.message.split('\n').filter((line) => line.includes('.devsynthrc.yml:'));
    expect(lines).toHaveLength(5);
    expect(error.message).toMatch(/invalid configuration \(7 problems\)/);
    expect(error.message).toMatch(/… and 2 more/);
  });

  it('${VAR:?message} unset fails at load with the message, file and line', async () => {
    const error = await failure('required-env');
    expect(error.message).toMatch(/\.devsynthrc\.yml:4: TEAM_MODEL is not set: set TEAM_MODEL to the team model/);
    const { loaded } = await load('required-env', { env: { TEAM_MODEL: 'team/model' } });
    expect(loaded.config.llm.providers.openrouter.model).toBe('team/model');
  });

  it.each(['literal-key', 'literal-key-default'])('a literal API key (%s) is refused without repeating it', async (name) => {
    const error = await failure(name);
    expect(error.message).toMatch(/\.devsynthrc\.yml:4: llm\.providers\.openrouter\.api_key holds a literal API key/);
    expect(error.message).not.toMatch(/sk-or-v1/);
    expect(error.hint).toContain('${OPENROUTER_API_KEY}');
  });

  it('a plain-http base URL that is not loopback is refused; loopback is allowed', async () => {
    const error = await failure('insecure-base-url');
    expect(error.message).toMatch(/\.devsynthrc\.yml:4: llm\.providers\.openrouter\.base_url must use https/);
    const { loaded } = await load('loopback-http-ok');
    expect(loaded.config.llm.providers.openrouter.base_url).toBe('http://127.0.0.1:8080/api/v1');
    const fromEnv = await failure('valid', { env: { OPENROUTER_BASE_URL: 'http://evil.example/v1' } });
    expect(fromEnv.message).toContain('env OPENROUTER_BASE_URL');
  });

  it('__proto__, constructor and prototype are reported as unknown keys, and no prototype changes', async () => {
    const before = Object.getOwnPropertyNames(Object.prototype).sort();
    const error = await failure('proto-keys');
    expect(error).toBeInstanceOf(ConfigError);
    expect(error.message).toMatch(/invalid configuration \(4 problems\)/);
    expect(error.message).toMatch(/\.devsynthrc\.yml:3: __proto__: unknown key/);
    expect(error.message).toMatch(/\.devsynthrc\.yml:6: llm\.__proto__: unknown key/);
    expect(error.message).toMatch(/\.devsynthrc\.yml:8: llm\.constructor: unknown key/);
    expect(error.message).toMatch(/\.devsynthrc\.yml:12: llm\.providers\.openrouter\.prototype: unknown key/);
    expect(Object.getOwnPropertyNames(Object.prototype).sort()).toEqual(before);
    expect(({} as { polluted?: unknown }).polluted).toBeUndefined();
  });

  it('an alias bomb is refused at file:line, not an unexpected error', async () => {
    const error = await failure('alias-bomb');
    expect(error).toBeInstanceOf(ConfigError);
    expect(error.message).toMatch(/\.devsynthrc\.yml:3: aliases that expand too far/);
  });

  it.each([
    ['tagged-binary', 6, '!!binary'],
    ['tagged-custom', 4, '!!js/function'],
  ])('a tagged value (%s) is refused at file:line without its bytes', async (name, line, tag) => {
    const error = await failure(name);
    expect(error).toBeInstanceOf(ConfigError);
    expect(error.message).toMatch(new RegExp(`\\.devsynthrc\\.yml:${line}: a tagged value \\(${tag}\\) is not allowed`));
    expect(error.message).not.toMatch(/c2stb3It|sk-or-|function \(/);
  });

  it('a missing --config file is an error', async () => {
    const error = await failure('valid', { configFile: '/nonexistent/devsynth.yml' });
    expect(error.message).toContain('config file not found');
  });
});

describe('unset variables and the API key', () => {
  it('an unset ${VAR} counts as not set: defaults apply, and the reference is remembered', async () => {
    const { loaded } = await load('missing-env');
    expect(loaded.config.llm.providers.openrouter.model).toBeNull();
    expect(loaded.config.llm.providers.openrouter.temperature).toBe(0.3);
    expect(loaded.unset.map((ref) => [ref.variable, ref.line])).toEqual([
      ['MY_OPENROUTER_KEY', 4],
      ['MY_MODEL', 5],
    ]);
  });

  it('a whole ${VAR} reference takes the type of its value', async () => {
    const { loaded } = await load('missing-env', { env: { MY_TEMP: '1.5' } });
    expect(loaded.config.llm.providers.openrouter.temperature).toBe(1.5);
  });

  it('the key resolves env first, then the config', async () => {
    const { loaded } = await load('missing-env', { env: { MY_OPENROUTER_KEY: 'sk-or-v1-fromconfig' } });
    await expect(resolveApiKey(loaded, { OPENROUTER_API_KEY: 'sk-or-v1-fromenv' })).resolves.toEqual({ key: 'sk-or-v1-fromenv', source: 'env OPENROUTER_API_KEY' });
    await expect(resolveApiKey(loaded, {})).resolves.toEqual({ key: 'sk-or-v1-fromconfig', source: 'config' });
  });

  it('no key: exit 4 naming OPENROUTER_API_KEY, the config key, and the unset variable with its file:line', async () => {
    const { loaded } = await load('missing-env');
    const error = (await resolveApiKey(loaded, {}).catch((e: unknown) => e)) as DevsynthError;
    expect(error.exitCode).toBe(4);
    expect(error.message).toContain('OPENROUTER_API_KEY');
    expect(error.message).toContain('llm.providers.openrouter.api_key');
    expect(error.message).toMatch(/MY_OPENROUTER_KEY \(referenced at .*\.devsynthrc\.yml:4\) is not set/);
  });

  it('config describes the key as set or not, never its value', async () => {
    const { loaded } = await load('valid');
    const row = describeConfig(loaded, { OPENROUTER_API_KEY: 'sk-or-v1-secretsecret' }).find((r) => r.path.endsWith('api_key'));
    expect(row).toEqual({ path: 'llm.providers.openrouter.api_key', value: '(set, hidden)', source: 'env OPENROUTER_API_KEY' });
    const unset = describeConfig(loaded, {}).find((r) => r.path.endsWith('api_key'));
    expect(unset?.value).toBeNull();
  });
});
