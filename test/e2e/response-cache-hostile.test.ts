// A response-cache entry that passes its checksum but was written by someone else (a shared
// cache folder, a hand edit): terminal controls in it never reach stderr raw, and an entry of
// the wrong shape is a miss with a warning, never a crash.
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from '@jest/globals';
import { decodeEntry, encodeEntry } from '../../src/state/disk-cache/disk-cache.js';
import { useFakeCli } from '../helpers/run-cli.js';

const env = useFakeCli();
const chats = () => env.fake.requests.filter((r) => r.path === '/chat/completions').length;

/** The one entry of the responses namespace: its path, key and JSON value. */
function onlyEntry() {
  const dir = join(env.cli.env.DEVSYNTH_HOME as string, 'cache', 'store', 'responses');
  const [found] = readdirSync(dir, { recursive: true, withFileTypes: true }).filter((e) => e.isFile() && /^[0-9a-f]{64}$/.test(e.name));
  const path = join(found!.parentPath, found!.name);
  const bytes = readFileSync(path);
  const key = bytes.subarray(16, 16 + bytes.readUInt32LE(4)).toString('utf8');
  return { path, key, value: JSON.parse(decodeEntry(bytes, key)!.toString('utf8')) as { answer: Record<string, unknown> } };
}
const rewrite = (entry: ReturnType<typeof onlyEntry>, value: unknown) => writeFileSync(entry.path, encodeEntry(entry.key, Buffer.from(JSON.stringify(value))));
const ARGS = ['chat', '--cache', '-m', 'openai/gpt-4o-mini', 'hello'];

describe('a response-cache entry written by someone else', () => {
  it('terminal controls in a stored model, provider or answer are made safe on stderr and in --json', async () => {
    const { cli, fake } = env;
    fake.script({ kind: 'reply', content: ['fine'] });
    expect((await cli.run(ARGS)).code).toBe(0);
    const entry = onlyEntry();
    const evil = '\u001b]0;pwned\u0007\u001b[2J';
    rewrite(entry, { ...entry.value, answer: { ...entry.value.answer, model: `m${evil}`, provider: `p${evil}`, content: `text${evil}` } });
    const plain = await cli.run([...ARGS.slice(0, 2), '--usage', ...ARGS.slice(2)]);
    expect(plain.code).toBe(0);
    expect(plain.stderr).toContain('cached: $0 spent');
    expect(plain.stderr).not.toMatch(/[\u001b\u0007]/);
    const json = await cli.run([...ARGS.slice(0, 2), '--json', ...ARGS.slice(2)]);
    expect(json.stdout).not.toMatch(/[\u001b\u0007]/);
    expect(JSON.parse(json.stdout)).toMatchObject({ cached: true, content: `text${evil}` });
    expect(chats()).toBe(1);
  }, 120_000);

  it('an entry of the wrong shape is a miss with one warning, and the answer asked again replaces it', async () => {
    const { cli, fake } = env;
    fake.script({ kind: 'reply', content: ['first'] });
    expect((await cli.run(ARGS)).code).toBe(0);
    const entry = onlyEntry();
    rewrite(entry, { ...entry.value, answer: { content: 42, usage: 'lots' } });
    fake.script({ kind: 'reply', content: ['second'] });
    const result = await cli.run(ARGS);
    expect([result.code, result.stdout]).toEqual([0, 'second\n']);
    expect(result.stderr).toContain('warning: ignored an invalid entry of the response cache');
    const again = await cli.run(ARGS);
    expect([again.stdout, again.stderr, chats()]).toEqual(['second\n', '', 2]);
  }, 120_000);
});
