// Ink and React: what the terminal UI needs and nothing else does, loaded before the UI's own
// modules. Here that is a plain import; the CLI's bundle replaces this module with one that
// loads them as ES modules beside the bundle (Ink, through yoga-layout, awaits at top level, which
// a CommonJS bundle cannot), so that the modules below find them (scripts/bundle-cli.mjs).
export async function loadTerminalLibraries(): Promise<void> {
  // React reads NODE_ENV as it first loads.
  await import('./react-production.js');
  await import('ink');
}
