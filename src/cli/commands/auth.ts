// `devsynth-or auth login|status|logout`: the API key in the OS keyring.
import { Command } from 'commander';
import { readSecret } from '../../app/read-secret.js';
import type { Runtime } from '../../app/runtime.js';
import { OpenRouterAuthenticationError, UsageError } from '../../core/index.js';
import { createKeyring } from '../../state/keyring.js';
import { terminalSafe } from '../../ui/terminal-safe.js';

const KEY_SHAPE = /^sk-or-[A-Za-z0-9_-]{8,}$/;

/** sk-or-v1-abc…wxyz: enough to recognise a key, never enough to use it. */
export function maskKey(key: string): string {
  return key.length > 16 ? `${key.slice(0, 12)}…${key.slice(-4)}` : 'sk-or-…';
}

export function authCommand(runtime: () => Runtime): Command {
  const auth = new Command('auth').description('keep the API key in the OS keyring');
  auth
    .command('login')
    .description('store an API key in the OS keyring (read from stdin, or asked for without echo)')
    .option('--no-verify', 'store it without checking it with OpenRouter first')
    .addHelpText('after', '\nExamples:\n  devsynth-or auth login\n  printf %s "$KEY" | devsynth-or auth login')
    .action(async (flags: { verify: boolean }) => {
      const rt = runtime();
      const key = await readSecret(rt.io, 'OpenRouter API key (input hidden): ');
      if (!KEY_SHAPE.test(key)) throw new UsageError('that does not look like an OpenRouter key (sk-or-…)');
      if (flags.verify) {
        const info = await (await rt.provider({ needsKey: true, apiKey: key })).getKeyInfo();
        rt.io.stderr.write(`key accepted by OpenRouter${info.label ? ` (${terminalSafe(info.label)})` : ''}\n`);
      }
      await createKeyring().set(key);
      rt.io.stdout.write(`stored ${maskKey(key)} in the OS keyring; OPENROUTER_API_KEY and the config still take precedence\n`);
    });
  auth
    .command('status')
    .description('where the key comes from, and what OpenRouter says about it')
    .action(async () => {
      const rt = runtime();
      const found = await rt.resolveKey();
      if (!found) {
        throw new OpenRouterAuthenticationError('no API key: not in OPENROUTER_API_KEY, the config, or the OS keyring', {
          hint: 'devsynth-or auth login, or export OPENROUTER_API_KEY=sk-or-…',
        });
      }
      const info = await (await rt.provider({ needsKey: true })).getKeyInfo();
      rt.io.stdout.write(`key ${maskKey(found.key)} from ${found.source}; OpenRouter knows it as ${terminalSafe(info.label ?? '(unnamed)')}\n`);
    });
  auth
    .command('logout')
    .description('remove the key from the OS keyring')
    .action(async () => {
      const rt = runtime();
      const removed = await createKeyring().delete();
      rt.io.stdout.write(removed ? 'removed the key from the OS keyring\n' : 'no key was stored in the OS keyring\n');
      if (rt.io.env.OPENROUTER_API_KEY) rt.io.stderr.write('devsynth-or: note: OPENROUTER_API_KEY is still set in this environment\n');
    });
  return auth;
}
