// The names the model sees. OpenRouter (as OpenAI) takes function names of 1 to 64 letters,
// digits, "_" and "-"; MCP tool names may hold dots or slashes, and two servers may both have a
// "search". A tool keeps its own name when that is valid and unique, and is prefixed with its
// server's name otherwise.
const VALID = /^[A-Za-z0-9_-]{1,64}$/;

const clean = (name: string) => name.replace(/[^A-Za-z0-9_-]/g, '_').slice(0, 64) || 'tool';

/** Exposed names for `tools` (server, name), in order, all valid and distinct. */
export function exposedNames(tools: ReadonlyArray<{ server: string; name: string }>): string[] {
  const counts = new Map<string, number>();
  for (const tool of tools) counts.set(tool.name, (counts.get(tool.name) ?? 0) + 1);
  const used = new Set<string>();
  return tools.map((tool) => {
    let name = VALID.test(tool.name) && counts.get(tool.name) === 1 ? tool.name : clean(`${tool.server}_${tool.name}`);
    for (let n = 2; used.has(name); n++) name = `${clean(`${tool.server}_${tool.name}`).slice(0, 60)}_${n}`;
    used.add(name);
    return name;
  });
}
