// `batch` against the fake server: items from text, JSON Lines and CSV; order; one failing
// item among many; errors that stop the batch; resume after kill -9; shards and merge.
import { mkdirSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from '@jest/globals';
import { errorBodies, type FakeOpenRouter, type FakeOptions, type Step, startFakeOpenRouter } from '../helpers/fake-openrouter.js';
import { chats, promptOf, results } from '../helpers/batch-results.js';
import { type CliSandbox, cliSandbox } from '../helpers/run-cli.js';

const servers: FakeOpenRouter[] = [];
const sandboxes: CliSandbox[] = [];
afterEach(async () => {
  const closing = servers.splice(0);
  await Promise.all(closing.map((s) => s.close()));
  for (const s of sandboxes.splice(0)) s.dispose();
  for (const fake of closing) expect(fake.violations).toEqual([]);
});

/** A fake server whose answer echoes the prompt ("answer to <prompt>"), after `delayOf(prompt)` ms. */
async function start(options: FakeOptions & { delayOf?: (prompt: string) => number; fail?: Record<string, Step> } = {}) {
  const { delayOf, fail, ...rest } = options;
  const fake = await startFakeOpenRouter({
    replyFor: (prompt) => {
      const failure = fail?.[prompt];
      if (failure) return failure;
      const reply = { kind: 'reply' as const, content: [`answer to ${prompt}`] };
      const ms = delayOf?.(prompt) ?? 0;
      return ms > 0 ? ({ kind: 'delay', ms, then: reply } as const) : reply;
    },
    ...rest,
  });
  servers.push(fake);
  const cli = cliSandbox(fake.url);
  sandboxes.push(cli);
  return { fake, cli };
}

/** A paid model: the free ones are paced to 20 requests a minute, as OpenRouter limits them. */
const MODEL = 'openai/gpt-4o-mini';

describe('batch: items, order and output', () => {
  it('answers every plain line, in input order with --ordered though later items finish first', async () => {
    // The first items are the slowest: done-order is not input order.
    const { fake, cli } = await start({ delayOf: (prompt) => (prompt === 'q0' ? 600 : prompt === 'q1' ? 300 : 0) });
    const file = join(cli.home, 'prompts.txt');
    writeFileSync(file, `${Array.from({ length: 12 }, (_, i) => `q${i}`).join('\n')}\n\n`);
    const ordered = await cli.run(['batch', file, '--ordered', '--concurrency', '4', '-m', MODEL]);
    expect(ordered.code).toBe(0);
    const lines = results(ordered.stdout);
    expect(lines.map((line) => line.index)).toEqual(Array.from({ length: 12 }, (_, i) => i));
    expect(lines[3]).toMatchObject({ id: null, index: 3, content: 'answer to q3', model: 'openai/gpt-4o-mini', provider: 'FakeProvider', finish_reason: 'stop' });
    expect(lines[3]?.usage.cost).toEqual(expect.any(Number));
    expect(lines[3]?.hash).toMatch(/^[0-9a-f]{16}$/);
    expect(ordered.stderr).toMatch(/^12 items: 12 succeeded, 0 failed · \$[\d.e-]+ · [\d.]+s$/m);
    expect(chats(fake)).toHaveLength(12);

    const unordered = await cli.run(['batch', file, '--concurrency', '4', '-m', MODEL]);
    expect(unordered.code).toBe(0);
    const done = results(unordered.stdout).map((line) => line.index);
    expect([...done].sort((a, b) => a - b)).toEqual(Array.from({ length: 12 }, (_, i) => i));
    // As soon as each is done: the slow first item comes after quicker later ones.
    expect(done.indexOf(0)).toBeGreaterThan(done.indexOf(5));
  });

  it('JSON items: messages, system, model, max_tokens and vars; a bad line is its own error (exit 12)', async () => {
    const { fake, cli } = await start();
    const file = join(cli.home, 'items.jsonl');
    writeFileSync(
      file,
      [
        JSON.stringify({ id: 'a', prompt: 'plain one', system: 'be terse', model: 'anthropic/claude-3.5-sonnet', max_tokens: 50, temperature: 0 }),
        JSON.stringify({ id: 'b', messages: [{ role: 'user', content: 'hi' }, { role: 'assistant', content: 'hello' }, { role: 'user', content: 'and then?' }] }),
        '{"id": "c", "prompt": ',
        JSON.stringify({ id: 'd', prompt: 'x', max_tokens: -1 }),
        JSON.stringify({ id: 'e', prompt: 'x', messages: [{ role: 'user', content: 'y' }] }),
      ].join('\n'),
    );
    const result = await cli.run(['batch', file, '--ordered', '-s', 'default system']);
    expect(result.code).toBe(12);
    const lines = results(result.stdout);
    expect(lines.map((line) => [line.id, line.error?.kind ?? 'ok', line.error?.exit_code])).toEqual([
      ['a', 'ok', undefined],
      ['b', 'ok', undefined],
      [null, 'usage', 2],
      ['d', 'usage', 2],
      ['e', 'usage', 2],
    ]);
    expect(lines[2]?.error.message).toMatch(/line 3 of .*items\.jsonl is not valid JSON/);
    expect(lines[3]?.error.message).toMatch(/max_tokens/);
    const [a, b] = chats(fake).sort((x, y) => String(x.body?.model).localeCompare(String(y.body?.model)));
    expect(a?.body).toMatchObject({ model: 'anthropic/claude-3.5-sonnet', max_tokens: 50, temperature: 0, messages: [{ role: 'system', content: 'be terse' }, { role: 'user', content: 'plain one' }] });
    expect(b?.body?.messages).toEqual([
      { role: 'system', content: 'default system' },
      { role: 'user', content: 'hi' },
      { role: 'assistant', content: 'hello' },
      { role: 'user', content: 'and then?' },
    ]);
    expect(chats(fake)).toHaveLength(2);
    expect(result.stderr).toMatch(/5 items: 2 succeeded, 3 failed \(3 usage\)/);
    expect(result.stderr).toMatch(/devsynth-or: 3 of 5 items failed/);
  });

  it('CSV with a header fills a template per row; an id column is the id', async () => {
    const { fake, cli } = await start();
    const templates = join(cli.home, '.config', 'devsynth', 'templates');
    mkdirSync(templates, { recursive: true });
    writeFileSync(join(templates, 'classify.yml'), 'system: You label {{topic}} reviews.\nprompt: "Label this: {{text}} ({{lang}})"\n');
    const file = join(cli.home, 'rows.csv');
    writeFileSync(file, 'id,text\nr1,"great, loved it"\nr2,"awful ""really"""\n');
    const result = await cli.run(['batch', file, '--template', 'classify', '-p', 'topic=film', '-p', 'lang=en', '--ordered']);
    expect(result.code).toBe(0);
    expect(results(result.stdout).map((line) => [line.id, line.content])).toEqual([
      ['r1', 'answer to Label this: great, loved it (en)'],
      ['r2', 'answer to Label this: awful "really" (en)'],
    ]);
    expect(chats(fake).map((r) => (r.body?.messages as Array<{ content: string }>)[0]?.content)).toEqual(['You label film reviews.', 'You label film reviews.']);
    // A row that lacks a variable is that row's error, not the batch's.
    writeFileSync(file, 'id,other\nr3,x\n');
    const missing = await cli.run(['batch', file, '--template', 'classify', '-p', 'topic=film', '-p', 'lang=en']);
    expect(missing.code).toBe(12);
    expect(results(missing.stdout)[0]?.error.message).toMatch(/needs \{\{text\}\}/);
  });

  it('--schema: each answer is checked; data for a match, a contract error (exit 10 kind) for a mismatch', async () => {
    const { cli } = await start({
      replyFor: (prompt) => ({ kind: 'reply', content: [prompt === 'good' ? '{"label":"pos"}' : 'not json'] }),
    });
    const result = await cli.run(['batch', '-', '--ordered', '--schema', 'label'], { stdin: 'good\nbad\n' });
    expect(result.code).toBe(12);
    const [good, bad] = results(result.stdout);
    expect(good).toMatchObject({ index: 0, data: { label: 'pos' } });
    expect(good?.content).toBeUndefined();
    expect(bad?.error).toMatchObject({ kind: 'contract', exit_code: 10 });
  });

  it('one failing item: the others are answered, exit 12, the summary counts it by kind', async () => {
    const { fake, cli } = await start({ fail: { q2: errorBodies.invalidModel('x/y') } });
    const result = await cli.run(['batch', '-', '--concurrency', '2'], { stdin: 'q0\nq1\nq2\nq3\nq4\n' });
    expect(result.code).toBe(12);
    const lines = results(result.stdout);
    expect(lines).toHaveLength(5);
    expect(lines.filter((line) => line.error)).toEqual([expect.objectContaining({ index: 2, error: expect.objectContaining({ kind: 'rejected', exit_code: 6 }) })]);
    expect(chats(fake)).toHaveLength(5);
    expect(result.stderr).toMatch(/5 items: 4 succeeded, 1 failed \(1 rejected\)/);
  });

  it('an auth failure stops the batch at once: nothing more is sent, exit 4', async () => {
    const { fake, cli } = await start({ fail: { q3: errorBodies.userNotFound() } });
    const prompts = Array.from({ length: 40 }, (_, i) => `q${i}`).join('\n');
    const result = await cli.run(['batch', '-', '--concurrency', '1', '-m', MODEL], { stdin: prompts });
    expect(result.code).toBe(4);
    // q0..q3 sent, q3 failed: no fifth request.
    expect(chats(fake).map(promptOf)).toEqual(['q0', 'q1', 'q2', 'q3']);
    expect(results(result.stdout).map((line) => line.error?.kind ?? 'ok')).toEqual(['ok', 'ok', 'ok', 'auth']);
  });

  it('no credits (402) stops it too, with concurrency: exit 9, nothing sent after the failure', async () => {
    const { fake, cli } = await start({ fail: { q5: errorBodies.insufficientCredits() }, delayOf: (prompt) => (prompt === 'q5' ? 0 : 100) });
    const prompts = Array.from({ length: 60 }, (_, i) => `q${i}`).join('\n');
    const result = await cli.run(['batch', '-', '--concurrency', '3', '-m', MODEL], { stdin: prompts });
    expect(result.code).toBe(9);
    const sent = chats(fake);
    const failedAt = sent.findIndex((r) => promptOf(r) === 'q5');
    const failedDone = sent[failedAt]!.receivedAt;
    // At most the requests already in flight when it failed were sent after it.
    expect(sent.length).toBeLessThanOrEqual(failedAt + 3);
    expect(sent.length).toBeLessThan(60);
    expect(failedDone).toBeGreaterThan(0);
  });
});

describe('batch -o: resume', () => {
  it('resumes after kill -9: no item answered twice, none lost, one line per item', async () => {
    const { fake, cli } = await start({ delayOf: () => 150 });
    const file = join(cli.home, 'prompts.txt');
    const total = 30;
    writeFileSync(file, Array.from({ length: total }, (_, i) => JSON.stringify({ id: `item-${i}`, prompt: `q${i}` })).join('\n'));
    const out = join(cli.home, 'answers.ndjson');
    let killed = false;
    const first = await cli.run(['batch', file, '-o', out, '--concurrency', '3', '-m', MODEL], {
      onSpawn: (child) => {
        const timer = setInterval(() => {
          let lines = 0;
          try {
            lines = readFileSync(out, 'utf8').split('\n').length - 1;
          } catch {}
          if (lines >= 8) {
            clearInterval(timer);
            killed = child.kill('SIGKILL');
          }
        }, 20);
        child.on('close', () => clearInterval(timer));
      },
    });
    expect(killed).toBe(true);
    expect(first.signal).toBe('SIGKILL');
    const answeredFirst = results(readFileSync(out, 'utf8')).map((line) => line.id as string);
    expect(answeredFirst.length).toBeGreaterThanOrEqual(8);
    expect(answeredFirst.length).toBeLessThan(total);
    // A write cut short by the kill: a torn last line is dropped and its item sent again.
    writeFileSync(out, `${readFileSync(out, 'utf8')}{"id":"item-29","index":29,"con`);

    const second = await cli.run(['batch', file, '-o', out, '--concurrency', '3', '-m', MODEL]);
    expect(second.code).toBe(0);
    expect(second.stderr).toMatch(/last line was cut short/);
    expect(second.stderr).toMatch(new RegExp(`${total - answeredFirst.length} items: ${total - answeredFirst.length} succeeded, 0 failed, ${answeredFirst.length} already answered`));
    const final = results(readFileSync(out, 'utf8'));
    expect(final.map((line) => line.id).sort()).toEqual(Array.from({ length: total }, (_, i) => `item-${i}`).sort());
    // Each item answered by the server exactly once over both runs, but those in flight at the kill.
    const sentPrompts = chats(fake).map(promptOf) as string[];
    const answeredTwice = sentPrompts.filter((prompt, i) => sentPrompts.indexOf(prompt) !== i);
    const answeredFirstPrompts = new Set(answeredFirst.map((id) => `q${id.slice(5)}`));
    expect(answeredTwice.filter((prompt) => answeredFirstPrompts.has(prompt))).toEqual([]);
    expect(new Set(sentPrompts).size).toBe(total);
  });

  it('failed items are tried again on the next run, and the file keeps one line per item', async () => {
    let failing = true;
    const { fake, cli } = await start({
      replyFor: (prompt) => (prompt === 'q1' && failing ? errorBodies.invalidModel('x/y') : { kind: 'reply', content: [`answer to ${prompt}`] }),
    });
    const out = join(cli.home, 'out.ndjson');
    const first = await cli.run(['batch', '-', '-o', out], { stdin: 'q0\nq1\nq2\n' });
    expect(first.code).toBe(12);
    expect(first.stderr).toMatch(/run the same command again to retry only those/);
    failing = false;
    const second = await cli.run(['batch', '-', '-o', out], { stdin: 'q0\nq1\nq2\n' });
    expect(second.code).toBe(0);
    expect(chats(fake).map(promptOf).filter((p) => p === 'q1')).toHaveLength(2);
    expect(chats(fake)).toHaveLength(4);
    const lines = results(readFileSync(out, 'utf8'));
    expect(lines).toHaveLength(3);
    expect(lines.every((line) => line.error === undefined)).toBe(true);
  });

  it('warns once when two items share a key (an id, or the same line), which -o counts as one', async () => {
    const { cli } = await start();
    const out = join(cli.home, 'out.ndjson');
    const result = await cli.run(['batch', '-', '-o', out], { stdin: '{"id":"x","prompt":"a"}\n{"id":"x","prompt":"b"}\nsame\nsame\n' });
    expect(result.code).toBe(0);
    expect(result.stderr.match(/warning: item 1 has the id "x" of an earlier item/g)).toHaveLength(1);
    expect(result.stderr).not.toMatch(/item 3 has/);
  });

  it('refuses an -o that is a symbolic link', async () => {
    const { fake, cli } = await start();
    const target = join(cli.home, 'elsewhere.ndjson');
    writeFileSync(target, '');
    const link = join(cli.home, 'out.ndjson');
    symlinkSync(target, link);
    const result = await cli.run(['batch', '-', '-o', link], { stdin: 'q0\n' });
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/symbolic link/);
    expect(chats(fake)).toHaveLength(0);
    expect(readFileSync(target, 'utf8')).toBe('');
  });
});

describe('batch: input that cannot be read', () => {
  it('invalid UTF-8 mid-way fails that item only (exit 12); the items before and after it are sent and written', async () => {
    const { fake, cli } = await start({ delayOf: () => 300 });
    const out = join(cli.home, 'out.ndjson');
    // The first items arrive, are sent; then bytes that are not UTF-8, then a good line.
    const stdin = (async function* () {
      yield Buffer.from('q0\nq1\n');
      while (chats(fake).length < 2) await new Promise((resolve) => setTimeout(resolve, 20));
      yield Buffer.from([0xff, 0xfe, 0x0a]);
      yield Buffer.from('q3\n');
    })();
    const result = await cli.run(['batch', '-', '-o', out, '-m', MODEL], { stdin });
    expect(result.code).toBe(12);
    expect(chats(fake).map(promptOf)).toEqual(['q0', 'q1', 'q3']);
    const lines = results(readFileSync(out, 'utf8'));
    expect(lines.map((line) => line.content ?? line.error.message).sort()).toEqual(['answer to q0', 'answer to q1', 'answer to q3', 'line 3 of standard input is not valid UTF-8 text']);
  });

  it('a missing input file is a usage error before anything is sent', async () => {
    const { fake, cli } = await start();
    const result = await cli.run(['batch', 'nope.txt']);
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/cannot read nope\.txt: no such file/);
    expect(chats(fake)).toHaveLength(0);
  });
});

describe('batch --shard and batch merge', () => {
  it('shards 1/3, 2/3 and 3/3 take every item exactly once; merge restores input order', async () => {
    const { fake, cli } = await start();
    const file = join(cli.home, 'items.txt');
    const total = 60;
    writeFileSync(file, Array.from({ length: total }, (_, i) => (i % 2 ? JSON.stringify({ id: `id${i}`, prompt: `q${i}` }) : `q${i}`)).join('\n'));
    const parts = [1, 2, 3].map((i) => join(cli.home, `part${i}.ndjson`));
    for (const [i, part] of parts.entries()) {
      const run = await cli.run(['batch', file, '--shard', `${i + 1}/3`, '-o', part, '--concurrency', '8', '-m', MODEL]);
      expect(run.code).toBe(0);
    }
    const shards = parts.map((part) => results(readFileSync(part, 'utf8')).map((line) => line.index as number));
    for (const shard of shards) expect(shard.length).toBeGreaterThan(0);
    expect(shards.flat().sort((a, b) => a - b)).toEqual(Array.from({ length: total }, (_, i) => i));
    expect(chats(fake)).toHaveLength(total);

    const merged = await cli.run(['batch', 'merge', ...parts]);
    expect(merged.code).toBe(0);
    expect(merged.stderr).toBe('');
    const lines = results(merged.stdout);
    expect(lines.map((line) => line.index)).toEqual(Array.from({ length: total }, (_, i) => i));
    expect(lines.map((line) => line.content)).toEqual(Array.from({ length: total }, (_, i) => `answer to q${i}`));

    // A shard left out: its items are gaps; a shard given twice: duplicates. Both warned about.
    const partial = await cli.run(['batch', 'merge', parts[0]!, parts[1]!, parts[1]!]);
    expect(partial.code).toBe(0);
    expect(partial.stderr).toMatch(/items are missing \(index/);
    expect(partial.stderr).toMatch(/in more than one line/);
    expect(results(partial.stdout)).toHaveLength(shards[0]!.length + shards[1]!.length);
  });
});
