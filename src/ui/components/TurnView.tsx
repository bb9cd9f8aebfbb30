// The live part of one answer: reasoning, retry notice, spinner, the line being written, the
// error, and the footer. Finished lines (reasoning's too, once the answer starts) are not here:
// they are written above it, once.
import { Box, Text } from 'ink';
import { CancelledError, DevsynthError } from '../../core/index.js';
import { type ChatViewState, foldedNote, type ReasoningView } from '../chat-view-state.js';
import { ErrorBox } from './ErrorBox.js';
import { RetryNotice } from './RetryNotice.js';
import { Spinner } from './Spinner.js';
import { UsageLine } from './UsageLine.js';

/**
 * Reasoning not yet committed: a few short rows (the view cuts its lines to the width and, in
 * fold mode, keeps only the last few), each kept to one row here.
 */
function Reasoning({ reasoning }: { readonly reasoning: ReasoningView }) {
  const rows = [...(reasoning.hidden > 0 ? [foldedNote(reasoning.hidden)] : []), ...reasoning.tail, ...(reasoning.live ? [reasoning.live] : [])];
  return (
    <>
      {rows.map((row, index) => (
        <Text key={index} dimColor italic wrap="truncate-end">
          {row}
        </Text>
      ))}
    </>
  );
}

export function TurnView({ state, footer, now = Date.now, cached }: { readonly state: ChatViewState; readonly footer: boolean; readonly now?: () => number; readonly cached?: boolean | undefined }) {
  const error = state.error;
  const cancelled = error instanceof CancelledError;
  return (
    <Box flexDirection="column">
      {state.reasoning ? <Reasoning reasoning={state.reasoning} /> : null}
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
      {/* No footer under an error: it would hold little but a time, below the panel. */}
      {footer && (state.phase === 'streaming' || state.phase === 'done') ? (
        <UsageLine
          model={state.model}
          provider={state.provider}
          usage={state.usage}
          startedAt={state.startedAt}
          firstTokenAt={state.firstTokenAt}
          endedAt={state.endedAt ?? now()}
          cached={cached}
        />
      ) : null}
    </Box>
  );
}
