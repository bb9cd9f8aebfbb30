// Consumes the event batches into view state, rendering in frames: the state is published at
// most every FRAME_MS, however fast tokens arrive, so a 100,000-token answer costs a few
// thousand renders rather than a hundred thousand.
import { useEffect, useState } from 'react';
import type { DevsynthError, StreamEvent } from '../../core/index.js';
import { type ChatViewState, finishView, initialViewState, reduceBatch } from '../chat-view-state.js';

export const FRAME_MS = 50;

export function useChatStream(
  batches: AsyncIterable<StreamEvent[]>,
  options: { now?: () => number; maxLive?: number; onFinish?: (state: ChatViewState) => void } = {},
): ChatViewState {
  const now = options.now ?? Date.now;
  const [state, setState] = useState(() => initialViewState(now()));
  useEffect(() => {
    let current = initialViewState(now());
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
          current = reduceBatch(current, batch, now(), options.maxLive);
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
    // The stream is consumed once, for the life of the component.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, []);
  return state;
}
