// The REPL's prompt: Enter sends; a line ending in "\" continues on the next line; pasted
// text keeps its newlines; up and down walk the history; Ctrl+D on an empty prompt exits.
import { Box, Text, useInput } from 'ink';
import { useState } from 'react';
import { terminalSafe } from '../terminal-safe.js';

export interface InputBoxProps {
  readonly history: readonly string[];
  readonly active: boolean;
  readonly onSubmit: (text: string) => void;
  readonly onEndOfInput: () => void;
}

export function InputBox({ history, active, onSubmit, onEndOfInput }: InputBoxProps) {
  const [value, setValue] = useState('');
  // Position in the history while browsing it; history.length means "the line being typed".
  const [cursor, setCursor] = useState<number | null>(null);

  const submit = (text: string) => {
    if (text.endsWith('\\')) {
      setValue(`${text.slice(0, -1)}\n`);
      return;
    }
    if (text.trim() !== '') onSubmit(text);
    setValue('');
    setCursor(null);
  };

  useInput(
    (input, key) => {
      if (key.ctrl && input === 'c') return; // the REPL decides what Ctrl+C means
      if (key.ctrl && input === 'd') {
        if (value === '') onEndOfInput();
        return;
      }
      if (key.return) {
        submit(value);
        return;
      }
      if (key.backspace || key.delete) {
        setValue((v) => v.slice(0, -1));
        return;
      }
      if (key.upArrow || key.downArrow) {
        if (history.length === 0) return;
        const from = cursor ?? history.length;
        const to = Math.max(0, Math.min(history.length, from + (key.upArrow ? -1 : 1)));
        setCursor(to);
        setValue(history[to] ?? '');
        return;
      }
      if (key.escape || key.tab || key.leftArrow || key.rightArrow || key.meta || key.ctrl) return;
      // Typed characters, or several at once: a chunk that ends in CR is text then Enter
      // (fast typing); CRs inside it are the line breaks of a paste.
      const text = input.replace(/\r\n?/g, '\r');
      if (text.length > 1 && text.endsWith('\r')) {
        submit(value + text.slice(0, -1).replace(/\r/g, '\n'));
        return;
      }
      setValue((v) => v + text.replace(/\r/g, '\n'));
    },
    { isActive: active },
  );

  const lines = value.split('\n');
  return (
    <Box flexDirection="column">
      {lines.map((line, index) => (
        <Text key={index}>
          <Text color="cyan">{index === 0 ? '› ' : '  '}</Text>
          {/* Pasted text, or an earlier prompt recalled from the session file. */}
          {terminalSafe(line)}
          {index === lines.length - 1 ? <Text inverse> </Text> : null}
        </Text>
      ))}
    </Box>
  );
}
