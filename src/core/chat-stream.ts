// The object a chat call returns: an async iterable of StreamEvents that can be consumed once.
// Breaking out of the loop (or aborting the signal) cancels the request.
import type { ChatResult, StreamEvent, ToolCall } from './types.js';

export class ChatStream implements AsyncIterable<StreamEvent> {
  private consumed = false;

  constructor(private readonly batches: () => AsyncIterable<StreamEvent[]>) {}

  async *[Symbol.asyncIterator](): AsyncIterator<StreamEvent> {
    if (this.consumed) throw new Error('this chat stream was already consumed; start a new call');
    this.consumed = true;
    for await (const batch of this.batches()) {
      for (const event of batch) yield event;
    }
  }

  /**
   * The event batches as they arrive, one per network read: for renderers that write once per
   * read rather than once per token. Same once-only rule.
   */
  async *batched(): AsyncIterable<StreamEvent[]> {
    if (this.consumed) throw new Error('this chat stream was already consumed; start a new call');
    this.consumed = true;
    yield* this.batches();
  }

  /** Consumes the stream and returns the whole answer. */
  async collect(): Promise<ChatResult> {
    return collectChat(this);
  }
}

/** Folds events into a ChatResult, one at a time: for renderers that also show them. */
export class ChatCollector {
  private readonly content: string[] = [];
  private readonly reasoning: string[] = [];
  private readonly toolCalls: ToolCall[] = [];
  private readonly partial: ChatResult = { content: '', finishReason: null };

  add(event: StreamEvent): void {
    switch (event.type) {
      case 'token':
        this.content.push(event.text);
        break;
      case 'reasoning':
        this.reasoning.push(event.text);
        break;
      case 'usage':
        this.partial.usage = event.usage;
        break;
      case 'tool_call':
        this.toolCalls.push({ id: event.id, name: event.name, arguments: event.arguments, rawArguments: event.rawArguments });
        break;
      case 'meta':
      case 'done':
        if (event.id !== undefined) this.partial.id = event.id;
        if (event.model !== undefined) this.partial.model = event.model;
        if (event.provider !== undefined) this.partial.provider = event.provider;
        if (event.type === 'done') {
          this.partial.finishReason = event.finishReason;
          if (event.citations?.length) this.partial.citations = event.citations;
        }
        break;
      case 'fallback':
        (this.partial.fallbacks ??= []).push({ provider: event.from, reason: event.reason, kind: event.error.kind });
        this.partial.answeredBy = event.to;
        break;
      case 'retry':
        break;
    }
  }

  result(): ChatResult {
    const result: ChatResult = { ...this.partial, content: this.content.join('') };
    if (this.reasoning.length > 0) result.reasoning = this.reasoning.join('');
    if (this.toolCalls.length > 0) result.toolCalls = [...this.toolCalls];
    return result;
  }
}

/** Gathers a stream of events into one result. */
export async function collectChat(events: AsyncIterable<StreamEvent>): Promise<ChatResult> {
  const collector = new ChatCollector();
  for await (const event of events) collector.add(event);
  return collector.result();
}
