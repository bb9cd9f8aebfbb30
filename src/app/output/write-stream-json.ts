// --format stream-json: every event of the call as one NDJSON line on stdout, as it happens, and
// a final `{"type":"result",...}` (the --json object's fields). A failure's final
// `{"type":"error",...}` line is written where every error becomes output (cli/render-error.ts),
// so that auth, config and usage errors before any request end the stream the same way.
import { ChatCollector, DevsynthError, type StreamEvent } from '../../core/index.js';
import { jsonResult, type PlainWriterOptions, type PlainWriterOutcome } from '../../ui/plain-writer.js';
import { terminalSafeJson } from '../../ui/terminal-safe.js';

/** One event as a JSON object: snake_case keys as in --json, errors as their --json form. */
export function streamJsonEvent(event: { type: string }): Record<string, unknown> {
  const json: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(event as Record<string, unknown>)) {
    json[key.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`)] =
      value instanceof DevsynthError ? value.toJSON() : value instanceof Error ? { message: value.message } : value;
  }
  return json;
}

const line = (value: Record<string, unknown>) => `${terminalSafeJson(value)}\n`;

export async function writeStreamJson(batches: AsyncIterable<StreamEvent[]>, options: PlainWriterOptions): Promise<PlainWriterOutcome> {
  const now = options.now ?? Date.now;
  const collector = new ChatCollector();
  const startedAt = now();
  let firstTokenAt: number | undefined;
  for await (const batch of batches) {
    // A read's tokens become one token event: a line per delta costs a write per delta.
    let out = '';
    let text = '';
    const flushText = () => {
      if (!text) return;
      collector.add({ type: 'token', text });
      options.shaper?.push(text);
      firstTokenAt ??= now();
      out += line({ type: 'token', text });
      text = '';
    };
    for (const event of batch) {
      if (event.type === 'token') {
        text += event.text;
        continue;
      }
      flushText();
      collector.add(event);
      out += line(streamJsonEvent(event));
    }
    flushText();
    if (out) options.stdout.write(out);
  }
  const result = collector.result();
  const shaped = options.shaper?.finish(result.content);
  options.stdout.write(line({ type: 'result', ...jsonResult(result, options.providerId, options.auto), ...(options.cached ? { cached: true } : {}), ...shaped?.fields }));
  return { ...result, startedAt, ...(firstTokenAt !== undefined ? { firstTokenAt } : {}), endedAt: now() };
}
