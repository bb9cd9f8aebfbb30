// The attachment store under DEVSYNTH_HOME/attachments against the built binary: a link planted
// at an attachment's name or as the folder itself is never written through nor read through
// (even when the link's target holds the very bytes), and a session file whose reference names
// something other than a hash is refused, with a warning, never a crash.
import { chmodSync, mkdirSync, readdirSync, readFileSync, statSync, symlinkSync, unlinkSync, utimesSync, writeFileSync } from 'node:fs';
import { createHash } from 'node:crypto';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from '@jest/globals';
import { type FakeOpenRouter, startFakeOpenRouter } from '../helpers/fake-openrouter.js';
import { makePng } from '../helpers/media-files.js';
import { type CliSandbox, cliSandbox } from '../helpers/run-cli.js';

let fake: FakeOpenRouter;
let cli: CliSandbox;
let home: string;
const png = makePng();
const sha = createHash('sha256').update(png).digest('hex');

beforeEach(async () => {
  fake = await startFakeOpenRouter();
  cli = cliSandbox(fake.url);
  home = cli.env.DEVSYNTH_HOME!;
  mkdirSync(home, { recursive: true });
  writeFileSync(join(cli.home, 'cat.png'), png);
});
afterEach(async () => {
  await fake.close();
  cli.dispose();
});

const chatBodies = () => fake.requests.filter((r) => r.path === '/chat/completions').map((r) => r.body as { messages: Array<{ role: string; content: unknown }> });
const attach = (...extra: string[]) => cli.run(['chat', '-m', 'openai/gpt-4o-mini', '--session', 'pics', '-a', join(cli.home, 'cat.png'), ...extra, 'what is it']);

/** A file outside DEVSYNTH_HOME whose content, mode and mtime must not change. */
function victim() {
  const path = join(cli.home, 'victim.txt');
  writeFileSync(path, 'precious\n');
  chmodSync(path, 0o644);
  const past = new Date('2020-01-01T00:00:00Z');
  utimesSync(path, past, past);
  return () => {
    expect(readFileSync(path, 'utf8')).toBe('precious\n');
    expect(statSync(path).mode & 0o777).toBe(0o644);
    expect(statSync(path).mtimeMs).toBe(past.getTime());
  };
}

describe('links planted in the attachment store', () => {
  it("at the attachment's own name: not written through; the answer still comes, with one warning", async () => {
    const untouched = victim();
    mkdirSync(join(home, 'attachments'), { recursive: true });
    symlinkSync(join(cli.home, 'victim.txt'), join(home, 'attachments', `${sha}.png`));
    const result = await attach();
    expect(result.code).toBe(0);
    expect(result.stderr).toMatch(/attachments\/[0-9a-f]{64}\.png is a symbolic link.*not using it/);
    untouched();
    expect(chatBodies()).toHaveLength(1);
  }, 30_000);

  it('as the attachments folder: nothing is written into its target', async () => {
    const outside = join(cli.home, 'elsewhere');
    mkdirSync(outside);
    symlinkSync(outside, join(home, 'attachments'));
    const result = await attach();
    expect(result.code).toBe(0);
    expect(result.stderr).toContain('is a symbolic link');
    expect(readdirSync(outside)).toEqual([]);
  }, 30_000);

  it('read back through a link to the very same bytes: not followed; the turn goes on without it', async () => {
    expect((await attach()).code).toBe(0);
    const stored = join(home, 'attachments', `${sha}.png`);
    const copy = join(cli.home, 'copy.png');
    writeFileSync(copy, png);
    // Replace the stored file by a link to identical bytes: the hash would match if it were followed.
    unlinkSync(stored);
    symlinkSync(copy, stored);
    const result = await cli.run(['chat', '--session', 'pics', 'and now?']);
    expect(result.code).toBe(0);
    expect(result.stderr).toContain('the earlier attachment cat.png is not sent again');
    expect(JSON.stringify(chatBodies().at(-1))).not.toContain(png.toString('base64'));
  }, 30_000);

  it('a session reference that is not a hash (a path) is refused with a warning, never read', async () => {
    const untouched = victim();
    mkdirSync(join(home, 'sessions'), { recursive: true });
    const session = {
      name: 'pics',
      model: 'openai/gpt-4o-mini',
      created: '2026-01-01T00:00:00.000Z',
      updated: '2026-01-01T00:00:00.000Z',
      messages: [
        { role: 'user', content: [{ type: 'text', text: 'look' }, { type: 'attachment', sha256: '../../victim', mime: 'image/png', name: 'evil.png', bytes: 9 }] },
        { role: 'assistant', content: 'ok' },
      ],
    };
    writeFileSync(join(home, 'sessions', 'pics.json'), JSON.stringify(session));
    const result = await cli.run(['chat', '--session', 'pics', 'again']);
    expect(result.code).toBe(0);
    expect(result.stderr).toContain('the earlier attachment evil.png is not sent again: not an attachment name');
    expect(chatBodies().at(-1)?.messages[0]).toEqual({ role: 'user', content: [{ type: 'text', text: 'look' }, { type: 'text', text: '[image: evil.png, no longer available]' }] });
    untouched();
  }, 30_000);
});
