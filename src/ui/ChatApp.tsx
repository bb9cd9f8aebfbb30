// One chat answer in a terminal: finished lines written once, straight to the terminal, above
// the live part of the turn; an exit when the answer is complete. The reasoning, dimmed, is
// written the same way when the answer starts, folded to its last few rows.
//
// Finished lines do not go through <Static>: Ink lays out, measures and restyles every
// character of static output (and keeps all of it in memory), which made a long answer cost
// several times the CPU of the plain writer. They are written with Ink's own stdout write,
// which erases the live part, writes the text and draws the live part again below it.
import { useApp, useStdout } from 'ink';
import { useCallback, useEffect, useMemo, useState } from 'react';
import type { StreamEvent } from '../core/index.js';
import { answerText, terminalHasColors } from './answer-text.js';
import type { ChatViewState, ViewLine } from './chat-view-state.js';
import type { ApprovalChannel, PendingApproval } from './approval-channel.js';
import { ApprovalPrompt } from './components/ApprovalPrompt.js';
import { TurnView } from './components/TurnView.js';
import { useChatStream } from './hooks/use-chat-stream.js';

/** Rows of reasoning kept on screen once the answer starts; a note counts the others. */
export const REASONING_ROWS = 3;

export interface ChatAppProps {
  readonly batches: AsyncIterable<StreamEvent[]>;
  /** Show the footer (off with -q). */
  readonly footer: boolean;
  readonly now?: () => number;
  /** Longest unfinished line kept live before it is committed (about a screenful). */
  readonly maxLive?: number;
  readonly onFinish?: (state: ChatViewState) => void;
  /** When the request went out, if before the app started: the footer's times count from it. */
  readonly startedAt?: number;
  /** Tool calls waiting for a yes or no (MCP tools in a terminal). */
  readonly approvals?: ApprovalChannel;
  /** Replayed from the response cache: the footer says so. */
  readonly cached?: boolean;
}

export function ChatApp({ batches, footer, now = Date.now, maxLive, onFinish, startedAt, approvals, cached }: ChatAppProps) {
  const { exit } = useApp();
  const { stdout, write } = useStdout();
  // Written as each frame is about to be shown: Ink erases the live part (which still holds the
  // unfinished line), writes the lines, redraws it, and the frame then replaces it.
  const onLines = useCallback(
    (lines: ViewLine[]) => write(answerText(lines, stdout.columns || 80, terminalHasColors(stdout))),
    [stdout, write],
  );
  // The reasoning stays above the answer, folded to its last few rows.
  const reasoning = useMemo(() => ({ fold: REASONING_ROWS, width: stdout.columns || 80 }), [stdout]);
  const state = useChatStream(batches, {
    now,
    onLines,
    reasoning,
    ...(maxLive ? { maxLive } : {}),
    ...(onFinish ? { onFinish } : {}),
    ...(startedAt !== undefined ? { startedAt } : {}),
  });
  const [pending, setPending] = useState<PendingApproval | undefined>();
  useEffect(() => approvals?.subscribe(setPending), [approvals]);
  useEffect(() => {
    if (state.phase === 'done') exit();
    else if (state.phase === 'error') exit(state.error);
  }, [state.phase, state.error, exit]);
  return (
    <>
      <TurnView state={state} footer={footer} now={now} cached={cached} />
      {pending && state.phase !== 'done' && state.phase !== 'error' ? <ApprovalPrompt pending={pending} /> : null}
    </>
  );
}
