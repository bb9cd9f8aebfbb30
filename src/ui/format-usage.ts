// One line of usage figures, shared by the plain writer and the terminal UI's footer.
import type { Usage } from '../core/index.js';

export interface UsageFigures {
  usage?: Usage;
  model?: string;
  provider?: string;
  startedAt: number;
  firstTokenAt?: number;
  endedAt: number;
}

/** Cost in dollars with enough digits for fractions of a cent; "free" for zero. */
export function formatCost(cost: number | undefined): string | undefined {
  if (cost === undefined || !Number.isFinite(cost)) return undefined;
  if (cost === 0) return '$0 (free)';
  return cost >= 0.01 ? `$${cost.toFixed(4)}` : `$${cost.toPrecision(2)}`;
}

export function formatUsageLine(figures: UsageFigures): string {
  const parts: string[] = [];
  const usage = figures.usage;
  if (usage) {
    parts.push(`${usage.prompt_tokens} prompt + ${usage.completion_tokens} completion = ${usage.total_tokens} tokens`);
    const cost = formatCost(usage.cost);
    if (cost) parts.push(cost);
  }
  const totalMs = figures.endedAt - figures.startedAt;
  parts.push(`${(totalMs / 1000).toFixed(2)} s`);
  if (figures.firstTokenAt !== undefined) {
    parts.push(`first token ${((figures.firstTokenAt - figures.startedAt) / 1000).toFixed(2)} s`);
    const streamMs = figures.endedAt - figures.firstTokenAt;
    if (usage && usage.completion_tokens > 0 && streamMs > 0) {
      parts.push(`${Math.round((usage.completion_tokens * 1000) / streamMs)} tok/s`);
    }
  }
  const who = [figures.model, figures.provider ? `via ${figures.provider}` : undefined].filter(Boolean).join(' ');
  return `usage: ${parts.join(', ')}${who ? ` (${who})` : ''}`;
}
