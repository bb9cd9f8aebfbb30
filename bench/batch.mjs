// The batch rows of `npm run bench` (called by run.mjs; `node bench/batch.mjs [--quick]` runs
// them alone, printing the rows): 10,000 one-chunk prompts at concurrency 16, devsynth-or batch
// beside a minimal concurrent fetch client making the same requests; and 100,000 items for the
// peak RSS bound (< 150 MB).
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { BIN, root } from './harness.mjs';

const ITEMS = 10_000;
const MANY = 100_000;

/** Adds the batch rows through `log`; returns the targets they are measured against. */
export function runBatchRows({ home, measure, log, quick = false }) {
  const node = process.execPath;
  const runs = quick ? 1 : 3;
  const prompts = join(home, 'batch-prompts.txt');
  writeFileSync(prompts, `${Array.from({ length: ITEMS }, (_, i) => `prompt ${i} of the batch`).join('\n')}\n`);
  // -o /dev/null would be refused (not a regular file): stdout goes to /dev/null (measure ignores it).
  log('batch 10,000 one-chunk prompts x 16: devsynth-or', measure(node, [BIN, 'batch', prompts, '--concurrency', '16', '--max-tokens', '1', '-q'], runs));
  log('batch 10,000 one-chunk prompts x 16: minimal fetch client', measure(node, [join(root, 'bench/minimal-batch-client.mjs'), prompts, '16'], runs));
  const many = join(home, 'batch-many.txt');
  writeFileSync(many, `${Array.from({ length: MANY }, (_, i) => `prompt ${i} of the large batch`).join('\n')}\n`);
  log('batch 100,000 one-chunk prompts x 16, --ordered: devsynth-or', measure(node, [BIN, 'batch', many, '--concurrency', '16', '--max-tokens', '1', '--ordered', '-q'], 1));
  return (get) => [
    ['batch 10,000 x 16 vs minimal fetch client (wall)', get('batch 10,000 one-chunk prompts x 16: devsynth-or').wall / get('batch 10,000 one-chunk prompts x 16: minimal fetch client').wall, '< 1.5'],
    ['peak RSS, batch 100,000 (MB)', get('batch 100,000 one-chunk prompts x 16, --ordered: devsynth-or').rss, '< 150'],
  ];
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const { startBench } = await import('./harness.mjs');
  const bench = await startBench();
  const rows = [];
  try {
    const targets = runBatchRows({
      home: bench.home,
      measure: bench.measure,
      quick: process.argv.includes('--quick'),
      log: (name, m) => {
        rows.push({ name, ...m });
        process.stderr.write(`${name.padEnd(64)} ${m.wall.toFixed(3)} s wall  ${m.cpu.toFixed(3)} s cpu  ${m.rss.toFixed(0)} MB\n`);
      },
    });
    for (const [name, value, target] of targets((name) => rows.find((row) => row.name === name))) process.stderr.write(`${name}: ${value.toFixed(2)} (target ${target})\n`);
  } finally {
    bench.close();
  }
}
