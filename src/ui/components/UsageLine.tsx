// The footer: who answered, tokens, cost, time to first token, speed, total time; on one row
// (format-usage.ts drops parts as the terminal narrows), in the format the REPL uses too.
import { Text, useStdout } from 'ink';
import type { Usage } from '../../core/index.js';
import { formatFooter } from '../format-footer.js';

export interface UsageLineProps {
  readonly model?: string | undefined;
  readonly provider?: string | undefined;
  readonly usage?: Usage | undefined;
  readonly startedAt: number;
  readonly firstTokenAt?: number | undefined;
  readonly endedAt: number;
  readonly cached?: boolean | undefined;
}

export function UsageLine(figures: UsageLineProps) {
  const { stdout } = useStdout();
  return <Text dimColor>{formatFooter(figures, stdout.columns || 80)}</Text>;
}
