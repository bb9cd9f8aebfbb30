// `devsynth-or chat [prompt...]`: parse and validate the flags, then hand over to runChat.
import { Command } from 'commander';
import type { Runtime } from '../../app/runtime.js';
import { parseOptions } from '../parse-options.js';
import { CONCISE_SCHEMA_HELP } from '../../app/output/concise-schema.js';
import { addRoutingOptions } from './routing-options.js';

const collect = (value: string, previous: string[]) => [...previous, value];

export function chatCommand(runtime: () => Runtime): Command {
  const command = new Command('chat')
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
    .option('--mcp <command line>', 'offer the model the tools of this MCP stdio server (repeatable; also mcp_servers: in the config)', collect, [])
    .option('--allow-tool <name>', 'run this tool without asking (repeatable); in a pipe or CI only these run', collect, [])
    .option('--max-steps <n>', 'most model calls in one answer when it uses tools (default 10)')
    .option('--schema <file|json|concise>', `the answer must be JSON matching this JSON Schema (a file, inline JSON, or concise: ${CONCISE_SCHEMA_HELP}); invalid: exit 10`)
    .option('--schema-multi <file|json|concise>', 'like --schema, for a list of such objects: printed one per line (NDJSON)')
    .option('-x, --extract', 'print only the first fenced code block of the answer (none: exit 10)')
    .option('--extract-last', 'print only the last fenced code block of the answer (none: exit 10)')
    .option('--format <text|json|stream-json>', 'text (default), json (as --json), or stream-json: one JSON event per line as they happen')
    .option('--reasoning-effort <level>', 'how hard a reasoning model thinks: low, medium or high (config reasoning_effort)')
    .option('--reasoning-tokens <n>', 'a token budget for reasoning instead of an effort (config reasoning_tokens)')
    .option('--hide-reasoning', 'ask the model not to return its reasoning, and show none (config hide_reasoning)')
    .option('--cache-prompt', 'mark long system prompts, earlier turns and -f files for prompt caching on models that need it (anthropic/…, google/gemini-…; config prompt_cache)')
    .option('--no-cache-prompt', 'no prompt-cache marks, whatever prompt_cache says')
    .option('-f, --file <path>', 'a file, directory (.gitignore obeyed) or glob whose text goes before the prompt (repeatable)', collect, [])
    .option('-e, --editor', 'write the prompt in $VISUAL or $EDITOR, starting from the words given')
    .option('-a, --attach <path|url|->', 'attach an image, PDF or audio file, an https URL, or stdin (-) (repeatable)', collect, [])
    .option('--attach-type <mime>', 'what the attachments are, e.g. image/png (default: read from their bytes)')
    .option('--template <name>', 'use a template (devsynth-or templates list): its system prompt, prompt and settings')
    .option('-p, --param <name=value>', "a value for one of the template's {{variables}} (repeatable)", collect, [])
    .option('--pick <policy>', 'with -m auto: cheapest, fastest or best (default best); see models recommend --help for what each weighs')
    .option('--min-context <n>', 'with -m auto: only models with at least this many tokens of context')
    .option('--free', 'with -m auto: only free models')
    .option('--max-cost <usd>', 'spend at most this many USD in this run: a request that could cost more is not sent (exit 11; also budget: in the config)')
    .option('--cache', 'answer an identical request from the on-disk response cache, and keep this answer there (config cache.responses)')
    .option('--no-cache', 'neither read nor write the response cache, whatever the config says');
  return addRoutingOptions(command, {
    maxPrice: 'OpenRouter: the most to pay, in USD per million prompt tokens (with -m auto: only models at or under it)',
    noFallbacks: 'OpenRouter: no other provider when the chosen ones fail (--fallback-model still applies)',
    web: "OpenRouter: search the web (the web plugin); the answer's sources are listed after it",
  })
    .addHelpText(
      'after',
      `
Examples:
  devsynth-or chat "Explain SSE in one paragraph"
  git diff | devsynth-or chat "Review this change"
  devsynth-or chat -m openai/gpt-4o-mini --usage "Name three sorting algorithms"
  devsynth-or chat --session design "Let's plan the cache"; devsynth-or chat -c "And eviction?"
  devsynth-or chat --json "Say hi" | jq -r .content
  devsynth-or chat --schema 'name, age int, tags [str], bio: one sentence' "Invent a person"
  devsynth-or chat -x "A bash one-liner that counts lines in *.ts" > count.sh
  devsynth-or chat -f src/ -f 'test/**/*.ts' "Where is the retry policy tested?"
  git diff | devsynth-or chat -e
  devsynth-or chat -m openai/gpt-4o-mini -a photo.jpg "What is in this picture?"
  devsynth-or chat -m auto --pick cheapest --min-context 100000 -f notes.md "Summarise"
  devsynth-or chat --mcp "npx -y @modelcontextprotocol/server-filesystem ." --allow-tool list_directory "What is here?"
  git diff | devsynth-or chat --template review -p focus=security
  devsynth-or chat -m meta-llama/llama-3.3-70b-instruct --sort throughput --only groq,cerebras "Hi"
  devsynth-or chat --web --web-max-results 3 "What changed in Node 24 this week?"`,
    )
    .action(async (words: string[], flags: Record<string, unknown>) => {
      // The flags' schema and the command are loaded when it runs: other commands' start-up does
      // not pay for building them (the schemas alone were a tenth of every command's start).
      const { chatOptionsSchema } = await import('./chat-options.js');
      const options = parseOptions(chatOptionsSchema, { ...flags, words });
      const { runChat } = await import('../../app/run-chat.js');
      const rt = runtime();
      rt.quiet = options.quiet;
      await runChat(rt, options);
    });
}
