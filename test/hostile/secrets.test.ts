// The key in forms other than the one sent: a hostile server that echoes its part after
// `sk-or-v1-`, its base64 (as in a decoded header), url-safe base64 and percent-encodings in
// error messages and metadata; and settings that carry the key (x_title: "${OPENROUTER_API_KEY}").
// None of those forms may reach stdout or stderr, with --json and --debug.
import { writeFileSync } from 'node:fs';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { type FakeOpenRouter, startFakeOpenRouter, TEST_API_KEY } from '../helpers/fake-openrouter.js';
import { type CliResult, type CliSandbox, cliSandbox } from '../helpers/run-cli.js';

const KEY = TEST_API_KEY;
const base64 = (text: string) => Buffer.from(text).toString('base64');
const base64url = (text: string) => Buffer.from(text).toString('base64url');
/** The forms of the key a server could echo, by name (for readable failures). */
const FORMS: Record<string, string> = {
  key: KEY,
  'part after sk-or-v1-': KEY.slice('sk-or-v1-'.length),
  base64: base64(KEY),
  'base64 of "Bearer <key>"': base64(`Bearer ${KEY}`),
  'url-safe base64': base64url(KEY),
  'url-safe base64 of "Bearer <key>"': base64url(`Bearer ${KEY}`),
  'url-encoded, every byte': Buffer.from(KEY).toString('hex').replace(/../g, '%$&').toUpperCase(),
  'url-encoded, the hyphens': KEY.replace(/-/g, '%2D'),
};
const ALL_FORMS = Object.values(FORMS).join(' ');

function expectNoForm(result: CliResult): void {
  for (const [name, form] of Object.entries(FORMS)) {
    expect({ form: name, stdout: result.stdout.includes(form) }).toEqual({ form: name, stdout: false });
    expect({ form: name, stderr: result.stderr.includes(form) }).toEqual({ form: name, stderr: false });
  }
}

/** A raw server that answers every request with the next of `replies` (then 500). */
function hostileServer() {
  const replies: Array<(res: ServerResponse) => void> = [];
  const server = createServer((req: IncomingMessage, res: ServerResponse) => {
    req.resume();
    req.on('end', () => {
      const reply = replies.shift();
      if (reply) reply(res);
      else res.writeHead(500).end();
    });
  });
  return {
    replies,
    start: () => new Promise<string>((resolve) => server.listen(0, '127.0.0.1', () => resolve(`http://127.0.0.1:${(server.address() as AddressInfo).port}/api/v1`))),
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

const json = (status: number, body: unknown) => (res: ServerResponse) =>
  res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(body));

describe('a server that echoes the key in other forms', () => {
  const server = hostileServer();
  let cli: CliSandbox;
  beforeAll(async () => {
    cli = cliSandbox(await server.start());
    writeFileSync(join(cli.home, 'once.yml'), 'llm:\n  providers:\n    openrouter:\n      max_retries: 0\n');
  });
  afterAll(async () => {
    await server.close();
    cli.dispose();
  });

  const cases: Array<{ name: string; reply: (res: ServerResponse) => void; exit: number }> = [
    {
      name: '401 with the forms in the message and the metadata',
      reply: json(401, { error: { code: 401, message: `No auth credentials found: ${ALL_FORMS}`, metadata: { raw: ALL_FORMS, [FORMS['base64']!]: FORMS['part after sk-or-v1-'] } } }),
      exit: 4,
    },
    {
      name: '400 "Provider returned error" whose metadata.raw (shown as the message) holds the forms',
      reply: json(400, { error: { code: 400, message: 'Provider returned error', metadata: { raw: `upstream saw ${ALL_FORMS}`, provider_name: `p ${FORMS['url-safe base64']}` } } }),
      exit: 6,
    },
    {
      name: '400 with a plain-text body of the forms',
      reply: (res) => res.writeHead(400, { 'content-type': 'text/plain' }).end(`bad request: ${ALL_FORMS}`),
      exit: 6,
    },
  ];

  it.each(cases)('$name: none of the forms on stderr, in --json or in --debug', async ({ reply, exit }) => {
    for (const args of [['chat', 'hi'], ['chat', '--json', 'hi']]) {
      server.replies.push(reply);
      const result = await cli.run(['--config', join(cli.home, 'once.yml'), ...args], { env: { DEVSYNTH_DEBUG: '1' } });
      expect(result.code).toBe(exit);
      // The error was shown, with the key's forms taken out.
      expect(result.stderr).toMatch(/^devsynth-or: .*\[REDACTED\]/m);
      if (args.includes('--json')) expect(JSON.parse(result.stdout)).toMatchObject({ error: { exit_code: exit } });
      expectNoForm(result);
    }
  });
});

describe('settings that carry the key', () => {
  let fake: FakeOpenRouter;
  let cli: CliSandbox;
  let config: string;
  beforeAll(async () => {
    fake = await startFakeOpenRouter();
    cli = cliSandbox(fake.url);
    config = join(cli.home, 'titled.yml');
    writeFileSync(
      config,
      'llm:\n  providers:\n    openrouter:\n      x_title: "${OPENROUTER_API_KEY}"\n      http_referer: "https://example.org/?k=${OPENROUTER_API_KEY}"\n',
    );
  });
  afterAll(async () => {
    await fake.close();
    cli.dispose();
  });

  it('config and config --json show them hidden; a --debug chat sending them logs no form of the key', async () => {
    const table = await cli.run(['--config', config, 'config']);
    expect(table.code).toBe(0);
    expect(table.stdout).toMatch(/^llm\.providers\.openrouter\.x_title\t\(set, hidden\)\t/m);
    expect(table.stdout).toMatch(/^llm\.providers\.openrouter\.http_referer\thttps:\/\/example\.org\/\?k=\[REDACTED\]\t/m);
    expectNoForm(table);

    const listed = await cli.run(['--config', config, 'config', '--json']);
    expect(listed.code).toBe(0);
    expect(JSON.parse(listed.stdout)).toContainEqual(expect.objectContaining({ path: 'llm.providers.openrouter.x_title', value: '(set, hidden)' }));
    expectNoForm(listed);

    const chat = await cli.run(['--config', config, '--debug', 'chat', 'hi']);
    expect(chat.code).toBe(0);
    expect(chat.stderr).toContain('[debug] → POST');
    expectNoForm(chat);
  });

  it("another provider's key in OpenRouter's headers is not logged by --debug either", async () => {
    const other = 'sk-proj-another-providers-key-0123456789';
    const crossed = join(cli.home, 'crossed.yml');
    writeFileSync(crossed, 'llm:\n  providers:\n    openrouter:\n      x_title: "team ${OPENAI_API_KEY}"\n');
    const chat = await cli.run(['--config', crossed, '--debug', 'chat', 'hi'], { env: { OPENAI_API_KEY: other } });
    expect(chat.code).toBe(0);
    expect(chat.stderr).toContain('[debug] → POST');
    expect(chat.stderr).toContain('team [REDACTED]');
    expect(chat.stderr).not.toContain(other);
  });
});
