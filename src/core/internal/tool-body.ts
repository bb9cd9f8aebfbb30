// The tool fields of a chat request body: `tools`, `tool_choice`, `parallel_tool_calls`, and
// the tool-call turns of the conversation in the form the API takes them.
import type { ChatMessage, ChatRequest } from '../types.js';
import { validateToolMessages, validateTools } from './validate-tools.js';

/** The body fields for the request's tools, validated; {} when it has none. */
export function toolFields(request: Pick<ChatRequest, 'tools' | 'toolChoice' | 'parallelToolCalls'>): Record<string, unknown> {
  validateTools(request);
  const fields: Record<string, unknown> = {};
  if (request.tools !== undefined && request.tools.length > 0) fields.tools = request.tools;
  if (request.toolChoice !== undefined) fields.tool_choice = request.toolChoice;
  if (request.parallelToolCalls !== undefined) fields.parallel_tool_calls = request.parallelToolCalls;
  return fields;
}

/**
 * The messages as sent. An assistant turn that only asked for tools goes with `content: null`,
 * as OpenAI's own clients send it: some upstream providers refuse an empty text block.
 * The list is copied only when such a turn is in it.
 */
export function wireMessages(messages: readonly ChatMessage[]): readonly unknown[] {
  validateToolMessages(messages);
  const onlyAsks = (message: ChatMessage) =>
    message.role === 'assistant' && message.tool_calls !== undefined && message.tool_calls.length > 0 && message.content === '';
  if (!messages.some(onlyAsks)) return messages;
  return messages.map((message) => (onlyAsks(message) ? { ...message, content: null } : message));
}
