// Templates from the built binary: a user's and a project's YAML files, their variables filled
// from -p and the input, their settings in the request body unless a flag says otherwise, the
// `templates` command, and the editor making a new one.
import { chmodSync, mkdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from '@jest/globals';
import { type FakeOpenRouter, startFakeOpenRouter } from '../helpers/fake-openrouter.js';
import { type CliSandbox, cliSandbox } from '../helpers/run-cli.js';

let fake: FakeOpenRouter;
let cli: CliSandbox;
let userDir: string;
let project: string;
let projectDir: string;
let inside: string;

beforeEach(async () => {
  fake = await startFakeOpenRouter();
  cli = cliSandbox(fake.url);
  userDir = join(cli.env.XDG_CONFIG_HOME as string, 'devsynth', 'templates');
  project = join(cli.home, 'project');
  projectDir = join(project, '.devsynth', 'templates');
  // Templates are looked for from the working directory up: run two folders below the project.
  inside = join(project, 'src', 'deep');
  mkdirSync(userDir, { recursive: true });
  mkdirSync(projectDir, { recursive: true });
  mkdirSync(inside, { recursive: true });
});
afterEach(async () => {
  await fake.close();
  cli.dispose();
});

const REVIEW = `description: review a change
system: You review {{lang}} code.
prompt: |
  Review this with a focus on {{focus}}:

  {{input}}
model: openai/gpt-4
temperature: 0.3
max_tokens: 99
`;

interface ChatBody {
  model?: string;
  models?: string[];
  temperature?: number;
  max_tokens?: number;
  messages: Array<{ role: string; content: string }>;
}
const chatBodies = () => fake.requests.filter((r) => r.path === '/chat/completions').map((r) => r.body as unknown as ChatBody);

describe('chat --template', () => {
  it('sends the rendered system prompt and prompt, with the template model, temperature and max_tokens', async () => {
    writeFileSync(join(userDir, 'review.yml'), REVIEW);
    const result = await cli.run(['chat', '--template', 'review', '-p', 'lang=Go', '--param', 'focus=error handling'], { cwd: inside, stdin: 'func f() {}\n' });
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    const [body] = chatBodies();
    expect(body?.messages).toEqual([
      { role: 'system', content: 'You review Go code.' },
      // stdin once, in its {{input}} place: not added again after the prompt.
      { role: 'user', content: 'Review this with a focus on error handling:\n\nfunc f() {}' },
    ]);
    expect(body).toMatchObject({ model: 'openai/gpt-4', temperature: 0.3, max_tokens: 99 });
  });

  it('adds the input after a blank line when the prompt has no {{input}}; a value holding {{x}} is not expanded', async () => {
    writeFileSync(join(userDir, 'fr.yaml'), 'prompt: "Translate into {{lang}}:"\n');
    const result = await cli.run(['chat', '--template', 'fr', '-p', 'lang={{focus}}', 'Good', 'morning'], { cwd: inside });
    expect(result.code).toBe(0);
    expect(chatBodies()[0]?.messages).toEqual([{ role: 'user', content: 'Translate into {{focus}}:\n\nGood morning' }]);
  });

  it('a missing variable is a usage error naming it and the template file; nothing is sent', async () => {
    writeFileSync(join(userDir, 'review.yml'), REVIEW);
    const result = await cli.run(['chat', '--template', 'review', '-p', 'lang=Go', 'x'], { cwd: inside });
    expect(result.code).toBe(2);
    expect(result.stderr).toContain(`template "review" (${join(userDir, 'review.yml')}) needs -p focus=`);
    expect(chatBodies()).toHaveLength(0);
  });

  it('a malformed -p and an unknown template are usage errors; the unknown one lists the templates there are', async () => {
    writeFileSync(join(userDir, 'review.yml'), REVIEW);
    writeFileSync(join(projectDir, 'summary.yml'), 'prompt: "Summarise: {{input}}"\n');
    const malformed = await cli.run(['chat', '--template', 'review', '-p', 'lang', 'x'], { cwd: inside });
    expect(malformed.code).toBe(2);
    expect(malformed.stderr).toContain('-p takes name=value');
    const unknown = await cli.run(['chat', '--template', 'revue', 'x'], { cwd: inside });
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toContain('unknown template "revue"; the templates are: review, summary');
    const path = await cli.run(['chat', '--template', '../review', 'x'], { cwd: inside });
    expect(path.code).toBe(2);
    expect(chatBodies()).toHaveLength(0);
  });

  it("a project's template wins over the user's of the same name", async () => {
    writeFileSync(join(userDir, 'review.yml'), REVIEW);
    writeFileSync(join(projectDir, 'review.yml'), 'system: project rules\nprompt: "P: {{input}}"\n');
    const result = await cli.run(['chat', '--template', 'review', 'hello'], { cwd: inside });
    expect(result.code).toBe(0);
    expect(chatBodies()[0]?.messages).toEqual([
      { role: 'system', content: 'project rules' },
      { role: 'user', content: 'P: hello' },
    ]);
  });

  it("flags win over the template's settings", async () => {
    writeFileSync(join(userDir, 'review.yml'), REVIEW);
    const result = await cli.run(
      ['chat', '--template', 'review', '-p', 'lang=Go', '-p', 'focus=tests', '-m', 'anthropic/claude-haiku-4.5', '-s', 'Be brief.', '-t', '1.5', '--max-tokens', '7', 'code'],
      { cwd: inside },
    );
    expect(result.code).toBe(0);
    const [body] = chatBodies();
    expect(body).toMatchObject({ model: 'anthropic/claude-haiku-4.5', temperature: 1.5, max_tokens: 7 });
    expect(body?.messages[0]).toEqual({ role: 'system', content: 'Be brief.' });
    expect(body?.messages[1]?.content).toBe('Review this with a focus on tests:\n\ncode');
  });

  it('a malformed template is a configuration error (exit 3) naming file:line', async () => {
    writeFileSync(join(projectDir, 'bad.yml'), 'description: fine\ntemperature: hot\npromt: "x"\n');
    const result = await cli.run(['chat', '--template', 'bad', 'hi'], { cwd: inside });
    expect(result.code).toBe(3);
    expect(result.stderr).toContain(`${join(projectDir, 'bad.yml')}:2: temperature: expected number`);
    expect(result.stderr).toContain(`${join(projectDir, 'bad.yml')}:3: promt: unknown key`);
    const tagged = join(projectDir, 'tagged.yml');
    writeFileSync(tagged, 'system: !!binary aGVsbG8=\n');
    const tag = await cli.run(['chat', '--template', 'tagged', 'hi'], { cwd: inside });
    expect(tag.code).toBe(3);
    expect(tag.stderr).toContain(`${tagged}:1: a tagged value`);
    expect(chatBodies()).toHaveLength(0);
  });
});

describe('devsynth-or templates', () => {
  it('list: name, scope, file and description, TSV in a pipe and JSON with --json', async () => {
    writeFileSync(join(userDir, 'review.yml'), REVIEW);
    writeFileSync(join(userDir, 'mine.yml'), 'description: only mine\n');
    writeFileSync(join(projectDir, 'review.yml'), 'description: the project one\n');
    const result = await cli.run(['templates', 'list'], { cwd: inside });
    expect(result.code).toBe(0);
    expect(result.stdout).toBe(`mine\tuser\t${join(userDir, 'mine.yml')}\tonly mine\nreview\tproject\t${join(projectDir, 'review.yml')}\tthe project one\n`);
    const json = await cli.run(['templates', 'list', '--json'], { cwd: inside });
    expect(JSON.parse(json.stdout)).toEqual([
      { name: 'mine', scope: 'user', path: join(userDir, 'mine.yml'), description: 'only mine' },
      { name: 'review', scope: 'project', path: join(projectDir, 'review.yml'), description: 'the project one' },
    ]);
  });

  it('show prints the file; path prints the folders searched or the file of one', async () => {
    writeFileSync(join(userDir, 'review.yml'), REVIEW);
    const show = await cli.run(['templates', 'show', 'review'], { cwd: inside });
    expect(show.code).toBe(0);
    expect(show.stdout).toBe(REVIEW);
    const dirs = await cli.run(['templates', 'path'], { cwd: inside });
    expect(dirs.stdout).toBe(`${projectDir}\n${userDir}\n`);
    const file = await cli.run(['templates', 'path', 'review'], { cwd: inside });
    expect(file.stdout).toBe(`${join(userDir, 'review.yml')}\n`);
    const unknown = await cli.run(['templates', 'show', 'nope'], { cwd: inside });
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toContain('unknown template "nope"; the templates are: review');
  });

  it('edit creates a new template (0600, in a 0700 folder) from the skeleton, runs $EDITOR on it, and checks it', async () => {
    const editor = join(cli.home, 'editor.sh');
    // The skeleton must be there when the editor starts: it is kept as the file's tail.
    writeFileSync(editor, '#!/bin/sh\ngrep -q "{{input}}" "$1" || exit 9\n{ printf \'system: terse\\nprompt: "Q: {{input}}"\\n\'; cat "$1"; } > "$1.new" && cat "$1.new" > "$1" && rm "$1.new"\n');
    chmodSync(editor, 0o755);
    const fresh = join(cli.home, 'fresh-config');
    const result = await cli.run(['templates', 'edit', 'quick'], { cwd: inside, env: { EDITOR: editor, XDG_CONFIG_HOME: fresh } });
    expect(result.stderr).toContain('template quick created');
    expect(result.code).toBe(0);
    const file = join(fresh, 'devsynth', 'templates', 'quick.yml');
    expect(statSync(file).mode & 0o777).toBe(0o600);
    expect(statSync(join(fresh, 'devsynth', 'templates')).mode & 0o777).toBe(0o700);
    expect(readFileSync(file, 'utf8')).toMatch(/^system: terse\nprompt: "Q: \{\{input\}\}"\n# devsynth-or template "quick"/);
    const chat = await cli.run(['chat', '--template', 'quick', 'why?'], { cwd: inside, env: { XDG_CONFIG_HOME: fresh } });
    expect(chat.code).toBe(0);
    expect(chatBodies()[0]?.messages).toEqual([
      { role: 'system', content: 'terse' },
      { role: 'user', content: 'Q: why?' },
    ]);
  });

  it('edit reports what the editor left wrong as a configuration error (exit 3) at file:line', async () => {
    const editor = join(cli.home, 'editor.sh');
    writeFileSync(editor, '#!/bin/sh\nprintf "description: x\\nmodle: openai/gpt-4\\n" > "$1"\n');
    chmodSync(editor, 0o755);
    writeFileSync(join(projectDir, 'review.yml'), 'description: before\n');
    const result = await cli.run(['templates', 'edit', 'review'], { cwd: inside, env: { VISUAL: editor } });
    expect(result.code).toBe(3);
    // The template that applies (the project's) is the one edited.
    expect(result.stderr).toContain(`${join(projectDir, 'review.yml')}:2: modle: unknown key`);
  });
});
