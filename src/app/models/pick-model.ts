// `chat -m auto --pick cheapest|fastest|best`: the model for this prompt, chosen when the
// prompt is assembled. Its needs come from the request itself: the attachments' modalities,
// --schema (structured outputs), MCP tools, and the estimated prompt tokens plus the answer's
// budget, which must fit the model's context. The runners-up become OpenRouter's `models`
// fallback list. Without --pick the policy is best.
import { type ChatMessage, type ContentPart, estimateTokens, UsageError } from '../../core/index.js';
import { attachmentInfoOf, type Modality } from '../../state/attachment-parts.js';
import type { ChatOptions } from '../../cli/commands/chat-options.js';
import { terminalSafe } from '../../ui/terminal-safe.js';
import type { Runtime } from '../runtime.js';
import type { Capability } from './capabilities.js';
import { type Constraints, type Policy, type RankedModel, rankModels } from './rank-models.js';
import { catalogueForRanking } from './recommend.js';

/** How many runners-up go as the fallback list (OpenRouter tries them in order). */
export const FALLBACKS = 3;

const NEEDED: Readonly<Record<Modality, Capability>> = { image: 'vision', file: 'pdf', audio: 'audio' };

export interface AutoRequest {
  policy: Policy;
  constraints: Constraints;
  messages: readonly ChatMessage[];
  media: readonly ContentPart[];
  /** The answer's token budget (max tokens). */
  maxTokens: number;
  structured: boolean;
  tools: boolean;
}

export interface AutoChoice {
  chosen: string;
  fallbacks: string[];
  /** One line: why this one. */
  reason: string;
  /** The `auto` member of --json. */
  json: { policy: Policy; chosen: string; candidates: Array<{ id: string; reasons: string[] }> };
}

/** The needs of a request, as capabilities and a context size. */
export function requestNeeds(request: Omit<AutoRequest, 'policy' | 'constraints'>) {
  const capabilities = new Set<Capability>();
  for (const part of request.media) {
    const modality = attachmentInfoOf(part)?.kind.modality;
    if (modality) capabilities.add(NEEDED[modality]);
  }
  if (request.structured) capabilities.add('structured');
  if (request.tools) capabilities.add('tools');
  const prompt = request.messages.reduce((sum, message) => sum + estimateTokens(message), 0);
  return {
    capabilities: [...capabilities],
    contextTokens: prompt + request.maxTokens,
    contextLabel: `the prompt (~${prompt} tokens) and the answer (${request.maxTokens})`,
  };
}

export async function pickModel(runtime: Runtime, request: AutoRequest): Promise<AutoChoice> {
  const catalogue = await catalogueForRanking(runtime, '-m auto');
  const ranking = rankModels(catalogue, requestNeeds(request), request.constraints, request.policy);
  const [first, ...rest] = ranking.candidates;
  if (!first) {
    const [most, ...others] = ranking.excluded;
    const what = most ? `${most.constraint} rules out ${most.count} of ${ranking.considered}` : 'the catalogue has no chat models';
    throw new UsageError(`-m auto: no model fits (${what}); nothing was sent`, {
      hint: others.length ? `also: ${others.map((entry) => `${entry.constraint} rules out ${entry.count}`).join('; ')}` : 'loosen the constraints, or choose a model with -m',
    });
  }
  const runnersUp = rest.slice(0, FALLBACKS);
  const describe = (model: RankedModel) => ({ id: model.id, reasons: model.reasons });
  return {
    chosen: first.id,
    fallbacks: runnersUp.map((model) => model.id),
    reason: `${request.policy} of ${ranking.candidates.length} fitting: ${first.reasons.join('; ')}`,
    json: { policy: request.policy, chosen: first.id, candidates: [first, ...runnersUp].map(describe) },
  };
}

/**
 * `chat`'s side: undefined unless the model asked for is `auto` (then the choice, said on
 * stderr unless -q). --pick, --min-context and --free without it are a usage error: they would
 * otherwise be ignored.
 */
export async function autoForChat(
  runtime: Runtime,
  options: Pick<ChatOptions, 'pick' | 'minContext' | 'free' | 'maxPrice' | 'schema' | 'schemaMulti' | 'mcp' | 'quiet'>,
  request: { model: string | undefined; providerId: string; messages: readonly ChatMessage[]; media: readonly ContentPart[]; maxTokens: number },
): Promise<AutoChoice | undefined> {
  if (request.model !== 'auto') {
    const stray = [options.pick && '--pick', options.minContext !== undefined && '--min-context', options.free && '--free'].filter(Boolean);
    if (stray.length) throw new UsageError(`${stray.join(' and ')} choose${stray.length === 1 ? 's' : ''} the model with -m auto`, { hint: 'add -m auto, or leave them out' });
    return undefined;
  }
  if (request.providerId !== 'openrouter') {
    throw new UsageError(`-m auto chooses from OpenRouter's catalogue; the provider is ${request.providerId}`, { hint: 'choose a model with -m, or use --provider openrouter' });
  }
  const { config } = await runtime.config();
  const choice = await pickModel(runtime, {
    policy: options.pick ?? 'best',
    constraints: { maxPrice: options.maxPrice, minContext: options.minContext, free: options.free },
    messages: request.messages,
    media: request.media,
    maxTokens: request.maxTokens,
    structured: (options.schema ?? options.schemaMulti) !== undefined,
    tools: options.mcp.length > 0 || Object.keys(config.mcp_servers ?? {}).length > 0,
  });
  if (!options.quiet) runtime.io.stderr.write(`devsynth-or: auto: chose ${terminalSafe(choice.chosen)} (${terminalSafe(choice.reason)})\n`);
  return choice;
}
