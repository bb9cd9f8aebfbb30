// -x / --extract and --extract-last from the built binary, on answers streamed in small pieces
// cut anywhere (inside fences, inside the info string, between a CR and its LF).
import { describe, expect, it } from '@jest/globals';
import { useFakeCli } from '../helpers/run-cli.js';

const t = useFakeCli();

/** The text in pieces of 1 to 3 characters. */
function pieces(text: string): string[] {
  const out: string[] = [];
  for (let at = 0, size = 1; at < text.length; at += size, size = (size % 3) + 1) out.push(text.slice(at, at + size));
  return out;
}

const ANSWER =
  'Here is the script:\r\n\r\n````bash title="count"\r\ncount=$(ls | wc -l)\r\n```\r\necho "$count"\r\n````\r\n\r\nAnd in Python:\n\n~~~python\nprint(len(__import__("os").listdir()))\n~~~\n\nDone.';

describe('-x / --extract', () => {
  it('prints the first block alone, its inner shorter fence kept, from an answer cut into 1-3 character pieces', async () => {
    t.fake.script({ kind: 'reply', content: pieces(ANSWER) });
    const result = await t.cli.run(['chat', '-x', 'count files']);
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    expect(result.stdout).toBe('count=$(ls | wc -l)\n```\necho "$count"\n');
  });

  it('prints the block as soon as it closes, while the rest of the answer still streams', async () => {
    const tail = Array.from({ length: 40 }, (_, i) => `more ${i} `);
    t.fake.script({ kind: 'reply', content: [...pieces('Intro\n```js\nconsole.log(1)\n```\n'), ...tail], chunkDelayMs: 60 });
    let chunksSentWhenPrinted: number | undefined;
    const result = await t.cli.run(['chat', '--extract', 'log one'], {
      onStdout: (text) => {
        if (chunksSentWhenPrinted === undefined && text.includes('console.log(1)')) chunksSentWhenPrinted = t.fake.sent.length;
      },
    });
    expect(result.code).toBe(0);
    expect(result.stdout).toBe('console.log(1)\n');
    // The whole answer is more than 40 chunks after the block; it was printed long before the last.
    expect(chunksSentWhenPrinted).toBeDefined();
    expect(chunksSentWhenPrinted!).toBeLessThan(t.fake.sent.length - 20);
  });

  it('--extract-last prints the last block', async () => {
    t.fake.script({ kind: 'reply', content: pieces(ANSWER) });
    const result = await t.cli.run(['chat', '--extract-last', 'count files']);
    expect(result.code).toBe(0);
    expect(result.stdout).toBe('print(len(__import__("os").listdir()))\n');
  });

  it('--json keeps the whole answer as content and adds "extracted"', async () => {
    t.fake.script({ kind: 'reply', content: pieces(ANSWER) });
    const result = await t.cli.run(['chat', '-x', '--json', 'count files']);
    expect(result.code).toBe(0);
    const json = JSON.parse(result.stdout) as Record<string, unknown>;
    expect(json).toMatchObject({ content: ANSWER, extracted: 'count=$(ls | wc -l)\n```\necho "$count"\n' });
  });

  it('no block: exit 10, nothing on stdout; --json carries the answer as partial_content', async () => {
    t.fake.script({ kind: 'reply', content: pieces('No code here, just ``inline`` words.') });
    const result = await t.cli.run(['chat', '-x', 'say something']);
    expect(result.code).toBe(10);
    expect(result.stdout).toBe('');
    expect(result.stderr).toBe('devsynth-or: the answer has no fenced code block\n');

    t.fake.script({ kind: 'reply', content: ['No code.'] });
    const json = await t.cli.run(['chat', '--extract-last', '--json', 'say something']);
    expect(json.code).toBe(10);
    expect(JSON.parse(json.stdout)).toEqual({ error: { kind: 'contract', message: 'the answer has no fenced code block', exit_code: 10 }, partial_content: 'No code.' });
  });

  it('-x with --schema is a usage error (exit 2) before any request', async () => {
    const result = await t.cli.run(['chat', '-x', '--schema', 'name', 'hi']);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('--schema and --extract cannot be used together');
    expect(t.fake.requests.filter((r) => r.path.endsWith('/chat/completions'))).toHaveLength(0);
  });
});
