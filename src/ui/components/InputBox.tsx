// The REPL's prompt, as the line editor's state draws it (line-editor.ts holds the keys): the
// text on one or more lines, the cursor as an inverse cell over the grapheme it is on (a wide
// character's two cells, an emoji's whole cluster), and Ctrl+R's search as readline shows it.
import { Box, Text } from 'ink';
import { type LineEditorState, splitAtCursor } from '../line-editor.js';
import { terminalSafeCell } from '../terminal-safe.js';

export interface InputBoxProps {
  readonly state: LineEditorState;
}

/** Recalled text comes from the history file or a session: made terminal-safe (a tab as a space). */
const shown = (text: string) => terminalSafeCell(text);

export function InputBox({ state }: InputBoxProps) {
  const { text, cursor, search } = state;
  const lines = text.split('\n');
  let start = 0;
  const prompt = search ? `(${search.match === null && search.query ? 'failed ' : ''}reverse-i-search)\`${shown(search.query)}': ` : '› ';
  return (
    <Box flexDirection="column">
      {lines.map((line, index) => {
        const from = start;
        start += line.length + 1;
        const prefix = <Text color="cyan">{index === 0 ? prompt : '  '}</Text>;
        if (cursor < from || cursor > from + line.length) {
          return (
            <Text key={index}>
              {prefix}
              {shown(line)}
            </Text>
          );
        }
        const [before, under, after] = splitAtCursor(line, cursor - from);
        return (
          <Text key={index}>
            {prefix}
            {shown(before)}
            <Text inverse>{shown(under)}</Text>
            {shown(after)}
          </Text>
        );
      })}
    </Box>
  );
}
