// The live part of one answer: reasoning, retry notice, spinner, the line being written, the
// error, and the footer. Finished lines are not here: they are written above it, once.
import { Box, Text } from 'ink';
import { CancelledError, DevsynthError } from '../../core/index.js';
import type { ChatViewState } from '../chat-view-state.js';
import { ErrorBox } from './ErrorBox.js';
import { RetryNotice } from './RetryNotice.js';
import { Spinner } from './Spinner.js';
import { UsageLine } from './UsageLine.js';

export function TurnView({ state, footer, now = Date.now }: { readonly state: ChatViewState; readonly footer: boolean; readonly now?: () => number }) {
  const error = state.error;
  const cancelled = error instanceof CancelledError;
  return (
    <Box flexDirection="column">
      {state.phase === 'waiting' && state.reasoning ? (
        <Text dimColor italic>
          {state.reasoning}
        </Text>
      ) : null}
      {state.fallbacks.map((notice, index) => (
        <Text key={index} color="yellow">
          ⤳ {notice}
        </Text>
      ))}
      {state.retry ? <RetryNotice retry={state.retry} now={now} /> : null}
      {state.phase === 'waiting' && !state.retry ? <Spinner label={state.model ? `waiting for ${state.model}` : 'waiting for the first token'} since={state.startedAt} now={now} /> : null}
      {state.live ? <Text>{state.live}</Text> : null}
      {error && cancelled ? <Text color="yellow">⏹ cancelled; the partial answer is kept</Text> : null}
      {error && !cancelled ? <ErrorBox message={error.message} hint={error instanceof DevsynthError ? error.hint : undefined} /> : null}
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
  );
}
