// A chat whose model may call the toolbox's tools: runTools' events as the batches the
// renderers take. Each step's own usage and `done` are held back; the run's summed usage and
// one `done` end the stream, so a renderer sees one answer with its tool calls inside it.
import {
  type AfterModelCall,
  type BaseProvider,
  type ChatRequest,
  runTools,
  type StreamEvent,
  type ToolDefinition,
  ToolFailure,
  type ToolHandlers,
  type ToolRunResult,
} from '../../core/index.js';
import type { ToolGate } from './tool-gate.js';
import type { McpToolbox } from './toolbox.js';

export interface ToolChatOptions {
  toolbox: McpToolbox;
  gate: ToolGate;
  maxSteps: number;
  signal: AbortSignal;
  /** Told when the run stops at maxSteps with calls still asked for. */
  onMaxSteps?: (steps: number) => void;
  /** Asked before each model call is sent (runTools' beforeCall): the spend limits' check. */
  beforeCall?: (request: ChatRequest, step: number) => Promise<AfterModelCall>;
}

/** The toolbox's tools as the request's `tools`. */
export function toolDefinitions(toolbox: McpToolbox): ToolDefinition[] {
  return toolbox.tools.map((tool) => ({
    type: 'function',
    function: { name: tool.exposedName, ...(tool.description ? { description: tool.description } : {}), parameters: tool.inputSchema },
  }));
}

/** One handler per tool: the gate decides, then the server runs it. */
function handlersFor(toolbox: McpToolbox, gate: ToolGate): ToolHandlers {
  return Object.fromEntries(
    toolbox.tools.map((tool) => [
      tool.exposedName,
      async (args: unknown, context: { signal: AbortSignal }) => {
        const decision = await gate.decide({ tool: tool.exposedName, server: tool.server, arguments: args });
        if (!decision.run) return new ToolFailure(`error: ${decision.reason}`);
        const result = await toolbox.call(tool.exposedName, (args ?? {}) as Record<string, unknown>, context.signal);
        return result.isError ? new ToolFailure(result.text) : result.text;
      },
    ]),
  );
}

export function toolChatBatches(provider: BaseProvider, request: ChatRequest, options: ToolChatOptions): AsyncIterable<StreamEvent[]> {
  return {
    async *[Symbol.asyncIterator]() {
      let queue: StreamEvent[] = [];
      let wake: (() => void) | undefined;
      let finished = false;
      let failure: unknown;
      const push = (event: StreamEvent) => {
        queue.push(event);
        wake?.();
      };
      const run = runTools(provider, { ...request, tools: toolDefinitions(options.toolbox) }, handlersFor(options.toolbox, options.gate), {
        maxSteps: options.maxSteps,
        signal: options.signal,
        ...(options.beforeCall ? { beforeCall: options.beforeCall } : {}),
        onEvent: (event) => {
          if (event.type !== 'usage' && event.type !== 'done') push(event);
        },
      });
      run.then(
        (result: ToolRunResult) => {
          if (result.stopReason === 'max_steps') options.onMaxSteps?.(result.steps.length);
          if (result.usage) push({ type: 'usage', usage: result.usage });
          push({
            type: 'done',
            finishReason: result.finishReason,
            ...(result.id ? { id: result.id } : {}),
            ...(result.model ? { model: result.model } : {}),
            ...(result.provider ? { provider: result.provider } : {}),
          });
          finished = true;
          wake?.();
        },
        (error: unknown) => {
          failure = error;
          finished = true;
          wake?.();
        },
      );
      while (true) {
        if (queue.length > 0) {
          const batch = queue;
          queue = [];
          yield batch;
          continue;
        }
        if (finished) break;
        await new Promise<void>((resolve) => (wake = resolve));
        wake = undefined;
      }
      if (failure !== undefined) throw failure;
    },
  };
}
