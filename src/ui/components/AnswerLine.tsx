// One finished line of the answer, styled by its markdown kind.
import { Text } from 'ink';
import type { ViewLine } from '../chat-view-state.js';

export function AnswerLine({ line }: { readonly line: ViewLine }) {
  switch (line.kind) {
    case 'heading':
      return <Text bold color="cyan">{line.text.replace(/^#{1,6}\s+/, '')}</Text>;
    case 'fence':
      return <Text dimColor>{line.text}</Text>;
    case 'code':
      return <Text color="yellow">{`  ${line.text}`}</Text>;
    case 'list':
      return <Text>{line.text.replace(/^(\s*)[-*+]\s/, '$1• ')}</Text>;
    case 'quote':
      return <Text italic dimColor>{line.text}</Text>;
    default:
      // An empty line still takes a row.
      return <Text>{line.text || ' '}</Text>;
  }
}
