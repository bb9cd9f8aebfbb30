// `devsynth-or cache stats|clear`: what the on-disk caches hold (the response cache and the
// embedding vectors, each a namespace of state/disk-cache/), and emptying them.
import { Command } from 'commander';
import type { Runtime } from '../../app/runtime.js';
import { formatBytes } from '../../core/index.js';
import { renderTable } from '../../ui/render-table.js';
import { terminalSafeJson } from '../../ui/terminal-safe.js';

// The response cache's namespace is RESPONSES_NAMESPACE (app/response-cache/), named here so that
// defining the command loads neither that module nor the store.
const NAMESPACES = ['responses', 'embeddings'] as const;

const isoOrNull = (ms: number | undefined) => (ms === undefined ? null : new Date(ms).toISOString());

export function cacheCommand(runtime: () => Runtime): Command {
  const cache = new Command('cache').description('the on-disk response and embedding caches: what they hold, and emptying them');
  cache
    .command('stats')
    .description('entries, size, oldest and newest entry, and size cap of each cache')
    .option('--json', 'print JSON')
    .addHelpText('after', '\nExamples:\n  devsynth-or cache stats\n  devsynth-or cache stats --json | jq .responses.entries')
    .action(async (flags: { json?: boolean }) => {
      const { openDiskCache } = await import('../../state/disk-cache/index.js');
      const rt = runtime();
      const stats = NAMESPACES.map((namespace) => {
        const store = openDiskCache(rt.paths.cache, { namespace, warn: rt.warn });
        return { namespace, ...store.stats(), maxBytes: store.maxBytes };
      });
      if (flags.json) {
        const json = Object.fromEntries(
          stats.map((s) => [s.namespace, { entries: s.entries, bytes: s.bytes, oldest: isoOrNull(s.oldest), newest: isoOrNull(s.newest), max_bytes: s.maxBytes }]),
        );
        rt.io.stdout.write(`${terminalSafeJson(json, 2)}\n`);
        return;
      }
      const tty = Boolean(rt.io.stdout.isTTY);
      const rows = stats.map((s) => [s.namespace, String(s.entries), formatBytes(s.bytes), isoOrNull(s.oldest) ?? '-', isoOrNull(s.newest) ?? '-', formatBytes(s.maxBytes)]);
      rt.io.stdout.write(renderTable(rows, { tty, ...(tty ? { header: ['cache', 'entries', 'size', 'oldest', 'newest', 'cap'] } : {}) }));
    });
  cache
    .command('clear')
    .description('remove every entry of the response cache and of the embedding cache (or of the one named)')
    .option('--responses', 'only the response cache')
    .option('--embeddings', 'only the embedding cache')
    .addHelpText('after', '\nExamples:\n  devsynth-or cache clear\n  devsynth-or cache clear --responses')
    .action(async (flags: { responses?: boolean; embeddings?: boolean }) => {
      const { openDiskCache } = await import('../../state/disk-cache/index.js');
      const rt = runtime();
      const chosen = NAMESPACES.filter((namespace) => (!flags.responses && !flags.embeddings) || flags[namespace]);
      for (const namespace of chosen) {
        const store = openDiskCache(rt.paths.cache, { namespace, warn: rt.warn });
        const before = store.stats();
        store.clear();
        rt.io.stdout.write(`cleared the ${namespace} cache (${before.entries} ${before.entries === 1 ? 'entry' : 'entries'}, ${formatBytes(before.bytes)})\n`);
      }
    });
  return cache;
}
