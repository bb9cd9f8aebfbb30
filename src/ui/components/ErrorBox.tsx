// A failure as a readable panel: what happened, and what to do about it.
import { Box, Text } from 'ink';

export function ErrorBox({ message, hint }: { readonly message: string; readonly hint?: string | undefined }) {
  return (
    <Box borderStyle="round" borderColor="red" flexDirection="column" paddingX={1}>
      <Text color="red" bold>
        {message}
      </Text>
      {hint ? <Text dimColor>hint: {hint}</Text> : null}
    </Box>
  );
}
