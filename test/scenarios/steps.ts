// The scenarios' vocabulary: each step is a pattern and what it does to the World. A step's
// text must match exactly one pattern.
import { expect } from '@jest/globals';
import type { ChatMessage, DevsynthError } from '../../src/index.js';
import { errorBodies } from '../helpers/fake-openrouter.js';
import type { ProviderName, World } from './world.js';

export type StepTable = readonly (readonly string[])[];
export interface StepDefinition {
  pattern: RegExp;
  run: (world: World, args: string[], table?: StepTable) => Promise<void> | void;
}

const steps: StepDefinition[] = [];
const step = (pattern: RegExp, run: StepDefinition['run']) => steps.push({ pattern, run });
export const STEPS: readonly StepDefinition[] = steps;

const conversation = (table: StepTable | undefined): ChatMessage[] =>
  (table ?? []).slice(1).map(([role, content]) => ({ role: role as ChatMessage['role'], content: content ?? '' }));
const chosenServer = (world: World): 'openrouter' | 'lmstudio' => {
  if (world.providerName === 'offline' || !world.providerName) throw new Error('the offline provider has no server');
  return world.providerName;
};

// Given
step(/^the "(offline|openrouter|lmstudio)" provider$/, (world, [name]) => world.use(name as ProviderName));
step(/^the "(openrouter)" provider with the fallback "(offline|lmstudio)"$/, (world, [name, fallback]) =>
  world.use(name as ProviderName, fallback as ProviderName),
);
step(/^its server is down$/, async (world) => (await world.server(chosenServer(world))).close());
step(/^OpenRouter is down$/, async (world) => (await world.server('openrouter')).close());
step(/^OpenRouter is up$/, async (world) => void (await world.server('openrouter')));
step(/^its server answers (\d+) to every chat request$/, async (world, [status]) => {
  const server = await world.server(chosenServer(world));
  for (let i = 0; i < 10; i++) server.script(errorBodies.server(Number(status) as 502));
});
step(/^its server rejects the key$/, async (world) => (await world.server(chosenServer(world))).script(errorBodies.userNotFound()));
step(/^its server drops the stream after (\d+) pieces$/, async (world, [count]) => {
  const server = await world.server(chosenServer(world));
  for (let i = 0; i < 2; i++) server.script({ kind: 'reset', afterChunks: Number(count) });
});

// When
const attempt = async (world: World, action: () => Promise<void>) => {
  try {
    await action();
  } catch (error) {
    world.error = error;
  }
};
step(/^I generate an answer to "([^"]*)"$/, (world, [prompt]) =>
  attempt(world, async () => {
    world.answer = await world.provider!.generate(prompt as string);
  }),
);
step(/^I generate an answer to "([^"]*)" with temperature (\d+(?:\.\d+)?)$/, (world, [prompt, temperature]) =>
  attempt(world, async () => {
    world.answer = await world.provider!.generate(prompt as string, { temperature: Number(temperature) });
  }),
);
step(/^I generate an answer to "([^"]*)" after the conversation:$/, (world, [prompt], table) =>
  attempt(world, async () => {
    world.answer = await world.provider!.generateWithContext(prompt as string, conversation(table));
  }),
);
const stream = async (world: World, prompt: string, context: ChatMessage[] = []) =>
  attempt(world, async () => {
    world.pieces = [];
    for await (const piece of world.provider!.generateWithContextStream(prompt, context)) world.pieces.push(piece);
  });
step(/^I stream an answer to "([^"]*)"$/, (world, [prompt]) => stream(world, prompt as string));
step(/^I stream an answer to "([^"]*)" after the conversation:$/, (world, [prompt], table) => stream(world, prompt as string, conversation(table)));
step(/^I embed the texts "([^"]*)", "([^"]*)" and "([^"]*)"$/, (world, texts) =>
  attempt(world, async () => {
    world.vectors = await world.provider!.getEmbedding(texts);
  }),
);
step(/^I embed the text "([^"]*)"$/, (world, [text]) =>
  attempt(world, async () => {
    world.vectors = [await world.provider!.getEmbedding(text as string)];
  }),
);
/** `chat --json "hi"` → ['chat', '--json', 'hi']. */
const words = (line: string) => [...line.matchAll(/"([^"]*)"|(\S+)/g)].map((m) => m[1] ?? (m[2] as string));
step(/^I run devsynth-or with the fallback "([^"]+)": (.+)$/, async (world, [fallback, line]) => {
  await world.runCli(words(line as string), { fallback: fallback as string });
});
step(/^I run devsynth-or with the provider "([^"]+)": (.+)$/, async (world, [provider, line]) => {
  await world.runCli(words(line as string), { provider: provider as string });
});

// Then
const succeeded = (world: World) => {
  if (world.error) throw world.error;
};
const answerText = (world: World) => world.answer ?? world.pieces.join('');
step(/^the answer is not empty$/, (world) => {
  succeeded(world);
  expect(answerText(world).trim()).not.toBe('');
});
step(/^the streamed pieces join into the generated answer$/, (world) => {
  succeeded(world);
  expect(world.pieces.join('')).toBe(world.answer);
});
step(/^the stream came in more than one piece$/, (world) => expect(world.pieces.length).toBeGreaterThan(1));
step(/^the stream reported usage$/, (world) => {
  const usage = world.events.filter((e) => e.type === 'usage').at(-1);
  expect(usage).toMatchObject({ usage: { prompt_tokens: expect.any(Number), completion_tokens: expect.any(Number), total_tokens: expect.any(Number) } });
});
step(/^the provider saw (\d+) messages, the last from the user$/, (world, [count]) => {
  succeeded(world);
  if (world.providerName === 'offline') {
    // The offline provider says what it was given.
    expect(answerText(world)).toContain(`${count} messages in the conversation`);
    return;
  }
  const messages = world.chatRequests(chosenServer(world)).at(-1)?.messages as ChatMessage[];
  expect(messages).toHaveLength(Number(count));
  expect(messages.at(-1)?.role).toBe('user');
});
step(/^I get (\d+) vectors? of one length$/, (world, [count]) => {
  succeeded(world);
  expect(world.vectors).toHaveLength(Number(count));
  const lengths = new Set(world.vectors.map((v) => v.length));
  expect(lengths.size).toBe(1);
  expect([...lengths][0]).toBeGreaterThan(0);
  for (const vector of world.vectors) expect(vector.every(Number.isFinite)).toBe(true);
});
step(/^vectors (\d+) and (\d+) are equal$/, (world, [a, b]) => expect(world.vectors[Number(a) - 1]).toEqual(world.vectors[Number(b) - 1]));
step(/^vectors (\d+) and (\d+) differ$/, (world, [a, b]) => expect(world.vectors[Number(a) - 1]).not.toEqual(world.vectors[Number(b) - 1]));
step(/^it fails as "([a-z_]+)" with exit code (\d+)$/, (world, [kind, code]) => {
  expect(world.error).toBeDefined();
  expect((world.error as DevsynthError).kind).toBe(kind);
  expect((world.error as DevsynthError).exitCode).toBe(Number(code));
});
step(/^no request reached the server$/, (world) => {
  for (const server of Object.values(world.servers)) expect(server?.requests ?? []).toHaveLength(0);
});
step(/^the server was asked (\d+) times$/, (world, [count]) => expect(world.chatRequests(chosenServer(world))).toHaveLength(Number(count)));
step(/^the partial answer "([^"]*)" was kept$/, (world, [partial]) => {
  expect(world.pieces.join('')).toBe(partial);
  expect((world.error as DevsynthError).partialContent).toBe(partial);
});
step(/^"([a-z]+)" answered after a fallback from "([a-z]+)"$/, (world, [to, from]) => {
  succeeded(world);
  const fallbacks = world.events.filter((e) => e.type === 'fallback');
  expect(fallbacks).toEqual([expect.objectContaining({ type: 'fallback', from, to })]);
  if (to === 'offline') expect(answerText(world)).toContain('[offline]');
  else expect(world.chatRequests(to as 'lmstudio')).toHaveLength(1);
});
step(/^LM Studio was not asked$/, (world) => expect(world.chatRequests('lmstudio')).toHaveLength(0));
step(/^the command exits with (\d+)$/, (world, [code]) => {
  const result = world.cliResult!;
  expect({ code: result.code, stderr: result.stderr }).toEqual({ code: Number(code), stderr: expect.any(String) });
});
step(/^its JSON says it was answered by "([a-z]+)"$/, (world, [provider]) =>
  expect(JSON.parse(world.cliResult!.stdout)).toMatchObject({ answered_by: provider }),
);
step(/^its JSON content is not empty$/, (world) => expect(JSON.parse(world.cliResult!.stdout).content.trim()).not.toBe(''));
step(/^its standard error (says|does not say) "([^"]*)"$/, (world, [says, text]) => {
  if (says === 'says') expect(world.cliResult!.stderr).toContain(text);
  else expect(world.cliResult!.stderr).not.toContain(text);
});
