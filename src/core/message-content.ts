// A message's content is text or a list of parts (text, images, files, audio). Code that only
// needs the words (previews, history, the offline provider) reads them through textOf, so that
// a list of parts is never treated as a string.
import type { ContentPart, MessageContent } from './types.js';

/** The message's text: a string as it is, or its text parts joined by blank lines. */
export function textOf(content: MessageContent): string {
  if (typeof content === 'string') return content;
  return content
    .filter((part): part is Extract<ContentPart, { type: 'text' }> => part.type === 'text')
    .map((part) => part.text)
    .join('\n\n');
}

/** The parts that are not text (images, files, audio). */
export function mediaPartsOf(content: MessageContent): ContentPart[] {
  return typeof content === 'string' ? [] : content.filter((part) => part.type !== 'text');
}
