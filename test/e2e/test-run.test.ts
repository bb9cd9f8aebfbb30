// The test command itself, as the README gives it (`npm test`, without its pretest build), run
// on a fixture: its log has no stray lines (no warnings, nothing from the tools the tests drive),
// it explains what it skipped, and it closes with the line CI reads.
import { execFile } from 'node:child_process';
import { describe, expect, it } from '@jest/globals';

const ROOT = new URL('../../', import.meta.url).pathname;
const FIXTURE = 'test/fixtures/test-run/summary.fixture.ts';

function npmTest(): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    // --ignore-scripts skips pretest (the suite's own run has built and typechecked);
    // --silent leaves out npm's banner, so that all the output is the test run's.
    const args = ['test', '--ignore-scripts', '--silent', '--', '--testMatch', `**/${FIXTURE}`, '--ci=false'];
    // Jest reports by pass/fail only outside CI's quieter mode; the child must not inherit a
    // FIXTURE_OPT_IN either.
    const env = { ...process.env, CI: undefined, FIXTURE_OPT_IN: undefined };
    const child = execFile('npm', args, { cwd: ROOT, env, encoding: 'utf8' }, (error, stdout, stderr) => {
      if (error && typeof error.code !== 'number') reject(error);
      else resolve({ code: child.exitCode, stdout, stderr });
    });
  });
}

describe('the test run’s own output', () => {
  it('prints no stray line, explains its skipped tests, and ends with the counts', async () => {
    const run = await npmTest();
    expect(run.code).toBe(0);
    // stdout is the summary reporter's alone: what was skipped and why, then the counts.
    expect(run.stdout).toBe(
      [
        '',
        '3 skipped:',
        `  2 in "a suite that needs a service (opt-in: FIXTURE_OPT_IN=1)", ${FIXTURE}`,
        `  1 todo in ${FIXTURE}`,
        'tests: 1 passed, 0 failed, 3 skipped',
        '',
      ].join('\n'),
    );
    // stderr is Jest's own report: the file, its tests indented under it, and the totals. A
    // warning from Node or a tool's complaint ("no server running on …", "error connecting to
    // …") would be a line of its own.
    const stray = run.stderr
      .split('\n')
      .filter((line) => line.trim() !== '' && !/^(PASS |FAIL | |Test Suites: |Tests: |Snapshots: |Time: |Ran all test suites)/.test(line));
    expect(stray).toEqual([]);
    expect(run.stderr).toMatch(/^Tests: +2 skipped, 1 todo, 1 passed, 4 total$/m);
  }, 120_000);
});
