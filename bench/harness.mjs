// What run.mjs and stream.mjs share: the loopback server in its own process, a throw-away HOME,
// and the two ways of timing a whole process (medians of wall s, CPU s and peak RSS MB):
// piped, and in a tmux pseudo-terminal for the Ink UI.
import { execFileSync, spawn, spawnSync } from 'node:child_process';
import { tmpdir } from 'node:os';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';

export const root = new URL('../', import.meta.url).pathname;
export const BIN = join(root, 'bin/devsynth-or.cjs');

const median = (values) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];
const summarise = (samples) => ({
  wall: median(samples.map((s) => s.wall)),
  cpu: median(samples.map((s) => s.cpu)),
  rss: median(samples.map((s) => s.rss)),
  all: samples.map((s) => s.cpu.toFixed(2)).join(' '),
});
const parseTime = (text) => text.trim().split('\n').pop().split(' ').map(Number);

/** Starts the server; `extraEnv` is added to what every measured process gets. */
export async function startBench(extraEnv = {}) {
  const server = spawn(process.execPath, [join(root, 'bench/server.mjs')], { stdio: ['ignore', 'pipe', 'inherit'] });
  const port = await new Promise((resolve) => server.stdout.once('data', (d) => resolve(String(d).trim())));
  const url = `http://127.0.0.1:${port}/api/v1`;
  const home = mkdtempSync(join(tmpdir(), 'devsynth-bench-'));
  // Nothing inherited (NODE_EXTRA_CA_CERTS alone adds tens of ms to every start): only this.
  const env = { ...extraEnv, PATH: process.env.PATH, HOME: home, DEVSYNTH_HOME: join(home, 'state'), OPENROUTER_BASE_URL: url, OPENROUTER_API_KEY: 'sk-or-v1-bench00000000', OPENROUTER_MODEL: 'bench/model' };
  // Its own tmux server: a benchmark run elsewhere on the machine must not kill this one's.
  const tmuxSocket = `devsynth-bench-${process.pid}`;

  /** Runs a command `runs` times, piped; `args` may be a function of the run's number (0, 1, …). */
  function measure(command, args, runs, moreEnv = {}) {
    const samples = [];
    const out = join(home, 'time.txt');
    const argsOf = typeof args === 'function' ? args : () => args;
    for (let i = 0; i < runs; i++) {
      const args = argsOf(i);
      // /usr/bin/time reports wall time in 10 ms steps: the wall clock is read here instead.
      const started = performance.now();
      const result = spawnSync('/usr/bin/time', ['-f', '%U %S %M', '-o', out, command, ...args], { env: { ...env, ...moreEnv }, stdio: ['ignore', 'ignore', 'pipe'] });
      const wall = (performance.now() - started) / 1000;
      if (result.status !== 0) throw new Error(`${command} ${args.join(' ')} failed: ${result.stderr}`);
      const [user, sys, rss] = parseTime(readFileSync(out, 'utf8'));
      samples.push({ wall, cpu: user + sys, rss: rss / 1024 });
    }
    return summarise(samples);
  }

  /**
   * devsynth-or with `args` in a 120×40 tmux pseudo-terminal, `runs` times. With `repl`, a
   * person at the REPL: once `ready` shows, `keys` are typed; once `done` shows, `quit` is.
   */
  function measureTerminal(args, runs, repl) {
    const samples = [];
    const out = join(home, 'tty-time.txt');
    for (let i = 0; i < runs; i++) {
      rmSync(out, { force: true });
      const envs = Object.entries({ ...env, TERM: 'xterm-256color' }).map(([k, v]) => `${k}='${v}'`).join(' ');
      const session = ['-L', tmuxSocket, 'new-session', '-d', '-s', 'b', '-x', '120', '-y', '40', `env -i ${envs} /usr/bin/time -f '%e %U %S %M' -o ${out} ${process.execPath} ${BIN} ${args.join(' ')}; sleep 60`];
      try {
        execFileSync('tmux', session, { stdio: 'pipe' });
      } catch {
        // Now and then tmux fails to start its server ("server exited unexpectedly"): once more.
        spawnSync('sleep', ['0.5']);
        execFileSync('tmux', session, { stdio: 'pipe' });
      }
      const until = Date.now() + 300_000;
      const screen = () => execFileSync('tmux', ['-L', tmuxSocket, 'capture-pane', '-p', '-t', 'b'], { encoding: 'utf8' });
      const waitFor = (text) => {
        while (Date.now() < until && !screen().includes(text)) spawnSync('sleep', ['0.05']);
      };
      if (repl) {
        waitFor(repl.ready);
        execFileSync('tmux', ['-L', tmuxSocket, 'send-keys', '-t', 'b', ...repl.keys]);
        waitFor(repl.done);
        execFileSync('tmux', ['-L', tmuxSocket, 'send-keys', '-t', 'b', ...repl.quit]);
      }
      while (Date.now() < until) {
        try {
          const text = readFileSync(out, 'utf8').trim();
          if (text) {
            const [wall, user, sys, rss] = parseTime(text);
            samples.push({ wall, cpu: user + sys, rss: rss / 1024 });
            break;
          }
        } catch {}
        spawnSync('sleep', ['0.2']);
      }
      if (process.env.BENCH_SCREEN) process.stderr.write(execFileSync('tmux', ['-L', tmuxSocket, 'capture-pane', '-p', '-t', 'b'], { encoding: 'utf8' }));
      execFileSync('tmux', ['-L', tmuxSocket, 'kill-server']);
    }
    return summarise(samples);
  }

  return {
    url,
    home,
    env,
    measure,
    measureTerminal,
    close() {
      server.kill();
      rmSync(home, { recursive: true, force: true });
    },
  };
}
