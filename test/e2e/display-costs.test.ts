// Costs as a person reads them, from the built binary: `--usage` and `status` in fixed notation
// with enough digits for a fraction of a cent, never "$2.0e-5".
import { afterEach, beforeEach, describe, expect, it } from '@jest/globals';
import { type FakeOpenRouter, startFakeOpenRouter } from '../helpers/fake-openrouter.js';
import { type CliSandbox, cliSandbox } from '../helpers/run-cli.js';

let fake: FakeOpenRouter;
let cli: CliSandbox;

beforeEach(async () => {
  fake = await startFakeOpenRouter();
  cli = cliSandbox(fake.url);
});
afterEach(async () => {
  await fake.close();
  cli.dispose();
});

describe('costs in fixed notation', () => {
  it('--usage and status show a small cost as $0.0000…, never with an exponent', async () => {
    fake.script({ kind: 'reply', content: ['4'], usage: { prompt_tokens: 9, completion_tokens: 1, total_tokens: 10, cost: 8.1e-7 } });
    const chat = await cli.run(['chat', '--usage', 'what is 2+2?']);
    expect(chat.code).toBe(0);
    expect(chat.stderr).toContain('usage: 9 prompt + 1 completion = 10 tokens, $0.00000081, ');
    const status = await cli.run(['status']);
    expect(status.code).toBe(0);
    expect(status.stdout).toMatch(/usage: +1 request, 10 tokens, \$0\.00000081 in all/);
    // The key's figures, in dollars and cents.
    expect(status.stdout).toContain('$7.50 left of $10.00');
    expect(`${chat.stderr}${status.stdout}`).not.toMatch(/\$[\d.]+e/);
  });
});
