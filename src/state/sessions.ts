// Named conversations, one file each, plus a pointer to the last one for --continue.
import { readdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import * as z from '../config/zod.js';
import { UsageError } from '../core/index.js';
import { JsonStore, type Warn } from './json-store.js';

const SESSION_NAME = /^[\w.-]{1,64}$/;

const sessionSchema = z.object({
  name: z.string(),
  model: z.nullable(z.string()),
  created: z.string(),
  updated: z.string(),
  messages: z.array(z.object({ role: z.enum(['system', 'developer', 'user', 'assistant', 'tool']), content: z.string() })),
});
export type Session = z.infer<typeof sessionSchema>;

const pointerSchema = z.object({ last: z.nullable(z.string()) });

export function validateSessionName(name: string): string {
  if (!SESSION_NAME.test(name) || name === '.' || name === '..') {
    throw new UsageError(`invalid session name "${name}": use letters, digits, ".", "_" and "-" (at most 64)`);
  }
  return name;
}

export function createSessionStore(stateDir: string, options: { warn?: Warn; now?: () => Date } = {}) {
  const dir = join(stateDir, 'sessions');
  const warn = options.warn ? { warn: options.warn } : {};
  const now = () => (options.now?.() ?? new Date()).toISOString();
  const fileOf = (name: string) =>
    new JsonStore<Session>({ dir, name: validateSessionName(name), schema: sessionSchema, empty: () => ({ name, model: null, created: now(), updated: now(), messages: [] }), ...warn });
  const pointer = new JsonStore<z.infer<typeof pointerSchema>>({ dir: stateDir, name: 'last-session', schema: pointerSchema, empty: () => ({ last: null }), ...warn });

  return {
    dir,
    /** The session, or an empty one of that name. */
    load(name: string): Session {
      return fileOf(name).read();
    },
    exists(name: string): boolean {
      return this.list().includes(name);
    },
    async save(session: Session): Promise<void> {
      await fileOf(session.name).write({ ...session, updated: now() });
      await pointer.write({ last: session.name });
    },
    /** The name of the conversation --continue resumes. */
    last(): string | null {
      return pointer.read().last;
    },
    list(): string[] {
      try {
        return readdirSync(dir)
          .filter((file) => file.endsWith('.json'))
          .map((file) => file.slice(0, -5))
          .sort();
      } catch {
        return [];
      }
    },
    remove(name: string): void {
      rmSync(join(dir, `${validateSessionName(name)}.json`), { force: true });
    },
  };
}
export type SessionStore = ReturnType<typeof createSessionStore>;
