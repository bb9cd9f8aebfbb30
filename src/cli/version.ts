// The package version: written into the bundles at build time (scripts/bundle-cli.mjs), where
// reading package.json for it cost 0.7 ms of every start; read once from package.json (two
// levels up from src/cli and dist/cli) by tsc's output and under the tests.
import { readFileSync } from 'node:fs';

declare const DEVSYNTH_BUILD_VERSION: string | undefined;

export function packageVersion(): string {
  if (typeof DEVSYNTH_BUILD_VERSION === 'string') return DEVSYNTH_BUILD_VERSION;
  const pkg = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string };
  return pkg.version;
}
