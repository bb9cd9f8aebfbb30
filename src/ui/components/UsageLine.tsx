// The footer: who answered, tokens, cost, time to first token, speed.
import { Text } from 'ink';
import type { Usage } from '../../core/index.js';
import { formatCost } from '../format-usage.js';

export interface UsageLineProps {
  readonly model?: string | undefined;
  readonly provider?: string | undefined;
  readonly usage?: Usage | undefined;
  readonly startedAt: number;
  readonly firstTokenAt?: number | undefined;
  readonly endedAt: number;
}

export function UsageLine({ model, provider, usage, startedAt, firstTokenAt, endedAt }: UsageLineProps) {
  const parts: string[] = [];
  if (model) parts.push(provider ? `${model} via ${provider}` : model);
  if (usage) {
    parts.push(`${usage.prompt_tokens} + ${usage.completion_tokens} tokens`);
    const cost = formatCost(usage.cost);
    if (cost) parts.push(cost);
  }
  if (firstTokenAt !== undefined) {
    parts.push(`first token ${((firstTokenAt - startedAt) / 1000).toFixed(2)} s`);
    const streaming = endedAt - firstTokenAt;
    if (usage && usage.completion_tokens > 0 && streaming > 0) parts.push(`${Math.round((usage.completion_tokens * 1000) / streaming)} tok/s`);
  }
  parts.push(`${((endedAt - startedAt) / 1000).toFixed(1)} s`);
  return <Text dimColor>{parts.join(' · ')}</Text>;
}
