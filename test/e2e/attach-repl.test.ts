// /attach in the REPL, in a real pseudo-terminal (tmux, as repl-keys.test.ts): the attachment
// is shown pending under the transcript, goes with the next prompt (and that prompt only), is
// labelled [image: name size] in the transcript, is kept by the session, and is named again
// when the conversation is resumed. A model without the modality gets no request.
import { execFileSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from '@jest/globals';
import { type FakeOpenRouter, startFakeOpenRouter } from '../helpers/fake-openrouter.js';
import { makePng } from '../helpers/media-files.js';
import { BIN, type CliSandbox, cliSandbox } from '../helpers/run-cli.js';
import { ptyHarness, shellQuote as quote } from '../helpers/tmux.js';

const pty = ptyHarness('devsynth-attach-repl');
const { tmux, screen, waitFor } = pty;


type Part = { type: string; text?: string; image_url?: { url: string } };
let fake: FakeOpenRouter;
let cli: CliSandbox;
const png = makePng(20, 20);
// formatSize's way: bytes below 1000 as B.
const label = `[image: photo.png ${png.length} B]`;
const chats = () => fake.requests.filter((r) => r.path === '/chat/completions').map((r) => r.body as { messages: Array<{ role: string; content: string | Part[] }> });

beforeAll(() => {
  execFileSync('tmux', ['-V']);
});
beforeEach(async () => {
  fake = await startFakeOpenRouter();
  cli = cliSandbox(fake.url);
  writeFileSync(join(cli.home, 'photo.png'), png);
});
afterEach(async () => {
  pty.stop();
  await fake.close();
  cli.dispose();
});
afterAll(() => pty.stop());

function startRepl(args: string[]): void {
  const env = Object.entries({ ...cli.env, TERM: 'xterm-256color' }).map(([k, v]) => `${k}=${quote(v)}`).join(' ');
  const command = `cd ${quote(cli.home)} && env -i ${env} ${quote(process.execPath)} ${quote(BIN)} chat ${args.map(quote).join(' ')}; echo EXIT=$?; sleep 30`;
  tmux('new-session', '-d', '-s', 'ui', '-x', '100', '-y', '30', command);
}
const type = (text: string) => {
  tmux('send-keys', '-t', 'ui', '-l', text);
  tmux('send-keys', '-t', 'ui', 'Enter');
};

describe('/attach in the REPL', () => {
  it('shows the file pending, sends it with the next prompt only, labels it, and the session keeps it', async () => {
    startRepl(['-m', 'openai/gpt-4o-mini', '--session', 'shots']);
    await waitFor((text) => text.includes('/help for commands'));
    type('/attach photo.png');
    await waitFor((text) => text.includes(`with the next prompt: ${label}`) && text.includes(`${label} goes with the next prompt`));
    type('what is in it?');
    await waitFor(() => chats().length === 1);
    expect(chats()[0]!.messages.at(-1)!.content).toEqual([
      { type: 'text', text: 'what is in it?' },
      { type: 'image_url', image_url: { url: `data:image/png;base64,${png.toString('base64')}` } },
    ]);
    const after = await waitFor((text) => text.includes(`› what is in it?\n  ${label}`));
    expect(after).not.toContain('with the next prompt:');
    type('and the colour?');
    await waitFor(() => chats().length === 2);
    expect(chats()[1]!.messages.at(-1)!.content).toBe('and the colour?');
    tmux('send-keys', '-t', 'ui', 'C-d');
    expect(await waitFor((text) => text.includes('EXIT='))).toContain('EXIT=0');
    const session = readFileSync(join(cli.env.DEVSYNTH_HOME!, 'sessions', 'shots.json'), 'utf8');
    expect(session).toContain('"type": "attachment"');
    expect(session).not.toContain(png.toString('base64'));

    // Resumed: the earlier attachment is named, and sent again with the next prompt.
    pty.stop();
    startRepl(['--session', 'shots']);
    await waitFor((text) => text.includes(`in the conversation: ${label}`));
    type('one more');
    await waitFor(() => chats().length === 3);
    expect(chats()[2]!.messages[0]!.content).toEqual(chats()[0]!.messages.at(-1)!.content);
    tmux('send-keys', '-t', 'ui', 'C-d');
    await waitFor((text) => text.includes('EXIT='));
  }, 120_000);

  it('an unreadable path is an error in the transcript; a model without the modality gets no request', async () => {
    startRepl(['-m', 'openai/gpt-4', '-a', 'photo.png']);
    await waitFor((text) => text.includes('with the next prompt: [image: photo.png'));
    type('/attach missing.png');
    await waitFor((text) => text.includes('✗ cannot attach missing.png: no such file'));
    type('describe');
    const refused = await waitFor((text) => text.includes('does not take image input'));
    expect(refused).toContain('models that take it: openai/gpt-4o-mini, anthropic/claude-haiku-4.5');
    expect(chats()).toHaveLength(0);
    tmux('send-keys', '-t', 'ui', 'C-d');
    await waitFor((text) => text.includes('EXIT='));
  }, 120_000);
});
