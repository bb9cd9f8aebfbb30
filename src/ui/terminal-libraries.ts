// Ink and React: what the terminal UI needs and nothing else does, loaded before the UI's own
// modules. Here that is a plain import; the CLI's bundle replaces this module with one that
// loads yoga-layout as an ES module (it awaits at top level, which a CommonJS bundle cannot)
// and Ink and React from a bundle of their own, so that the UI's modules find them when they
// are evaluated (scripts/bundle-cli.mjs).
export async function loadTerminalLibraries(): Promise<void> {
  // React reads NODE_ENV as it first loads.
  await import('./react-production.js');
  await import('ink');
}
