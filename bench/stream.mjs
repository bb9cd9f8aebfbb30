// `node bench/stream.mjs [runs]`: only the 100k-chunk stream, piped and in the Ink UI (a tmux
// pseudo-terminal), for quick before/after comparisons while working on the renderers. The
// same method as run.mjs (medians of whole processes timed by /usr/bin/time); writes nothing.
import { execFileSync, spawn, spawnSync } from 'node:child_process';
import { tmpdir } from 'node:os';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';

const root = new URL('../', import.meta.url).pathname;
const BIN = join(root, 'bin/devsynth-or.cjs');
const RUNS = Number(process.argv[2] ?? 5);
const CHUNKS = Number(process.env.BENCH_CHUNKS ?? 100_000);

const server = spawn(process.execPath, [join(root, 'bench/server.mjs')], { stdio: ['ignore', 'pipe', 'inherit'] });
const port = await new Promise((resolve) => server.stdout.once('data', (d) => resolve(String(d).trim())));
const url = `http://127.0.0.1:${port}/api/v1`;
const home = mkdtempSync(join(tmpdir(), 'devsynth-bench-'));
const env = { ...(process.env.BENCH_NODE_ENV ? { NODE_ENV: process.env.BENCH_NODE_ENV } : {}), PATH: process.env.PATH, HOME: home, DEVSYNTH_HOME: join(home, 'state'), OPENROUTER_BASE_URL: url, OPENROUTER_API_KEY: 'sk-or-v1-bench00000000', OPENROUTER_MODEL: 'bench/model' };
const median = (values) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];
const summarise = (samples) => ({ wall: median(samples.map((s) => s.wall)), cpu: median(samples.map((s) => s.cpu)), rss: median(samples.map((s) => s.rss)), all: samples.map((s) => s.cpu.toFixed(2)).join(' ') });

function piped() {
  const samples = [];
  const out = join(home, 'time.txt');
  for (let i = 0; i < RUNS; i++) {
    const started = performance.now();
    const result = spawnSync('/usr/bin/time', ['-f', '%U %S %M', '-o', out, process.execPath, BIN, 'chat', '--max-tokens', String(CHUNKS), 'go'], { env, stdio: ['ignore', 'ignore', 'pipe'] });
    const wall = (performance.now() - started) / 1000;
    if (result.status !== 0) throw new Error(String(result.stderr));
    const [user, sys, rss] = readFileSync(out, 'utf8').trim().split('\n').pop().split(' ').map(Number);
    samples.push({ wall, cpu: user + sys, rss: rss / 1024 });
  }
  return summarise(samples);
}

const TMUX_SOCKET = `devsynth-bench-${process.pid}`;

/** tmux now and then fails to start its server ("server exited unexpectedly"): one retry. */
function tmuxStart(command) {
  const args = ['-L', TMUX_SOCKET, 'new-session', '-d', '-s', 'b', '-x', '120', '-y', '40', command];
  try {
    execFileSync('tmux', args, { stdio: 'pipe' });
  } catch {
    spawnSync('sleep', ['0.5']);
    execFileSync('tmux', args, { stdio: 'pipe' });
  }
}

function terminal() {
  const samples = [];
  const out = join(home, 'tty-time.txt');
  for (let i = 0; i < RUNS; i++) {
    rmSync(out, { force: true });
    const envs = Object.entries({ ...env, TERM: 'xterm-256color' }).map(([k, v]) => `${k}='${v}'`).join(' ');
    tmuxStart(`env -i ${envs} /usr/bin/time -f '%e %U %S %M' -o ${out} ${process.execPath} ${BIN} chat --max-tokens ${CHUNKS} go; sleep 60`);
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
    if (process.env.BENCH_SCREEN) process.stderr.write(execFileSync('tmux', ['-L', TMUX_SOCKET, 'capture-pane', '-p', '-t', 'b'], { encoding: 'utf8' }));
    execFileSync('tmux', ['-L', TMUX_SOCKET, 'kill-server']);
  }
  return summarise(samples);
}

try {
  // As run.mjs does: the catalogue cached, as after any `models`.
  spawnSync(process.execPath, [BIN, 'models'], { env, stdio: 'ignore' });
  const p = piped();
  const t = terminal();
  const show = (name, m) => process.stdout.write(`${name.padEnd(10)} wall ${m.wall.toFixed(3)} s  cpu ${m.cpu.toFixed(3)} s  rss ${m.rss.toFixed(0)} MB  (cpu: ${m.all})\n`);
  show('piped', p);
  show('ink', t);
  process.stdout.write(`ink/piped CPU ${(t.cpu / p.cpu).toFixed(2)}\n`);
} finally {
  server.kill();
  rmSync(home, { recursive: true, force: true });
}
