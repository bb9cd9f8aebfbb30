// An MCP tool's result as the text fed back to the model. Images and audio are described, not
// inlined (a chat message of role "tool" carries text); structured content is given as JSON when
// there is no text. Capped: a tool that returns megabytes would fill the context and the bill.
export const MAX_RESULT_CHARS = 256 * 1024;

type ContentItem = { type: string; text?: string; mimeType?: string; data?: string; uri?: string; name?: string; resource?: { uri?: string; text?: string; mimeType?: string } };

export interface ToolResultText {
  text: string;
  isError: boolean;
}

function describe(item: ContentItem): string {
  switch (item.type) {
    case 'text':
      return item.text ?? '';
    case 'image':
    case 'audio':
      return `[${item.type}: ${item.mimeType ?? 'unknown type'}, ${Math.round(((item.data?.length ?? 0) * 3) / 4 / 1024)} KB, not shown]`;
    case 'resource':
      return item.resource?.text ?? `[resource: ${item.resource?.uri ?? 'no uri'}]`;
    case 'resource_link':
      return `[resource: ${item.name ?? ''} ${item.uri ?? ''}]`.replace(/\s+\]/, ']');
    default:
      return `[${item.type} content, not shown]`;
  }
}

export function toolResultText(result: { content?: unknown; structuredContent?: unknown; isError?: boolean; toolResult?: unknown }): ToolResultText {
  const items = Array.isArray(result.content) ? (result.content as ContentItem[]) : [];
  let text = items.map(describe).filter(Boolean).join('\n');
  if (!text && result.structuredContent !== undefined) text = JSON.stringify(result.structuredContent);
  // Servers on the protocol's first version answer with `toolResult`.
  if (!text && result.toolResult !== undefined) text = typeof result.toolResult === 'string' ? result.toolResult : JSON.stringify(result.toolResult);
  if (text.length > MAX_RESULT_CHARS) text = `${text.slice(0, MAX_RESULT_CHARS)}\n[truncated: the tool returned ${text.length} characters, ${MAX_RESULT_CHARS} are kept]`;
  return { text, isError: result.isError === true };
}
