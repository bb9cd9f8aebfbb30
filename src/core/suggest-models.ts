// "Did you mean": the catalogue ids closest to a mistyped one. Exact substring matches rank
// first (people type "gpt-4o" for "openai/gpt-4o"), then edit distance on the slug.

function editDistance(a: string, b: string): number {
  const row = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    let diagonal = row[0] ?? 0;
    row[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const above = row[j] ?? 0;
      row[j] = Math.min(above + 1, (row[j - 1] ?? 0) + 1, diagonal + (a[i - 1] === b[j - 1] ? 0 : 1));
      diagonal = above;
    }
  }
  return row[b.length] ?? 0;
}

/** Up to `limit` ids from `known` that look like `wanted`, best first. */
export function suggestModels(wanted: string, known: readonly string[], limit = 3): string[] {
  const needle = wanted.toLowerCase();
  const slug = (id: string) => id.toLowerCase().split('/').pop() ?? id;
  const scored = known.map((id) => {
    const lower = id.toLowerCase();
    const contains = lower.includes(needle) || (needle.includes('/') ? false : slug(id).startsWith(slug(needle)));
    const distance = Math.min(editDistance(needle, lower), editDistance(slug(needle), slug(id)));
    return { id, score: contains ? -1000 + lower.length : distance };
  });
  const threshold = Math.max(3, Math.floor(needle.length / 3));
  return scored
    .filter((entry) => entry.score < 0 || entry.score <= threshold)
    .sort((a, b) => a.score - b.score || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0))
    .slice(0, limit)
    .map((entry) => entry.id);
}
