// Config messages from the built binary: each provider's own key variable, a reference missing
// its brace, a bad base_url among the other problems, and one provider's bad URL not stopping
// another.
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from '@jest/globals';
import { type FakeOpenRouter, startFakeOpenRouter } from '../helpers/fake-openrouter.js';
import { type CliSandbox, cliSandbox } from '../helpers/run-cli.js';

let fake: FakeOpenRouter;
let cli: CliSandbox;
let project: string;

beforeEach(async () => {
  fake = await startFakeOpenRouter();
  cli = cliSandbox(fake.url);
  project = join(cli.home, 'project');
  mkdirSync(project);
});
afterEach(async () => {
  await fake.close();
  cli.dispose();
});

/** Writes the project's .devsynthrc.yml and runs `args` in the project. */
async function runWith(yaml: string, args: string[], env: Record<string, string | undefined> = {}) {
  writeFileSync(join(project, '.devsynthrc.yml'), yaml);
  return cli.run(args, { cwd: project, env });
}
const file = () => join(project, '.devsynthrc.yml');

describe('config messages', () => {
  it("a literal key under openai: names OPENAI_API_KEY, not OpenRouter's variable", async () => {
    const result = await runWith('llm:\n  providers:\n    openai:\n      api_key: sk-proj-abcdef0123456789\n', ['--provider', 'offline', 'chat', 'hi']);
    expect(result.code).toBe(3);
    expect(result.stderr).toContain(`${file()}:4: llm.providers.openai.api_key holds a literal API key`);
    expect(result.stderr).toContain('hint: write api_key: "${OPENAI_API_KEY}"');
    expect(result.stderr).not.toContain('OPENROUTER_API_KEY');
    expect(result.stderr).not.toContain('abcdef0123456789');
  });

  it('"${OPENROUTER_API_KEY" (no closing brace) is a malformed reference at file:line, not a literal key', async () => {
    const result = await runWith('llm:\n  providers:\n    openrouter:\n      api_key: "${OPENROUTER_API_KEY"\n', ['chat', 'hi']);
    expect(result.code).toBe(3);
    expect(result.stderr).toContain(`${file()}:4: llm.providers.openrouter.api_key: malformed reference "\${OPENROUTER_API_KEY"`);
    expect(result.stderr).not.toContain('literal API key');
    // In any other setting too: left as it was, it would be sent as text.
    const title = await runWith('llm:\n  providers:\n    openrouter:\n      x_title: "${APP_TITLE:-Mine"\n', ['chat', 'hi']);
    expect(title.code).toBe(3);
    expect(title.stderr).toContain(`${file()}:4: llm.providers.openrouter.x_title: malformed reference "\${APP_TITLE"`);
    expect(fake.requests).toHaveLength(0);
  });

  it('a bad base_url is reported together with the other problems, in one pass', async () => {
    const result = await runWith('llm:\n  providers:\n    openrouter:\n      temperature: 7\n      base_url: http://gateway.invalid/api/v1\n', ['chat', 'hi'], {
      // The sandbox's own OPENROUTER_BASE_URL would take the file's place.
      OPENROUTER_BASE_URL: undefined,
    });
    expect(result.code).toBe(3);
    expect(result.stderr).toContain('invalid configuration (2 problems):');
    expect(result.stderr).toContain(`${file()}:4: llm.providers.openrouter.temperature`);
    expect(result.stderr).toContain(`${file()}:5: llm.providers.openrouter.base_url must use https://`);
  });

  it("one provider's bad base_url does not stop another; config still reports it", async () => {
    const yaml = 'llm:\n  providers:\n    lmstudio:\n      base_url: http://lmstudio.invalid:1234/v1\n';
    const offline = await runWith(yaml, ['--provider', 'offline', 'chat', 'hi']);
    expect(offline).toMatchObject({ code: 0, stderr: '' });
    expect(offline.stdout).toContain('[offline]');
    expect((await runWith(yaml, ['chat', 'hi'])).code).toBe(0);
    const shown = await runWith(yaml, ['config']);
    expect(shown.code).toBe(0);
    expect(shown.stderr).toContain(`warning: ${file()}:4: llm.providers.lmstudio.base_url must use https://`);
    // The provider itself is refused, exit 3, as before.
    const used = await runWith(yaml, ['--provider', 'lmstudio', 'chat', 'hi']);
    expect(used.code).toBe(3);
    expect(used.stderr).toContain('llm.providers.lmstudio.base_url must use https://');
    // A fallback is in use too.
    const chained = await runWith(`${yaml.replace('llm:\n', 'llm:\n  fallback: [lmstudio]\n')}`, ['chat', 'hi']);
    expect(chained.code).toBe(3);
  });
});
