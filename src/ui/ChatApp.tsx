// One chat answer in a terminal: finished lines in <Static> (written once), the live part of
// the turn below it, and an exit when the answer is complete.
import { Static, useApp } from 'ink';
import { useEffect } from 'react';
import type { StreamEvent } from '../core/index.js';
import type { ChatViewState } from './chat-view-state.js';
import { AnswerLine } from './components/AnswerLine.js';
import { TurnView } from './components/TurnView.js';
import { useChatStream } from './hooks/use-chat-stream.js';

export interface ChatAppProps {
  readonly batches: AsyncIterable<StreamEvent[]>;
  /** Show the footer (off with -q). */
  readonly footer: boolean;
  readonly now?: () => number;
  /** Longest unfinished line kept live before it is committed (about a screenful). */
  readonly maxLive?: number;
  readonly onFinish?: (state: ChatViewState) => void;
}

export function ChatApp({ batches, footer, now = Date.now, maxLive, onFinish }: ChatAppProps) {
  const { exit } = useApp();
  const state = useChatStream(batches, { now, ...(maxLive ? { maxLive } : {}), ...(onFinish ? { onFinish } : {}) });
  useEffect(() => {
    if (state.phase === 'done') exit();
    else if (state.phase === 'error') exit(state.error);
  }, [state.phase, state.error, exit]);
  return (
    <>
      <Static items={state.lines}>{(line) => <AnswerLine key={line.id} line={line} />}</Static>
      <TurnView state={state} footer={footer} now={now} />
    </>
  );
}
