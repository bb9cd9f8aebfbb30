// `npm run bench`: devsynth-or beside a minimal fetch + SSE client, the openai SDK and curl,
// all against one loopback server, in one run on this machine. Medians of repeated runs, as
// whole processes (start-up included), timed by /usr/bin/time (wall, user+sys CPU, peak RSS).
// Writes docs/benchmarks.md. A benchmark, not a test: it asserts nothing.
import { execFileSync, spawn, spawnSync } from 'node:child_process';
import { cpus, totalmem, tmpdir } from 'node:os';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

const root = new URL('../', import.meta.url).pathname;
const BIN = join(root, 'bin/devsynth-or.cjs');
const QUICK = process.argv.includes('--quick');
const RUNS = { light: QUICK ? 3 : 11, heavy: QUICK ? 1 : 5 };
const STREAM_CHUNKS = 100_000;
const EMBED_LINES = 10_000;

const server = spawn(process.execPath, [join(root, 'bench/server.mjs')], { stdio: ['ignore', 'pipe', 'inherit'] });
const port = await new Promise((resolve) => server.stdout.once('data', (d) => resolve(String(d).trim())));
const url = `http://127.0.0.1:${port}/api/v1`;
const home = mkdtempSync(join(tmpdir(), 'devsynth-bench-'));
const env = { PATH: process.env.PATH, HOME: home, DEVSYNTH_HOME: join(home, 'state'), OPENROUTER_BASE_URL: url, OPENROUTER_API_KEY: 'sk-or-v1-bench00000000', OPENROUTER_MODEL: 'bench/model' };
const median = (values) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];

/** Runs a command `runs` times; medians of wall s, CPU s and peak RSS MB. */
function measure(command, args, runs, extraEnv = {}) {
  const samples = [];
  const out = join(home, 'time.txt');
  for (let i = 0; i < runs; i++) {
    // /usr/bin/time reports wall time in 10 ms steps: the wall clock is read here instead.
    const started = performance.now();
    const result = spawnSync('/usr/bin/time', ['-f', '%U %S %M', '-o', out, command, ...args], { env: { ...env, ...extraEnv }, stdio: ['ignore', 'ignore', 'pipe'] });
    const wall = (performance.now() - started) / 1000;
    if (result.status !== 0) throw new Error(`${command} ${args.join(' ')} failed: ${result.stderr}`);
    const [user, sys, rss] = readFileSync(out, 'utf8').trim().split('\n').pop().split(' ').map(Number);
    samples.push({ wall, cpu: user + sys, rss: rss / 1024 });
  }
  return { wall: median(samples.map((s) => s.wall)), cpu: median(samples.map((s) => s.cpu)), rss: median(samples.map((s) => s.rss)) };
}

// Its own tmux server: a benchmark run elsewhere on the machine must not kill this one's.
const TMUX_SOCKET = `devsynth-bench-${process.pid}`;

/** The Ink UI in a tmux pseudo-terminal, timed the same way. */
function measureTerminal(args, runs) {
  const samples = [];
  const out = join(home, 'tty-time.txt');
  for (let i = 0; i < runs; i++) {
    rmSync(out, { force: true });
    const envs = Object.entries({ ...env, TERM: 'xterm-256color' }).map(([k, v]) => `${k}='${v}'`).join(' ');
    const session = ['-L', TMUX_SOCKET, 'new-session', '-d', '-s', 'b', '-x', '120', '-y', '40', `env -i ${envs} /usr/bin/time -f '%e %U %S %M' -o ${out} ${process.execPath} ${BIN} ${args.join(' ')}; sleep 60`];
    try {
      execFileSync('tmux', session, { stdio: 'pipe' });
    } catch {
      // Now and then tmux fails to start its server ("server exited unexpectedly"): once more.
      spawnSync('sleep', ['0.5']);
      execFileSync('tmux', session, { stdio: 'pipe' });
    }
    const until = Date.now() + 300_000;
    while (Date.now() < until) {
      try {
        const text = readFileSync(out, 'utf8').trim();
        if (text) {
          const [wall, user, sys, rss] = text.split('\n').pop().split(' ').map(Number);
          samples.push({ wall, cpu: user + sys, rss: rss / 1024 });
          break;
        }
      } catch {}
      spawnSync('sleep', ['0.2']);
    }
    execFileSync('tmux', ['-L', TMUX_SOCKET, 'kill-server']);
  }
  return { wall: median(samples.map((s) => s.wall)), cpu: median(samples.map((s) => s.cpu)), rss: median(samples.map((s) => s.rss)) };
}

const node = process.execPath;
const curlArgs = (chunks) => ['-sN', '-o', '/dev/null', '-X', 'POST', `${url}/chat/completions`, '-H', 'content-type: application/json', '-d', JSON.stringify({ model: 'bench/model', stream: true, max_tokens: chunks, messages: [{ role: 'user', content: 'go' }] })];
const rows = [];
const log = (name, m) => {
  rows.push({ name, ...m });
  process.stderr.write(`${name.padEnd(48)} ${m.wall.toFixed(3)} s wall  ${m.cpu.toFixed(3)} s cpu  ${m.rss.toFixed(0)} MB\n`);
};

try {
  // Warm the catalogue cache, so that `models` below answers from it.
  spawnSync(node, [BIN, 'models'], { env, stdio: 'ignore' });
  log('node -e 0', measure(node, ['-e', '0'], RUNS.light));
  log('devsynth-or --version', measure(node, [BIN, '--version'], RUNS.light));
  log('devsynth-or models (from cache)', measure(node, [BIN, 'models'], RUNS.light));
  log('one-chunk chat: devsynth-or', measure(node, [BIN, 'chat', '--max-tokens', '1', 'go'], RUNS.light));
  log('one-chunk chat: minimal fetch client', measure(node, [join(root, 'bench/minimal-client.mjs'), url, '1'], RUNS.light));
  log('one-chunk chat: openai SDK', measure(node, [join(root, 'bench/openai-client.mjs'), url, '1'], RUNS.light));
  log('one-chunk chat: curl -N', measure('curl', curlArgs(1), RUNS.light));
  // The UI's fixed cost (loading Ink and React, the first frames), apart from the stream's.
  log('one-chunk chat, Ink UI in a pty: devsynth-or', measureTerminal(['chat', '--max-tokens', '1', 'go'], RUNS.heavy));
  log('100k-chunk stream piped: devsynth-or', measure(node, [BIN, 'chat', '--max-tokens', String(STREAM_CHUNKS), 'go'], RUNS.heavy));
  log('100k-chunk stream piped: minimal fetch client', measure(node, [join(root, 'bench/minimal-client.mjs'), url, String(STREAM_CHUNKS)], RUNS.heavy));
  log('100k-chunk stream piped: openai SDK', measure(node, [join(root, 'bench/openai-client.mjs'), url, String(STREAM_CHUNKS)], RUNS.heavy));
  log('100k-chunk stream piped: curl -N', measure('curl', curlArgs(STREAM_CHUNKS), RUNS.heavy));
  log('100k-chunk stream, Ink UI in a pty: devsynth-or', measureTerminal(['chat', '--max-tokens', String(STREAM_CHUNKS), 'go'], RUNS.heavy));
  const lines = join(home, 'lines.txt');
  writeFileSync(lines, Array.from({ length: EMBED_LINES }, (_, i) => `line ${i} of the benchmark`).join('\n'));
  log('embed 10,000 lines: batched (100) x 4', measure(node, [BIN, 'embed', '--no-cache', '-f', lines], RUNS.heavy));
  // One request per line is sequential, so its time grows linearly: 1,000 lines are measured
  // and scaled to 10,000 (a full run would take over a minute).
  const thousand = join(home, 'thousand.txt');
  writeFileSync(thousand, Array.from({ length: 1000 }, (_, i) => `line ${i} of the benchmark`).join('\n'));
  const perLine = measure(node, [BIN, 'embed', '--no-cache', '--batch-size', '1', '--concurrency', '1', '-f', thousand], 1);
  log('embed 10,000 lines: one request per line (1,000 measured, ×10)', { wall: perLine.wall * 10, cpu: perLine.cpu * 10, rss: perLine.rss });
} finally {
  server.kill();
  rmSync(home, { recursive: true, force: true });
}

const get = (name) => rows.find((r) => r.name === name);
const ratio = (a, b, field = 'wall') => get(a)[field] / get(b)[field];
const targets = [
  ['--version vs node -e 0 (wall)', ratio('devsynth-or --version', 'node -e 0'), '≤ 1.3'],
  ['one-chunk chat vs minimal fetch client (wall)', ratio('one-chunk chat: devsynth-or', 'one-chunk chat: minimal fetch client'), '≤ 0.7'],
  ['100k piped vs minimal fetch client (wall)', ratio('100k-chunk stream piped: devsynth-or', '100k-chunk stream piped: minimal fetch client'), '≤ 1.2'],
  ['100k piped: openai SDK vs devsynth-or (wall)', ratio('100k-chunk stream piped: openai SDK', '100k-chunk stream piped: devsynth-or'), '≈ 3.5 or more'],
  ['Ink UI vs piped, 100k (CPU)', ratio('100k-chunk stream, Ink UI in a pty: devsynth-or', '100k-chunk stream piped: devsynth-or', 'cpu'), '≤ 2'],
  ['peak RSS, 100k piped (MB)', get('100k-chunk stream piped: devsynth-or').rss, '≤ 80'],
  ['embed: one per line vs batched (wall)', ratio('embed 10,000 lines: one request per line (1,000 measured, ×10)', 'embed 10,000 lines: batched (100) x 4'), '≥ 5'],
  ['models from cache vs --version (wall)', ratio('devsynth-or models (from cache)', 'devsynth-or --version'), '≤ 1.5'],
];
const cpu = cpus()[0]?.model ?? 'unknown CPU';
const report = `# Benchmarks

Measured by \`npm run bench\` (bench/run.mjs) on ${new Date().toISOString().slice(0, 10)}: ${cpus().length} cores (${cpu}),
${Math.round(totalmem() / 2 ** 30)} GiB, Node ${process.version}, loopback server (bench/server.mjs) in its own process.
Each figure is the median of ${RUNS.light} runs (light cases) or ${RUNS.heavy} (heavy ones) of a whole process, start-up included,
timed by /usr/bin/time: wall seconds, CPU seconds (user + system), peak RSS.

| case | wall s | CPU s | peak RSS MB |
|---|---:|---:|---:|
${rows.map((r) => `| ${r.name} | ${r.wall.toFixed(3)} | ${r.cpu.toFixed(3)} | ${r.rss.toFixed(0)} |`).join('\n')}

## Against the targets (ratios from this run)

| measure | value | target |
|---|---:|---|
${targets.map(([name, value, target]) => `| ${name} | ${value.toFixed(2)} | ${target} |`).join('\n')}
`;
// A hand-written part below the marker (what the figures mean, what was tried) survives a re-run.
const MARKER = '<!-- Notes below this line are kept by bench/run.mjs. -->';
const docs = join(root, 'docs/benchmarks.md');
let notes = '';
try {
  const previous = readFileSync(docs, 'utf8');
  const at = previous.indexOf(MARKER);
  if (at >= 0) notes = `\n${previous.slice(at)}`;
} catch {}
writeFileSync(docs, report + notes);
process.stdout.write(report);
