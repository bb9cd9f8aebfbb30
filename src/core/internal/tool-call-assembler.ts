// Tool calls arrive in pieces: a stream sends `delta.tool_calls[]` fragments keyed by `index`
// (the id and name usually in the first, the arguments split across many, several calls
// interleaved), a non-streaming body sends `message.tool_calls[]` whole. Both are gathered here
// and handed out complete, in index order, once the choice has finished.
import { AnswerContractError } from '../errors.js';
import type { ToolCall } from '../types.js';
import type { ToolArgumentChecker } from './tool-arguments.js';

type Json = Record<string, unknown>;

interface PendingCall {
  index: number;
  id?: string;
  name?: string;
  /** Argument fragments, joined once the call is complete. */
  args: string[];
}

const asObject = (value: unknown): Json | undefined =>
  value !== null && typeof value === 'object' && !Array.isArray(value) ? (value as Json) : undefined;

export class ToolCallAssembler {
  private readonly calls = new Map<number, PendingCall>();
  private lastIndex: number | undefined;

  /** True while some call has arrived and not been handed out. */
  get pending(): boolean {
    return this.calls.size > 0;
  }

  /**
   * Reads one `tool_calls` list: stream fragments, or with `whole` a message's complete calls
   * (which carry no index: their position is theirs). Returns whether it held any.
   */
  add(toolCalls: unknown, whole = false): boolean {
    if (!Array.isArray(toolCalls)) return false;
    let added = false;
    for (const [position, item] of toolCalls.entries()) {
      const fragment = asObject(item);
      if (!fragment) continue;
      const call = whole ? this.callAt(position) : this.callFor(fragment, position);
      const fn = asObject(fragment.function) ?? {};
      if (call.id === undefined && typeof fragment.id === 'string' && fragment.id !== '') call.id = fragment.id;
      // The name comes whole in one fragment; a later fragment repeating it must not double it.
      if (call.name === undefined && typeof fn.name === 'string' && fn.name !== '') call.name = fn.name;
      if (typeof fn.arguments === 'string' && fn.arguments !== '') call.args.push(fn.arguments);
      added = true;
    }
    return added;
  }

  /** The complete calls in index order, parsed and checked; empties the assembler. */
  finish(checker: ToolArgumentChecker): Array<ToolCall & { index: number }> {
    const calls = [...this.calls.values()].sort((a, b) => a.index - b.index);
    this.calls.clear();
    this.lastIndex = undefined;
    return calls.map((call) => {
      if (call.name === undefined) {
        throw new AnswerContractError(`tool call ${call.index} has no function name`, {
          hint: 'the model sent an incomplete tool call; try again or choose another model',
        });
      }
      // A call without an id cannot be answered by id; its index names it within this answer.
      const id = call.id ?? `call_${call.index}`;
      return { index: call.index, ...checker.check({ id, name: call.name, rawArguments: call.args.join('') }) };
    });
  }

  /**
   * The call a fragment belongs to: by `index` (the API's key), else by id, else, when a
   * provider leaves both out, the call the previous fragment went to (or the next position).
   */
  private callFor(fragment: Json, position: number): PendingCall {
    let index: number | undefined;
    if (typeof fragment.index === 'number' && Number.isSafeInteger(fragment.index) && fragment.index >= 0) {
      index = fragment.index;
    } else if (typeof fragment.id === 'string' && fragment.id !== '') {
      const id = fragment.id;
      index = [...this.calls.values()].find((call) => call.id === id)?.index ?? this.nextIndex();
    } else {
      index = this.lastIndex ?? position;
    }
    this.lastIndex = index;
    return this.callAt(index);
  }

  private callAt(index: number): PendingCall {
    let call = this.calls.get(index);
    if (!call) {
      call = { index, args: [] };
      this.calls.set(index, call);
    }
    return call;
  }

  private nextIndex(): number {
    let max = -1;
    for (const index of this.calls.keys()) max = Math.max(max, index);
    return max + 1;
  }
}
