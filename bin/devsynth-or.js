#!/usr/bin/env node
// Thin entry. `--version` alone is answered here, without loading the CLI (a version check in
// a script should cost what starting Node costs); everything else goes to the bundled main
// (scripts/bundle-cli.mjs), which holds the one error handler.
const args = process.argv.slice(2);
if (args.length === 1 && (args[0] === '--version' || args[0] === '-V')) {
  const { readFileSync } = await import('node:fs');
  process.stdout.write(`${JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')).version}\n`);
} else {
  const { main } = await import('../dist/bundle/cli.js');
  await main(process.argv);
}
