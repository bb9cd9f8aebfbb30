// One chat answer in a terminal: finished lines in <Static> (written once), the line being
// written, a spinner until the first token, retry notices, an error panel, and the footer.
import { Box, Static, Text, useApp } from 'ink';
import { useEffect } from 'react';
import { CancelledError, DevsynthError, type StreamEvent } from '../core/index.js';
import type { ChatViewState } from './chat-view-state.js';
import { AnswerLine } from './components/AnswerLine.js';
import { ErrorBox } from './components/ErrorBox.js';
import { RetryNotice } from './components/RetryNotice.js';
import { Spinner } from './components/Spinner.js';
import { UsageLine } from './components/UsageLine.js';
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

  const error = state.error;
  const cancelled = error instanceof CancelledError;
  return (
    <>
      <Static items={state.lines}>{(line) => <AnswerLine key={line.id} line={line} />}</Static>
      <Box flexDirection="column">
        {state.phase === 'waiting' && state.reasoning ? (
          <Text dimColor italic>
            {state.reasoning}
          </Text>
        ) : null}
        {state.retry ? <RetryNotice retry={state.retry} now={now} /> : null}
        {state.phase === 'waiting' && !state.retry ? (
          <Spinner label={state.model ? `waiting for ${state.model}` : 'waiting for the first token'} />
        ) : null}
        {state.live ? <Text>{state.live}</Text> : null}
        {error && cancelled ? <Text color="yellow">⏹ cancelled; the partial answer is kept</Text> : null}
        {error && !cancelled ? (
          <ErrorBox message={error.message} hint={error instanceof DevsynthError ? error.hint : undefined} />
        ) : null}
        {footer && state.phase !== 'waiting' ? (
          <UsageLine
            model={state.model}
            provider={state.provider}
            usage={state.usage}
            startedAt={state.startedAt}
            firstTokenAt={state.firstTokenAt}
            endedAt={state.endedAt ?? now()}
          />
        ) : null}
      </Box>
    </>
  );
}
