// Named conversations, one file each, plus a pointer to the last one for --continue. Every
// change is made under the file's lock against what the file holds then: a turn is appended to
// the conversation as it is now, so parallel runs on one session all keep their turns.
import { readdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import * as z from '../config/zod.js';
import { type ChatMessage, UsageError } from '../core/index.js';
import { fromStoredContent, storedPartSchema, toStoredContent } from './attachment-parts.js';
import { createAttachmentStore } from './attachments.js';
import { JsonStore, stateNotSaved, type Warn } from './json-store.js';
import { rootOf } from './paths.js';
import { stateDirIsSafe } from './safe-files.js';

const SESSION_NAME = /^[\w.-]{1,64}$/;
/** The longest provider name kept (a server names it): longer is cut, so that the file stays valid. */
const MAX_PROVIDER_NAME = 200;
/** The conversation kept for `chat` without --session, which -c continues. */
export const UNNAMED_SESSION = '_last';

const sessionSchema = z.object({
  name: z.string(),
  model: z.nullable(z.string()),
  created: z.string(),
  updated: z.string(),
  messages: z.array(
    z.object({
      role: z.enum(['system', 'developer', 'user', 'assistant', 'tool']),
      // Text, or parts whose attachments are references to the attachment store (never base64).
      content: z.union([z.string(), z.array(storedPartSchema)]),
      /** On an answer: the upstream that served it (OpenRouter names it); absent in older files. */
      provider: z.optional(z.string().check(z.maxLength(MAX_PROVIDER_NAME))),
    }),
  ),
});
/** A session as its file holds it. */
type StoredSession = z.infer<typeof sessionSchema>;
/** A conversation, its attachments read back from the store. */
export type Session = Omit<StoredSession, 'messages'> & { messages: ChatMessage[] };

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
  messages: ChatMessage[];
  model: string | null;
  /** The upstream that served the answer, kept on the turn's assistant message. */
  provider?: string;
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
  const attachments = createAttachmentStore(stateDir, options.warn ? { warn: options.warn } : {});
  const warn = options.warn ?? ((message: string) => process.stderr.write(`devsynth-or: warning: ${message}\n`));
  // Attachments are written to their store before the session's lock is taken: megabytes are
  // not written while other runs wait for the session file.
  const toStored = (messages: readonly ChatMessage[]) => messages.map((m) => ({ role: m.role, content: toStoredContent(m.content, attachments) }));
  const resolved = (session: StoredSession): Session => ({
    ...session,
    messages: session.messages.map((m) => ({ role: m.role, content: fromStoredContent(m.content, attachments, warn) })),
  });
  const fileOf = (name: string) => {
    if (name !== UNNAMED_SESSION) validateSessionName(name);
    return new JsonStore<StoredSession>({ dir, name, schema: sessionSchema, empty: () => ({ name, model: null, created: now(), updated: now(), messages: [] }), ...shared });
  };
  const pointer = new JsonStore<z.infer<typeof pointerSchema>>({ dir: stateDir, name: 'last-session', schema: pointerSchema, empty: () => ({ last: null }), ...shared });
  const pointAt = (name: string) => pointer.update((current) => (current.last === name ? current : { last: name }));

  return {
    dir,
    /** The session, or an empty one of that name; `attachments: false` leaves its messages out (not needed). */
    load(name: string, { attachments: withAttachments = true } = {}): Session {
      const stored = fileOf(name).read();
      return withAttachments ? resolved(stored) : { ...stored, messages: [] };
    },
    /** A new, empty conversation of that name, its file not read (a chat that starts anew). */
    fresh(name: string): Session {
      if (name !== UNNAMED_SESSION) validateSessionName(name);
      return { name, model: null, created: now(), updated: now(), messages: [] };
    },
    exists(name: string): boolean {
      return this.list().includes(name);
    },
    /** Replaces the whole conversation (/clear, /system, /save under a new name), under its lock. */
    async save(session: Session): Promise<void> {
      const messages = toStored(session.messages);
      await fileOf(session.name).update(() => ({ ...session, messages, updated: now() }));
      await pointAt(session.name);
    },
    /**
     * Appends a turn to the conversation as the file holds it now, under its lock; a fresh turn
     * replaces the conversation without reading it (an earlier answer may be megabytes).
     */
    async appendTurn(name: string, turn: Turn): Promise<void> {
      const added = toStored(turn.messages).map((m) => (turn.provider !== undefined && m.role === 'assistant' ? { ...m, provider: turn.provider.slice(0, MAX_PROVIDER_NAME) } : m));
      if (turn.fresh) {
        const system = turn.system === undefined ? [] : [{ role: 'system' as const, content: turn.system }];
        await fileOf(name).replace({ name, model: turn.model, created: now(), updated: now(), messages: [...system, ...added] });
        await pointAt(name);
        return;
      }
      await fileOf(name).update((current) => {
        const earlier = current.messages;
        const kept = turn.system === undefined ? earlier : [{ role: 'system' as const, content: turn.system }, ...earlier.filter((m) => m.role !== 'system')];
        return {
          ...current,
          name,
          model: turn.model,
          updated: now(),
          messages: [...kept, ...added],
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
