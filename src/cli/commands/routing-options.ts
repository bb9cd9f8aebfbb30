// OpenRouter's provider routing and web flags, shared by `chat` and `batch` (app/routing.ts
// turns them into the request's `provider` and `plugins`). Where a command gives one of them a
// meaning of its own, it says so in `help`.
import type { Command } from 'commander';
import { QUANTIZATIONS } from '../../config/routing-schema.js';

export function addRoutingOptions(command: Command, help: { maxPrice?: string; noFallbacks?: string; web?: string } = {}): Command {
  return command
    .option('--provider-order <a,b>', 'OpenRouter: try these providers first, in this order (provider slugs)')
    .option('--only <a,b>', 'OpenRouter: use only these providers')
    .option('--ignore <a,b>', 'OpenRouter: never use these providers')
    .option('--sort <price|throughput|latency>', 'OpenRouter: choose the provider by lowest price, highest throughput or lowest latency')
    .option('--max-price <usd>', help.maxPrice ?? 'OpenRouter: the most to pay, in USD per million prompt tokens')
    .option('--no-fallbacks', help.noFallbacks ?? 'OpenRouter: no other provider when the chosen ones fail')
    .option('--data-collection <allow|deny>', 'OpenRouter: deny: only providers that do not keep or train on the data')
    .option('--zdr', 'OpenRouter: only zero-data-retention endpoints')
    .option('--quantizations <q,…>', `OpenRouter: only endpoints at these quantisations (${QUANTIZATIONS.join(', ')})`)
    .option('--web', help.web ?? 'OpenRouter: search the web (the web plugin)')
    .option('--web-max-results <n>', 'how many web results the search gives the model (implies --web)');
}
