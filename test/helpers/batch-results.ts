// What the batch tests read back: the chat requests the fake server saw, the prompt each sent,
// and the NDJSON result lines a batch printed or wrote.
import type { FakeOpenRouter, RecordedRequest } from './fake-openrouter.js';

/** The chat requests the server received, in order. */
export const chats = (fake: FakeOpenRouter): RecordedRequest[] => fake.requests.filter((r) => r.method === 'POST' && r.path === '/chat/completions');

/** The last user message a request sent (a batch item's prompt). */
export const promptOf = (request: RecordedRequest): string => {
  const messages = request.body?.messages as Array<{ role: string; content: unknown }>;
  return messages.filter((m) => m.role === 'user').at(-1)?.content as string;
};

/** A batch's NDJSON output, one object per line. */
export const results = (text: string): Array<Record<string, any>> =>
  text
    .trim()
    .split('\n')
    .filter(Boolean)
    .map((line) => JSON.parse(line) as Record<string, any>);
