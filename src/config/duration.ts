// Durations as people write them in the config and on the command line: 30s, 15m, 12h, 7d, 2w.

/** A duration: a whole number and a unit, s, m, h, d or w. */
export const DURATION = /^\d+[smhdw]$/;
const UNIT_MS = { s: 1_000, m: 60_000, h: 3_600_000, d: 86_400_000, w: 604_800_000 } as const;

/** Milliseconds in a duration such as 7d; undefined when the text is not one. */
export function parseDuration(text: string): number | undefined {
  const trimmed = text.trim();
  if (!DURATION.test(trimmed)) return undefined;
  const unit = trimmed.slice(-1) as keyof typeof UNIT_MS;
  const ms = Number(trimmed.slice(0, -1)) * UNIT_MS[unit];
  return Number.isSafeInteger(ms) ? ms : undefined;
}
