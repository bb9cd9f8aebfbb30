// One finished line of the answer, styled by its markdown kind (the REPL's transcript; the
// one-shot chat writes the same styling as text: see answer-text.ts).
import { Text } from 'ink';
import { displayText } from '../answer-text.js';
import type { ViewLine } from '../chat-view-state.js';

export function AnswerLine({ line }: { readonly line: ViewLine }) {
  const text = displayText(line);
  switch (line.kind) {
    case 'heading':
      return <Text bold color="cyan">{text}</Text>;
    case 'fence':
      return <Text dimColor>{text}</Text>;
    case 'code':
      return <Text color="yellow">{text}</Text>;
    case 'quote':
      return <Text italic dimColor>{text}</Text>;
    default:
      return <Text>{text}</Text>;
  }
}
