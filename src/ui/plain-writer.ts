// The renderer for pipes, files and CI: the answer alone on stdout, written once per network
// read (not per token: a write per delta alone costs 1.5× on a 100k-token stream); retries,
// usage and warnings on stderr; with --json, one object at the end instead.
//
// The answer's bytes reach a pipe or a file unchanged (they are the user's data); on a terminal
// they are made terminal-safe, one pass per read. What goes to stderr is always made safe: it
// is a message for a person (or a log a person will read), and it carries the server's words.
import { ChatCollector, type ChatResult, DevsynthError, type StreamEvent, type Usage } from '../core/index.js';
import { citationLines } from './citation-lines.js';
import { formatUsageLine } from './format-usage.js';
import { terminalSafe, terminalSafeJson } from './terminal-safe.js';
import { toolCallLine, toolResultLine } from './tool-lines.js';

/** How long without a first token before plain mode says it is still waiting. */
export const WAIT_NOTICE_MS = 10_000;

export interface PlainWriterOptions {
  json: boolean;
  /** --usage: a usage line on stderr at the end. */
  usage: boolean;
  /** -q: nothing on stderr but errors. */
  quiet: boolean;
  stdout: { write(text: string): unknown; isTTY?: boolean };
  stderr: { write(text: string): unknown };
  /** The provider asked first: `answered_by` in --json unless a fallback answered. */
  providerId?: string;
  /** The model asked for, named in the still-waiting notice until the stream names one. */
  model?: string;
  now?: () => number;
  /** --schema, --extract: what is printed instead of the answer. */
  shaper?: AnswerShaper;
  /** -m auto: how the model was chosen, the `auto` member of --json. */
  auto?: Record<string, unknown>;
  /** The answer was replayed from the response cache: `"cached": true` in --json, said in the usage line. */
  cached?: boolean;
}

/** Turns the answer into what is printed instead of it (app/output: --schema, --extract). */
export interface AnswerShaper {
  /** A piece of the answer as it streams; returns the text to print now ("" for none). */
  push(text: string): string;
  /**
   * The whole answer: the rest to print, and the fields the --json object gains. Throws (an
   * AnswerContractError) when the answer fails its contract.
   */
  finish(content: string): { text: string; fields: Record<string, unknown> };
}

/** What the writer saw, for the session store and for `--json` failures. */
export interface PlainWriterOutcome extends ChatResult {
  startedAt: number;
  firstTokenAt?: number;
  endedAt: number;
}

/**
 * Renders a chat stream. Throws what the stream throws, after ending the partial answer with a
 * newline; the error then carries the partial text.
 */
export async function writePlain(
  batches: AsyncIterable<StreamEvent[]>,
  options: PlainWriterOptions,
): Promise<PlainWriterOutcome> {
  const now = options.now ?? Date.now;
  const collector = new ChatCollector();
  const startedAt = now();
  let firstTokenAt: number | undefined;
  let lastChar = '\n';
  /** Characters of the answer on stdout so far. */
  let written = 0;
  const toTerminal = Boolean(options.stdout.isTTY);
  let model = options.model;
  // Minutes of silence (a slow model, retries) must not look like a hang to a person.
  const waitNotice =
    options.quiet || options.json
      ? undefined
      : setTimeout(() => {
          const seconds = Math.round((now() - startedAt) / 1000);
          options.stderr.write(`devsynth-or: still waiting for ${terminalSafe(model ?? 'the first token')} (${seconds} s)…\n`);
        }, WAIT_NOTICE_MS);
  // It must not keep the process alive on its own.
  waitNotice?.unref?.();
  const outcome = (): PlainWriterOutcome => ({
    ...collector.result(),
    startedAt,
    ...(firstTokenAt !== undefined ? { firstTokenAt } : {}),
    endedAt: now(),
  });
  try {
    const tokens: string[] = [];
    for await (const batch of batches) {
      for (const event of batch) {
        // A read's tokens reach the collector as one piece (below): it keeps a string per
        // read rather than one per token.
        if (event.type === 'token') tokens.push(event.text);
        else collector.add(event);
        if (event.type === 'meta' && event.model) model = event.model;
        if (event.type === 'fallback' && !options.quiet) {
          // Said even with --json: stdout keeps its one object, and a person reading stderr
          // must know that another provider answered.
          options.stderr.write(`${terminalSafe(fallbackNotice(event))}\n`);
        } else if ((event.type === 'tool_call' || event.type === 'tool_result') && !options.quiet) {
          // Said even with --json, as a fallback is: a tool ran (or was refused) on the user's behalf.
          options.stderr.write(`devsynth-or: ${terminalSafe(event.type === 'tool_call' ? toolCallLine(event) : toolResultLine(event).trimStart())}\n`);
        } else if (event.type === 'retry' && !options.quiet && !options.json) {
          options.stderr.write(
            `devsynth-or: ${terminalSafe(event.reason)}, retrying in ${(event.delayMs / 1000).toFixed(1)} s (attempt ${event.attempt + 1} of ${event.maxRetries + 1})\n`,
          );
        }
      }
      const text = tokens.length === 1 ? (tokens[0] as string) : tokens.join('');
      tokens.length = 0;
      if (text.length > 0) {
        collector.add({ type: 'token', text });
        if (firstTokenAt === undefined) {
          firstTokenAt = now();
          clearTimeout(waitNotice);
        }
        const shown = options.shaper ? options.shaper.push(text) : text;
        if (!options.json && shown) {
          options.stdout.write(toTerminal ? terminalSafe(shown) : shown);
          lastChar = shown[shown.length - 1] ?? lastChar;
        }
        written += text.length;
      }
    }
  } catch (error) {
    // With a shaper, the raw answer is not what stdout is for (the error carries it).
    if (!options.json && !options.shaper) {
      // A reply that ends in an error may carry text never sent as tokens (a non-streamed
      // completion whose choice failed): it is printed as the streamed part would have been.
      const unwritten = error instanceof DevsynthError ? error.partialContent : undefined;
      if (unwritten !== undefined && unwritten.length > written) {
        const rest = unwritten.slice(written);
        options.stdout.write(toTerminal ? terminalSafe(rest) : rest);
        lastChar = rest[rest.length - 1] ?? lastChar;
      }
      if (lastChar !== '\n') options.stdout.write('\n');
    }
    throw error;
  } finally {
    clearTimeout(waitNotice);
  }
  const result = outcome();
  const shaped = options.shaper?.finish(result.content);
  if (options.json) {
    options.stdout.write(`${terminalSafeJson({ ...jsonResult(result, options.providerId, options.auto), ...(options.cached ? { cached: true } : {}), ...shaped?.fields })}\n`);
  } else if (shaped) {
    if (shaped.text) options.stdout.write(toTerminal ? terminalSafe(shaped.text) : shaped.text);
  } else if (lastChar !== '\n') {
    options.stdout.write('\n');
  }
  // The sources go to stderr: stdout is the answer alone (with --json, they are in the object).
  if (!options.json && !options.quiet && result.citations?.length) options.stderr.write(citationLines(result.citations));
  if (options.usage && !options.quiet && result.usage) {
    options.stderr.write(`${terminalSafe(formatUsageLine({ ...result, ...(options.cached ? { cached: true } : {}) }))}\n`);
  }
  return result;
}

/** "openrouter is unavailable (…); answering with lmstudio", for stderr and the UI. */
export function fallbackNotice(event: { from: string; to: string; reason: string }): string {
  return `devsynth-or: ${event.from} is unavailable (${event.reason}); answering with ${event.to}`;
}

/**
 * The contract's `--json` success object. `provider` is who served the model (OpenRouter
 * names the upstream); `answered_by` is which of our providers did, and `fallbacks` the ones
 * passed over before it; `auto` how -m auto chose the model.
 */
export function jsonResult(result: ChatResult, providerId?: string, auto?: Record<string, unknown>): Record<string, unknown> {
  const json: Record<string, unknown> = {
    id: result.id ?? null,
    model: result.model ?? null,
    provider: result.provider ?? null,
    content: result.content,
  };
  const answeredBy = result.answeredBy ?? providerId;
  if (answeredBy) json.answered_by = answeredBy;
  if (result.fallbacks?.length) json.fallbacks = result.fallbacks;
  if (auto) json.auto = auto;
  if (result.reasoning !== undefined) json.reasoning = result.reasoning;
  if (result.citations?.length) json.citations = result.citations;
  if (result.toolCalls?.length) json.tool_calls = result.toolCalls.map((call) => ({ id: call.id, name: call.name, arguments: call.arguments }));
  json.finish_reason = result.finishReason;
  json.usage = result.usage ?? emptyUsage();
  return json;
}

function emptyUsage(): Usage {
  return { prompt_tokens: 0, completion_tokens: 0, total_tokens: 0 };
}
