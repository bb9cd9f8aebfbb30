// The terminal renderer: Ink and React load here, and only for a terminal. No JSX in this
// module: the JSX runtime would be imported before react-production.js could choose React's
// build.
import './react-production.js';
import { render } from 'ink';
import { createElement } from 'react';
import { ChatCollector, type StreamEvent } from '../core/index.js';
import type { ApprovalChannel } from './approval-channel.js';
import { ChatApp } from './ChatApp.js';
import type { PlainWriterOptions, PlainWriterOutcome } from './plain-writer.js';
import { markShown } from './shown-errors.js';

/**
 * Taps the batches so that the exact answer (and its figures) is kept beside the view. A
 * batch's tokens are joined into one token event, for the collector (a string per read, not
 * per token) and for the view (which folds a batch's text as a whole anyway).
 */
async function* tap(batches: AsyncIterable<StreamEvent[]>, collector: ChatCollector, times: { firstTokenAt?: number }) {
  const tokens: string[] = [];
  for await (const batch of batches) {
    const merged: StreamEvent[] = [];
    for (const event of batch) {
      if (event.type === 'token') tokens.push(event.text);
      else {
        collector.add(event);
        merged.push(event);
      }
    }
    if (tokens.length > 0) {
      times.firstTokenAt ??= Date.now();
      const token: StreamEvent = { type: 'token', text: tokens.length === 1 ? (tokens[0] as string) : tokens.join('') };
      collector.add(token);
      merged.push(token);
      tokens.length = 0;
    }
    yield merged;
  }
}

/**
 * The live line's limit: about eight rows, fewer on a short terminal. The live part must stay
 * shorter than the screen: a taller one makes Ink clear the whole terminal on every frame.
 */
export function maxLiveFor(stdout: { columns?: number; rows?: number }): number {
  const rows = stdout.rows || 24;
  return (stdout.columns || 80) * Math.max(1, Math.min(8, rows - 6));
}

/** `startedAt`: when the request went out, if that was before the UI was loaded. */
export async function renderInk(
  batches: AsyncIterable<StreamEvent[]>,
  options: PlainWriterOptions & { startedAt?: number; approvals?: ApprovalChannel },
): Promise<PlainWriterOutcome> {
  const collector = new ChatCollector();
  const times: { firstTokenAt?: number } = {};
  const startedAt = options.startedAt ?? Date.now();
  const stdout = options.stdout as NodeJS.WriteStream;
  const app = createElement(ChatApp, {
    batches: tap(batches, collector, times),
    footer: !options.quiet,
    ...(options.cached ? { cached: true } : {}),
    maxLive: maxLiveFor(stdout),
    startedAt,
    ...(options.approvals ? { approvals: options.approvals } : {}),
  });
  const instance = render(app, {
    stdout,
    stderr: options.stderr as NodeJS.WriteStream,
    // Ctrl+C arrives as SIGINT and cancels the request (see cli/main.ts); Ink must not exit on it.
    exitOnCtrlC: false,
    patchConsole: false,
  });
  try {
    await instance.waitUntilExit();
  } catch (error) {
    // The panel showed it; the error still decides the exit code.
    markShown(error);
    const partial = collector.result().content;
    if (partial && error && typeof error === 'object' && !(error as { partialContent?: string }).partialContent) {
      Object.assign(error, { partialContent: partial });
    }
    throw error;
  }
  return { ...collector.result(), startedAt, ...(times.firstTokenAt ? { firstTokenAt: times.firstTokenAt } : {}), endedAt: Date.now() };
}
