#!/usr/bin/env node
// Thin entry, in CommonJS: `--version` alone is answered here without loading the CLI, or even
// Node's ES module loader (a version check in a script should cost what starting Node costs);
// everything else goes to the bundled main (scripts/bundle-cli.mjs), which holds the one error
// handler.
'use strict';
const args = process.argv.slice(2);
if (args.length === 1 && (args[0] === '--version' || args[0] === '-V')) {
  const { readFileSync } = require('node:fs');
  const { join } = require('node:path');
  process.stdout.write(`${JSON.parse(readFileSync(join(__dirname, '..', 'package.json'), 'utf8')).version}\n`);
} else {
  // V8 grows its young generation to 16 MB per semi-space under a long stream's allocation
  // rate, which is most of a 100,000-chunk answer's peak memory: kept at its starting size it
  // costs about 20 MB less for about 0.02 s more CPU (docs/benchmarks.md). A growth heuristic,
  // read when V8 decides to grow, so it can be set now; the heap's sizes themselves cannot.
  require('node:v8').setFlagsFromString('--semi-space-growth-factor=1');
  import('../dist/bundle/cli.js').then(({ main }) => main(process.argv));
}
