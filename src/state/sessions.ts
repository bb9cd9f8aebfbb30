// Named conversations, one file each, plus a pointer to the last one for --continue. Every
// change is made under the file's lock against what the file holds then: a turn is appended to
// the conversation as it is now, so parallel runs on one session all keep their turns.
import { readdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import * as z from '../config/zod.js';
import { type ChatMessage, textOf, UsageError } from '../core/index.js';
import { JsonStore, stateNotSaved, type Warn } from './json-store.js';
import { rootOf } from './paths.js';
import { stateDirIsSafe } from './safe-files.js';

const SESSION_NAME = /^[\w.-]{1,64}$/;
/** The conversation kept for `chat` without --session, which -c continues. */
export const UNNAMED_SESSION = '_last';

const sessionSchema = z.object({
  name: z.string(),
  model: z.nullable(z.string()),
  created: z.string(),
  updated: z.string(),
  messages: z.array(z.object({ role: z.enum(['system', 'developer', 'user', 'assistant', 'tool']), content: z.string() })),
});
export type Session = z.infer<typeof sessionSchema>;
/** A message as a session file holds it. */
export type StoredMessage = Session['messages'][number];

/**
 * The conversation as a session file keeps it: text only for now; attachments are kept by
 * reference (under DEVSYNTH_HOME/attachments) once the REPL and -a can add them.
 */
export function toStoredMessages(messages: readonly ChatMessage[]): StoredMessage[] {
  return messages.map((message) => ({ role: message.role, content: textOf(message.content) }));
}

/** A name that is a file name of ours and no other: no path, no hidden file. */
function isSessionFileName(name: string): boolean {
  return SESSION_NAME.test(name) && !name.startsWith('.');
}

/**
 * Names the user may not give: "_…" is ours (UNNAMED_SESSION), and ".tmp-…" and ".corrupt-…"
 * name our own files beside a session (a write's temporary file, a file set aside).
 */
function isReserved(name: string): boolean {
  return name.startsWith('_') || /\.tmp-|\.corrupt-/i.test(name);
}

/** A name a session of ours can have: the user's (valid, not reserved) or UNNAMED_SESSION. */
const isOurSessionName = (name: string) => name === UNNAMED_SESSION || (isSessionFileName(name) && !isReserved(name));

// The pointer names a session we would open: anything else in it was not written by us.
const pointerSchema = z.object({ last: z.nullable(z.string().check(z.refine(isOurSessionName, 'not a session name'))) });

/** A session name the user gave (--session, /save): a usage error when it is not allowed. */
export function validateSessionName(name: string): string {
  if (!isSessionFileName(name)) {
    throw new UsageError(`invalid session name "${name}": use letters, digits, ".", "_" and "-" (at most 64), not starting with "."`);
  }
  if (isReserved(name)) {
    throw new UsageError(`session name "${name}" is reserved: names starting with "_" or holding ".tmp-" or ".corrupt-" are devsynth-or's own`);
  }
  return name;
}

/** One turn to keep: its new messages (the prompt, the answer) and what changed with it. */
export interface Turn {
  messages: StoredMessage[];
  model: string | null;
  /** A system prompt given with this turn: it replaces the conversation's. */
  system?: string;
  /** The turn starts the conversation anew (a chat without --session or -c). */
  fresh?: boolean;
}

export function createSessionStore(stateDir: string, options: { warn?: Warn; now?: () => Date; secrets?: () => readonly string[] } = {}) {
  const dir = join(stateDir, 'sessions');
  const shared = { ...(options.warn ? { warn: options.warn } : {}), ...(options.secrets ? { secrets: options.secrets } : {}) };
  const now = () => (options.now?.() ?? new Date()).toISOString();
  // Our own name is allowed here; the user's names are checked where they are given (open).
  const fileOf = (name: string) => {
    if (name !== UNNAMED_SESSION) validateSessionName(name);
    return new JsonStore<Session>({ dir, name, schema: sessionSchema, empty: () => ({ name, model: null, created: now(), updated: now(), messages: [] }), ...shared });
  };
  const pointer = new JsonStore<z.infer<typeof pointerSchema>>({ dir: stateDir, name: 'last-session', schema: pointerSchema, empty: () => ({ last: null }), ...shared });
  const pointAt = (name: string) => pointer.update((current) => (current.last === name ? current : { last: name }));

  return {
    dir,
    /** The session, or an empty one of that name. */
    load(name: string): Session {
      return fileOf(name).read();
    },
    exists(name: string): boolean {
      return this.list().includes(name);
    },
    /** Replaces the whole conversation (/clear, /system, /save under a new name), under its lock. */
    async save(session: Session): Promise<void> {
      await fileOf(session.name).update(() => ({ ...session, updated: now() }));
      await pointAt(session.name);
    },
    /** Appends a turn to the conversation as the file holds it now, under its lock. */
    async appendTurn(name: string, turn: Turn): Promise<void> {
      await fileOf(name).update((current) => {
        const earlier = turn.fresh ? [] : current.messages;
        const kept = turn.system === undefined ? earlier : [{ role: 'system' as const, content: turn.system }, ...earlier.filter((m) => m.role !== 'system')];
        return {
          ...current,
          ...(turn.fresh ? { created: now() } : {}),
          name,
          model: turn.model,
          updated: now(),
          messages: [...kept, ...turn.messages],
        };
      });
      await pointAt(name);
    },
    /** The name of the conversation --continue resumes. */
    last(): string | null {
      return pointer.read().last;
    },
    list(): string[] {
      try {
        if (!stateDirIsSafe(dir, rootOf(stateDir))) return [];
        return readdirSync(dir)
          .filter((file) => file.endsWith('.json'))
          .map((file) => file.slice(0, -5))
          .sort();
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code !== 'ENOENT') stateNotSaved(error, options.warn);
        return [];
      }
    },
    remove(name: string): void {
      try {
        if (stateDirIsSafe(dir, rootOf(stateDir))) rmSync(join(dir, `${validateSessionName(name)}.json`), { force: true });
      } catch (error) {
        if (error instanceof UsageError) throw error;
        stateNotSaved(error, options.warn);
      }
    },
  };
}
export type SessionStore = ReturnType<typeof createSessionStore>;
