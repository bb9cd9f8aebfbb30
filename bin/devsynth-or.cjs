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
  import('../dist/bundle/cli.js').then(({ main }) => main(process.argv));
}
