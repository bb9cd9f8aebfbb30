// `devsynth-or chat [prompt...]`: parse and validate the flags, then hand over to runChat.
import { Command } from 'commander';
import type { Runtime } from '../../app/runtime.js';
import { parseOptions } from '../parse-options.js';
import { chatOptionsSchema } from './chat-options.js';

const collect = (value: string, previous: string[]) => [...previous, value];

export function chatCommand(runtime: () => Runtime): Command {
  return new Command('chat')
    .description('ask a model; the answer streams to stdout')
    .argument('[prompt...]', 'the prompt (piped stdin is added after it, or is the prompt)')
    .option('-m, --model <id>', 'model id, e.g. openai/gpt-4o-mini (default: config, OPENROUTER_MODEL, openrouter/free)')
    .option('-s, --system <text>', 'system prompt')
    .option('-t, --temperature <0..2>', 'sampling temperature')
    .option('--max-tokens <n>', 'most tokens in the answer')
    .option('--fallback-model <id>', 'model to try when the first fails (repeatable)', collect, [])
    .option('--no-stream', 'wait for the whole answer instead of streaming it')
    .option('--json', 'print one JSON object when the call ends')
    .option('-c, --continue', 'continue the last conversation')
    .option('--session <name>', 'use (and keep) a named conversation')
    .option('-i, --interactive', 'enter the REPL after the first answer')
    .option('--usage', 'print tokens, cost and timing on stderr')
    .option('-q, --quiet', 'print nothing on stderr but errors')
    .option('--template <name>', 'use a template (devsynth-or templates list): its system prompt, prompt and settings')
    .option('-p, --param <name=value>', "a value for one of the template's {{variables}} (repeatable)", collect, [])
    .addHelpText(
      'after',
      `
Examples:
  devsynth-or chat "Explain SSE in one paragraph"
  git diff | devsynth-or chat "Review this change"
  devsynth-or chat -m openai/gpt-4o-mini --usage "Name three sorting algorithms"
  devsynth-or chat --session design "Let's plan the cache"; devsynth-or chat -c "And eviction?"
  devsynth-or chat --json "Say hi" | jq -r .content
  git diff | devsynth-or chat --template review -p focus=security`,
    )
    .action(async (words: string[], flags: Record<string, unknown>) => {
      const options = parseOptions(chatOptionsSchema, { ...flags, words });
      // Loaded when the command runs: other commands' start-up does not pay for it.
      const { runChat } = await import('../../app/run-chat.js');
      const rt = runtime();
      rt.quiet = options.quiet;
      await runChat(rt, options);
    });
}
