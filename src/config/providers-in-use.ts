// Which providers a run uses: the chosen one, then llm.fallback's enabled ones, in order, each
// once. Only their settings can stop the run (a bad base_url of a provider nobody asked for is
// reported by `config`, not a reason to refuse `--provider offline`), and only their circuit
// breakers are news in `status`.

const isObject = (value: unknown): value is Record<string, unknown> =>
  value !== null && typeof value === 'object' && !Array.isArray(value);

/**
 * The chain from the `llm` section, validated or not (the merged tree is read before the schema
 * runs, so that its problems are reported together): names that are not strings are left out.
 */
export function providersInUse(llm: unknown): string[] {
  if (!isObject(llm) || typeof llm.provider !== 'string') return [];
  const settings = isObject(llm.providers) ? llm.providers : {};
  const enabled = (name: string) => !isObject(settings[name]) || settings[name].enabled !== false;
  const fallback = Array.isArray(llm.fallback) ? llm.fallback.filter((name): name is string => typeof name === 'string' && enabled(name)) : [];
  return [llm.provider, ...fallback].filter((name, index, all) => all.indexOf(name) === index);
}
