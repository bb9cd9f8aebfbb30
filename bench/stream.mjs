// `node bench/stream.mjs [runs]`: only the 100k-chunk stream, piped and in the Ink UI (a tmux
// pseudo-terminal), for quick before/after comparisons while working on the renderers. The
// same method as run.mjs (medians of whole processes timed by /usr/bin/time); writes nothing.
// BENCH_CHUNKS sets the answer's length, BENCH_NODE_ENV the NODE_ENV, BENCH_SCREEN=1 shows the
// terminal's last screen.
import { spawnSync } from 'node:child_process';
import { BIN, startBench } from './harness.mjs';

const RUNS = Number(process.argv[2] ?? 5);
const CHUNKS = Number(process.env.BENCH_CHUNKS ?? 100_000);
const bench = await startBench(process.env.BENCH_NODE_ENV ? { NODE_ENV: process.env.BENCH_NODE_ENV } : {});

try {
  // As run.mjs does: the catalogue cached, as after any `models`.
  spawnSync(process.execPath, [BIN, 'models'], { env: bench.env, stdio: 'ignore' });
  const chat = ['chat', '--max-tokens', String(CHUNKS), 'go'];
  const piped = bench.measure(process.execPath, [BIN, ...chat], RUNS);
  const terminal = bench.measureTerminal(chat, RUNS);
  const show = (name, m) => process.stdout.write(`${name.padEnd(10)} wall ${m.wall.toFixed(3)} s  cpu ${m.cpu.toFixed(3)} s  rss ${m.rss.toFixed(0)} MB  (cpu: ${m.all})\n`);
  show('piped', piped);
  show('ink', terminal);
  process.stdout.write(`ink/piped CPU ${(terminal.cpu / piped.cpu).toFixed(2)}\n`);
} finally {
  bench.close();
}
