// The first-token wait, seen from outside (issue 13, item 2, last point): a server that takes
// 11 s to answer, and plain mode says once on stderr that it is still waiting, then answers.
// One slow test on purpose; the Ink spinner's seconds and the notice's rules (not with -q or
// --json, once only) are unit tests with fake timers (test/unit/ui/terminal-safe-writers.test.tsx).
import { afterEach, expect, it } from '@jest/globals';
import { type FakeOpenRouter, startFakeOpenRouter } from '../helpers/fake-openrouter.js';
import { type CliSandbox, cliSandbox } from '../helpers/run-cli.js';

let fake: FakeOpenRouter | undefined;
let cli: CliSandbox | undefined;
afterEach(async () => {
  await fake?.close();
  cli?.dispose();
});

it('plain mode: "still waiting for <model> (10 s)…" once on stderr, then the answer', async () => {
  fake = await startFakeOpenRouter();
  cli = cliSandbox(fake.url);
  // Headers at once and a keep-alive comment every 2 s (so no silence timeout fires), the first
  // token after 11.5 s.
  fake.script({
    kind: 'raw',
    handle: (_req, res) => {
      res.writeHead(200, { 'content-type': 'text/event-stream' });
      const chunk = (delta: Record<string, unknown>, finish: string | null) =>
        `data: ${JSON.stringify({ id: 'gen-1', model: 'openai/gpt-4o-mini', object: 'chat.completion.chunk', created: 1, choices: [{ index: 0, delta, finish_reason: finish }] })}\n\n`;
      const keepAlive = setInterval(() => res.write(': OPENROUTER PROCESSING\n\n'), 2_000);
      const answer = setTimeout(() => {
        clearInterval(keepAlive);
        res.end(`${chunk({ role: 'assistant', content: 'at last' }, null)}${chunk({}, 'stop')}data: [DONE]\n\n`);
      }, 11_500);
      res.on('close', () => {
        clearInterval(keepAlive);
        clearTimeout(answer);
      });
    },
  });
  const result = await cli.run(['chat', '-m', 'openai/gpt-4o-mini', 'hi']);
  expect(result.code).toBe(0);
  expect(result.stdout).toBe('at last\n');
  expect(result.stderr).toBe('devsynth-or: still waiting for openai/gpt-4o-mini (10 s)…\n');
}, 40_000);
