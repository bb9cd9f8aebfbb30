// Consumes the event batches into view state, rendering in frames: the state is published at
// most every FRAME_MS, however fast tokens arrive, so a 100,000-token answer costs a few
// thousand renders rather than a hundred thousand.
import { useEffect, useState } from 'react';
import type { DevsynthError, StreamEvent } from '../../core/index.js';
import { type ChatViewState, finishView, initialViewState, type ReasoningShape, reduceBatch, type ViewLine } from '../chat-view-state.js';

export const FRAME_MS = 50;

export interface ChatStreamOptions {
  now?: () => number;
  maxLive?: number;
  onFinish?: (state: ChatViewState) => void;
  /**
   * Takes the lines finished since the last frame, just before the frame is shown; they are
   * then dropped from the view (its `lines` stay empty), so that a long answer is not kept
   * and copied again on every read. Without it, `lines` holds every finished line.
   */
  onLines?: (lines: ViewLine[]) => void;
  /** When the request went out, if before this hook saw the stream (else: now). */
  startedAt?: number;
  /** How reasoning is kept once the answer starts (see chat-view-state.ts). */
  reasoning?: ReasoningShape;
}

/**
 * `batches` is consumed once; a new iterable (the REPL's next turn) starts a new view. Without
 * one, the state stays idle.
 */
export function useChatStream(batches: AsyncIterable<StreamEvent[]> | undefined, options: ChatStreamOptions = {}): ChatViewState {
  const now = options.now ?? Date.now;
  // The view is tagged with the stream it belongs to: until the effect for a new stream runs,
  // the previous stream's view must not be shown as the new one's.
  const [tagged, setTagged] = useState(() => ({ source: batches, view: initialViewState(options.startedAt ?? now()) }));
  useEffect(() => {
    if (!batches) return undefined;
    let current = initialViewState(options.startedAt ?? now());
    const { onLines } = options;
    const setState = (view: ChatViewState) => {
      if (onLines && view.lines.length > 0) {
        onLines(view.lines);
        view = { ...view, lines: [] };
        current = view;
      }
      setTagged({ source: batches, view });
    };
    setState(current);
    let dirty = false;
    let active = true;
    const timer = setInterval(() => {
      if (dirty && active) {
        dirty = false;
        setState(current);
      }
    }, FRAME_MS);
    void (async () => {
      try {
        for await (const batch of batches) {
          current = reduceBatch(current, batch, now(), options.maxLive, options.reasoning);
          dirty = true;
        }
        current = finishView(current, now());
      } catch (error) {
        current = finishView(current, now(), error as DevsynthError);
      }
      clearInterval(timer);
      if (active) setState(current);
      options.onFinish?.(current);
    })();
    return () => {
      active = false;
      clearInterval(timer);
    };
    // Each stream is consumed once; only a new stream restarts the view.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [batches]);
  return tagged.source === batches ? tagged.view : initialViewState(now());
}
