// Errors the terminal UI already displayed, so that the error handler does not print them a
// second time (it still turns them into the exit code).
const shown = new WeakSet<object>();

export function markShown(error: unknown): void {
  if (error && typeof error === 'object') shown.add(error);
}

export function wasShown(error: unknown): boolean {
  return Boolean(error && typeof error === 'object' && shown.has(error));
}
