// Who serves a model, as the service says: `models --served-by <name>` (the ids OpenRouter lists
// for those hosts) and the providers table of `models show` (GET /models/{author}/{slug}/endpoints).
// The catalogue entries themselves name no host (top_provider has limits, not a name; an id's
// author is who made the model, not who serves it), so both ask OpenRouter; other providers have
// no such list and say so.
import { LLMProviderError, type ModelEndpoint, type ModelEndpoints, type ModelInfo, OpenRouterConnectionError, UsageError } from '../../core/index.js';
import { formatPrice } from '../list-models.js';
import type { Runtime } from '../runtime.js';

/** `--served-by Groq,"Google AI Studio"`: provider names as OpenRouter writes them. */
export function parseHosts(text: string): string[] {
  const names = text
    .split(',')
    .map((name) => name.trim())
    .filter(Boolean);
  if (names.length === 0) throw new UsageError('--served-by needs a provider name', { hint: 'for example --served-by Groq, or --served-by "Google AI Studio",DeepInfra' });
  for (const name of names) {
    if (!/^[\w .()&+-]{1,100}$/.test(name)) {
      throw new UsageError(`"${name}" is not a provider name`, { hint: 'provider names as OpenRouter writes them: letters, digits, spaces and . ( ) & + -' });
    }
  }
  return [...new Set(names)];
}

/**
 * The ids of the catalogue's models that any of `hosts` serves, asked of OpenRouter (one GET
 * /models?providers=…, never cached: who serves what changes by the hour). A service that
 * ignored the filter would answer with every model as "served"; that is refused, not shown.
 */
export async function servedByIds(runtime: Runtime, hosts: readonly string[], catalogue: readonly ModelInfo[]): Promise<Set<string>> {
  const provider = await runtime.provider({ needsKey: false });
  const ids = await provider.modelsServedBy(hosts);
  if (!ids) {
    throw new UsageError(`--served-by asks OpenRouter which provider serves which model; the ${provider.id} provider has no such list`, {
      hint: 'run it with --provider openrouter',
    });
  }
  const served = new Set(ids);
  if (catalogue.length > 1 && catalogue.every((model) => served.has(model.id))) {
    throw new OpenRouterConnectionError('protocol', `OpenRouter listed every model as served by ${hosts.join(', ')}: the provider filter was not applied`, {
      hint: 'devsynth-or models show <id> lists the providers of one model',
    });
  }
  return served;
}

export interface EndpointsAnswer {
  endpoints?: ModelEndpoints;
  /** Why there are none: said on stderr in one line. */
  note?: string;
}

/**
 * The providers serving `id`, or a note saying why they cannot be listed: a provider without
 * such a list, or a failed request (the rest of `models show` still answers, exit 0).
 */
export async function loadEndpoints(runtime: Runtime, id: string): Promise<EndpointsAnswer> {
  try {
    const provider = await runtime.provider({ needsKey: false });
    const endpoints = await provider.getModelEndpoints(id, {
      onSkipped: (count) => runtime.warn(`the provider list of ${id} had ${count} invalid ${count === 1 ? 'entry' : 'entries'}; left out`),
    });
    if (!endpoints) return { note: `the ${provider.id} provider has no list of the providers serving a model` };
    return { endpoints };
  } catch (error) {
    // A provider's failure only (network, status, a refused body); a cancel or a bad configuration ends the command.
    if (!(error instanceof LLMProviderError)) throw error;
    return { note: `could not list the providers serving ${id} (${error.message})` };
  }
}

const percent = (value: unknown) => (typeof value === 'number' ? `${Math.round(value * 10) / 10}%` : '?');
const p50 = (stats: ModelEndpoint['latency_last_30m']) => (stats && typeof stats.p50 === 'number' ? stats.p50 : undefined);

/** Latency as OpenRouter's spec defines it (time to first token, ms), in s past a second. */
function latency(stats: ModelEndpoint['latency_last_30m']): string {
  const ms = p50(stats);
  if (ms === undefined) return '';
  return ms >= 1000 ? `${(ms / 1000).toFixed(1)} s` : `${Math.round(ms)} ms`;
}

function throughput(stats: ModelEndpoint['throughput_last_30m']): string {
  const value = p50(stats);
  return value === undefined ? '' : `${Math.round(value)}/s`;
}

/** OpenRouter's EndpointStatus: 0 is up; the negative values are its degraded and down states. */
const status = (value: unknown) => (value === undefined || value === 0 ? 'ok' : `status ${String(value)}`);

export const ENDPOINT_HEADER = ['provider', '$/M in', '$/M out', 'context', 'quant', 'uptime 1d', 'tok/s p50', 'latency p50', 'status'];

const slug = (name: string) => name.toLowerCase().replace(/\s+/g, '-');

/** One row per provider, cheapest prompt first (the table's cells are made terminal-safe by renderTable). */
export function endpointRows(endpoints: readonly ModelEndpoint[]): string[][] {
  const price = (endpoint: ModelEndpoint) => {
    const value = Number(endpoint.pricing.prompt);
    return Number.isFinite(value) && value >= 0 ? value : Number.POSITIVE_INFINITY;
  };
  return [...endpoints]
    .sort((a, b) => price(a) - price(b) || (a.provider_name < b.provider_name ? -1 : a.provider_name > b.provider_name ? 1 : 0))
    .map((endpoint) => [
      // The tag (`google-vertex/europe`, `deepinfra/fp8`) when it says more than the name does.
      endpoint.tag && endpoint.tag !== slug(endpoint.provider_name) ? `${endpoint.provider_name} (${endpoint.tag})` : endpoint.provider_name,
      formatPrice(endpoint.pricing.prompt),
      formatPrice(endpoint.pricing.completion),
      typeof endpoint.context_length === 'number' ? String(endpoint.context_length) : '?',
      endpoint.quantization ?? '',
      percent(endpoint.uptime_last_1d ?? endpoint.uptime_last_30m),
      throughput(endpoint.throughput_last_30m),
      latency(endpoint.latency_last_30m),
      status(endpoint.status),
    ]);
}
