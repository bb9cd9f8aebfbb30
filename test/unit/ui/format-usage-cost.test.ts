// A cost that OpenRouter did not report in the answer says where it came from, in the --usage
// line and the footer; a reported one reads as before.
import { describe, expect, it } from '@jest/globals';
import { formatFooter } from '../../../src/ui/format-footer.js';
import { formatUsageCost, formatUsageLine } from '../../../src/ui/format-usage.js';

const usage = (cost: number, source?: string) => ({ prompt_tokens: 10, completion_tokens: 2, total_tokens: 12, cost, ...(source ? { cost_source: source } : {}) });
const figures = (u: ReturnType<typeof usage>) => ({ usage: u, model: 'openai/gpt-4o-mini', startedAt: 0, endedAt: 1000 });

describe('the source of a cost, as text', () => {
  it.each([
    [usage(0.0012), '$0.0012'],
    [usage(0.0012, 'reported'), '$0.0012'],
    [usage(0.0012, 'looked_up'), '$0.0012 (looked up)'],
    [usage(0.0012, 'estimated'), '~$0.0012 (estimated)'],
    [usage(0, 'estimated'), '~$0 (free) (estimated)'],
  ])('%j → %s', (u, text) => expect(formatUsageCost(u)).toBe(text));

  it('the --usage line and the footer carry it', () => {
    expect(formatUsageLine(figures(usage(0.0012, 'estimated')))).toContain(', ~$0.0012 (estimated), ');
    expect(formatUsageLine(figures(usage(0.0012, 'looked_up')))).toContain(', $0.0012 (looked up), ');
    expect(formatFooter(figures(usage(0.0012, 'estimated')), 120)).toContain('~$0.0012 est.');
    // The cost and its mark stay when the width shrinks.
    expect(formatFooter(figures(usage(0.0012, 'estimated')), 24)).toContain('~$0.0012 est.');
  });
});
