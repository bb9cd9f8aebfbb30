// `models recommend "<task>"`: what a task says it needs, read by a small keyword table, and
// the catalogue the ranking reads (the cached one, offline; shared with `chat -m auto`).
import { DevsynthError, type ModelInfo, UsageError } from '../../core/index.js';
import { loadCatalogue } from '../catalogue.js';
import type { Runtime } from '../runtime.js';
import type { Capability } from './capabilities.js';
import type { Needs, Policy } from './rank-models.js';

/** The context a "long document" task needs. */
export const LONG_CONTEXT = 200_000;
/** The context a code task needs (a few files and the answer). */
export const CODE_CONTEXT = 32_000;

/**
 * The keyword table: a word (or phrase) of the task, matched whole and case-blind, and what it
 * implies. Documented in `models recommend --help` (KEYWORD_HELP below).
 */
const KEYWORDS: ReadonlyArray<{ words: RegExp; label: string; capability?: Capability; context?: number; code?: true; policy?: Policy }> = [
  { label: 'code', words: /\b(code|coding|program(ming)?|function|refactor\w*|debug\w*|bugs?|typescript|javascript|python|rust|golang|java|sql|regex|script)\b/i, code: true, context: CODE_CONTEXT },
  { label: 'vision', words: /\b(image|images|photos?|pictures?|screenshots?|diagrams?|charts?|vision|ocr|scan(ned)?)\b/i, capability: 'vision' },
  { label: 'pdf', words: /\b(pdfs?)\b/i, capability: 'pdf' },
  { label: 'audio', words: /\b(audio|speech|transcribe|transcription|podcast|recording|voice|mp3|wav)\b/i, capability: 'audio' },
  { label: 'long context', words: /\b(long|book|books|novel|entire|whole (repo|repository|codebase)|large (document|file|codebase)s?|many files|200k|1m)\b/i, context: LONG_CONTEXT },
  { label: 'reasoning', words: /\b(reason(ing)?|math\w*|proofs?|prove|logic|puzzles?|step by step|think(ing)?)\b/i, capability: 'reasoning' },
  { label: 'structured', words: /\b(json|structured|schema|csv)\b/i, capability: 'structured' },
  { label: 'tools', words: /\b(tools?|function call(ing|s)?|agents?|agentic|mcp)\b/i, capability: 'tools' },
  { label: 'cheap', words: /\b(cheap(est|ly)?|budget|low[- ]cost|inexpensive|free|affordable)\b/i, policy: 'cheapest' },
  { label: 'fast', words: /\b(fast(est)?|quick(ly)?|low[- ]latency|real[- ]?time|speedy|snappy)\b/i, policy: 'fastest' },
];

export const KEYWORD_HELP = `The task's words imply (whole words, any case):
  code, refactor, debug, python, sql, …          code: 32k context, models named for code first
  image, photo, screenshot, diagram, chart, ocr  vision
  pdf                                            pdf input
  audio, speech, transcribe, podcast             audio input
  long, book, entire, whole codebase             200k context
  reasoning, math, proof, logic, step by step    reasoning
  json, structured, schema, csv                  structured outputs
  tool, function calling, agent, mcp             tools
  cheap, budget, free, low-cost                  the cheapest policy
  fast, quick, low-latency, realtime             the fastest policy (cheap wins over fast)
  anything else                                  the best policy`;

export interface TaskReading {
  needs: Needs;
  policy: Policy;
  /** The table's labels that matched, in table order. */
  matched: string[];
}

export function readTask(task: string): TaskReading {
  const capabilities = new Set<Capability>();
  const matched: string[] = [];
  let context = 0;
  let code = false;
  let policy: Policy = 'best';
  for (const entry of KEYWORDS) {
    if (!entry.words.test(task)) continue;
    matched.push(entry.label);
    if (entry.capability) capabilities.add(entry.capability);
    if (entry.context) context = Math.max(context, entry.context);
    if (entry.code) code = true;
    // cheap is before fast in the table: the first policy named wins.
    if (entry.policy && policy === 'best') policy = entry.policy;
  }
  const needs: Needs = { capabilities: [...capabilities], ...(context ? { contextTokens: context, contextLabel: `needs ${context} tokens of context (${context === LONG_CONTEXT ? 'long' : 'code'})` } : {}), ...(code ? { code } : {}) };
  return { needs, policy, matched };
}

/**
 * The catalogue to rank: OpenRouter's, from the cache when it has one (fresh or, when the
 * network fails, stale), else fetched once. Nothing cached and nothing fetched: an error
 * saying how to fill the cache.
 */
export async function catalogueForRanking(runtime: Runtime, what: string): Promise<ModelInfo[]> {
  const provider = (await runtime.config()).config.llm.provider;
  if (provider !== 'openrouter') {
    throw new UsageError(`${what} ranks OpenRouter's catalogue; the provider is ${provider}`, { hint: 'use --provider openrouter, or choose a model with -m' });
  }
  const cached = (await runtime.catalogue()).read('models');
  try {
    return (await loadCatalogue(runtime, 'models')).models;
  } catch (error) {
    if (cached || !(error instanceof DevsynthError) || error.kind === 'config') throw error;
    throw new DevsynthError(error.kind, `no model list is cached and it could not be fetched (${error.message})`, {
      hint: 'run devsynth-or models --refresh once the network is reachable; the list is then kept for offline use',
    });
  }
}
