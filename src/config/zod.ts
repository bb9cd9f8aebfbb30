// The zod that every schema of the CLI is written in: zod/mini, whose schemas are plain
// functions' results rather than objects carrying some fifty methods each, so that building
// the few hundred schemas of a run costs about 8 ms less (docs/benchmarks.md). Set up once,
// here, before any schema is built: English messages (zod/mini ships none by default; these
// are classic zod's), and no JIT (it compiles a parser per object schema on first use, and a
// run parses each schema once or twice; an object schema reads this as it is built).
import { config } from 'zod/mini';
import en from 'zod/v4/locales/en.js';

config({ ...en(), jitless: true });

export * from 'zod/mini';
