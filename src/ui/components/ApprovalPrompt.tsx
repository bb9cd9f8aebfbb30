// The question before a tool runs: which tool, from which server, with what arguments, and a
// key to answer. Ctrl+C, which raw mode delivers as a key here, still interrupts the run.
import { Box, Text, useInput } from 'ink';
import type { PendingApproval } from '../approval-channel.js';
import { terminalSafe } from '../terminal-safe.js';

/** Arguments shown on one row at most this long: enough to judge, not a page. */
const ARGUMENTS_CHARS = 200;

export function ApprovalPrompt({ pending }: { readonly pending: PendingApproval }) {
  useInput((input, key) => {
    if (key.ctrl && input === 'c') {
      // Unanswered: the run is cancelled, and no reply (not even a refusal) goes to the model.
      process.kill(process.pid, 'SIGINT');
      return;
    }
    const said = input.toLowerCase();
    if (said === 'y') pending.answer('yes');
    else if (said === 'a') pending.answer('always');
    else if (said === 'n' || key.escape) pending.answer('no');
  });
  const json = JSON.stringify(pending.arguments ?? {}) ?? '{}';
  const shown = json.length > ARGUMENTS_CHARS ? `${json.slice(0, ARGUMENTS_CHARS - 1)}…` : json;
  return (
    <Box flexDirection="column">
      <Text color="yellow">
        Run the tool {terminalSafe(pending.tool)} ({terminalSafe(pending.server)}) with {terminalSafe(shown)}?
      </Text>
      <Text>
        <Text bold>y</Text> yes · <Text bold>n</Text> no · <Text bold>a</Text> always for this tool
      </Text>
    </Box>
  );
}
