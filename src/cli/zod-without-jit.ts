// A run parses each of its schemas (configuration, state files, options) once or twice: zod's
// JIT, which compiles a parser for an object schema on its first use, costs more than it saves
// here (about 3 ms on the configuration alone). An object schema reads this setting when it is
// built, so main.ts imports this module before anything that builds one.
import * as z from 'zod';

z.config({ jitless: true });
