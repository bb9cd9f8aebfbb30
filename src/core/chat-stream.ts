// The object a chat call returns: an async iterable of StreamEvents that can be consumed once.
// Breaking out of the loop (or aborting the signal) cancels the request.
import type { ChatResult, StreamEvent } from './types.js';

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

/** Gathers a stream of events into one result. */
export async function collectChat(events: AsyncIterable<StreamEvent>): Promise<ChatResult> {
  const content: string[] = [];
  const reasoning: string[] = [];
  const result: ChatResult = { content: '', finishReason: null };
  for await (const event of events) {
    switch (event.type) {
      case 'token':
        content.push(event.text);
        break;
      case 'reasoning':
        reasoning.push(event.text);
        break;
      case 'usage':
        result.usage = event.usage;
        break;
      case 'meta':
      case 'done':
        if (event.id !== undefined) result.id = event.id;
        if (event.model !== undefined) result.model = event.model;
        if (event.provider !== undefined) result.provider = event.provider;
        if (event.type === 'done') result.finishReason = event.finishReason;
        break;
      case 'retry':
        break;
    }
  }
  result.content = content.join('');
  if (reasoning.length > 0) result.reasoning = reasoning.join('');
  return result;
}
