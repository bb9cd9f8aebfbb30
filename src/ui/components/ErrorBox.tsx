// A failure as a readable panel: what happened, and what to do about it. The message and hint
// may carry a server's words, so they are made terminal-safe here, where they are drawn.
import { Box, Text } from 'ink';
import { terminalSafe } from '../terminal-safe.js';

export function ErrorBox({ message, hint }: { readonly message: string; readonly hint?: string | undefined }) {
  return (
    <Box borderStyle="round" borderColor="red" flexDirection="column" paddingX={1}>
      <Text color="red" bold>
        {terminalSafe(message)}
      </Text>
      {hint ? <Text dimColor>hint: {terminalSafe(hint)}</Text> : null}
    </Box>
  );
}
