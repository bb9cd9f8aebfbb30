#!/usr/bin/env node
// Thin entry, in CommonJS. `--version` alone is answered here without loading the CLI, or even
// Node's ES module loader (a version check in a script should cost what starting Node costs);
// `models` and `__models` from a fresh cache are answered by a small module that loads no more
// than it needs (src/cli/fast-catalogue.ts); everything else goes to the bundled CLI (`embed`
// to a bundle of its own, a third of the size), run through V8's code cache
// (src/cli/compiled-bundle.ts), which holds the one error handler.
'use strict';
const args = process.argv.slice(2);

// A reader that stops early (`devsynth-or models | head -3`) closes the pipe, a closed terminal
// fails writes with EIO: that is the end of the output, not an error to report with a stack
// trace. Nothing exits here: the CLI stops its request then and still saves the turn
// (src/cli/main.ts), and the exit code is its own.
for (const stream of [process.stdout, process.stderr]) {
  stream.on('error', (error) => {
    if (error.code !== 'EPIPE' && error.code !== 'EIO') throw error;
  });
}

if (args.length === 1 && (args[0] === '--version' || args[0] === '-V')) {
  const { readFileSync } = require('node:fs');
  const { join } = require('node:path');
  process.stdout.write(`${JSON.parse(readFileSync(join(__dirname, '..', 'package.json'), 'utf8')).version}\n`);
} else {
  const start = require('../dist/bundle/start.cjs');
  if (!start.answerFromCache(args, { stdout: process.stdout, stderr: process.stderr, env: process.env, cwd: process.cwd() })) {
    // `embed` first: its own bundle, the same program with that command only (a third of the size).
    const bundle = args[0] === 'embed' ? 'embed.cjs' : 'cli.cjs';
    // The bundle's import() of the terminal UI's ES modules goes through this module's own, and
    // its built-ins come through this module's require.
    start.runCli(require('node:path').join(__dirname, '../dist/bundle', bundle), process.argv, (specifier) => import(specifier), require).catch((error) => {
      // The CLI handles its own errors; this is the bundle failing to load (a broken install).
      process.stderr.write(`devsynth-or: unexpected error: cannot start: ${error.message}\n`);
      process.exitCode = 1;
    });
  }
}
