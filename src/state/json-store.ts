// One JSON file of state: atomic writes (mode 0600) that never follow a link planted in the
// state folder (safe-files.ts), a zod schema, and a cross-process lock for read-modify-write
// (file-lock.ts), so that parallel CLI runs in a CI job never lose an update nor leave a torn
// file. A file that is not valid is set aside with a warning, never a crash. The values of the
// API keys in use never reach a file; nothing else is altered (a conversation that quotes
// "Bearer abc" is the user's words, and is kept as typed).
import { lstatSync, renameSync } from 'node:fs';
import { join } from 'node:path';
import type * as z from '../config/zod.js';
import { lockStateFile } from './file-lock.js';
import { rootOf } from './paths.js';
import { ensureStateDir, readStateFile, stateDirIsSafe, sweepStaleTempFiles, UnsafeStatePathError, writeStateFileAtomic } from './safe-files.js';
import { withoutSecrets } from './without-secrets.js';

export type Warn = (message: string) => void;

export const defaultWarn: Warn = (message) => process.stderr.write(`devsynth-or: warning: ${message}\n`);

/** Those already told, this run, that state could not be written: once is enough. */
const toldUnwritable = new WeakSet<Warn>();
/** Paths already refused as links this run: each is named once. */
const toldUnsafe = new Set<string>();

/**
 * A write of state that failed in the filesystem (a read-only or missing home, a full disk, a
 * lock never released, a planted link): said once per run, and the run goes on. State is what
 * later runs build on; the answer, the vectors or the listing asked for now matter more.
 */
export function stateNotSaved(error: unknown, warn: Warn = defaultWarn): void {
  if (error instanceof UnsafeStatePathError) {
    if (toldUnsafe.has(error.path)) return;
    toldUnsafe.add(error.path);
    warn(`${error.message}; this run goes on without that state (remove it to fix this)`);
    return;
  }
  const code = (error as NodeJS.ErrnoException | undefined)?.code;
  if (typeof code !== 'string') throw error;
  if (toldUnwritable.has(warn)) return;
  toldUnwritable.add(warn);
  warn(`state not saved (${(error as Error).message}); point DEVSYNTH_HOME at a writable folder`);
}

export interface JsonStoreOptions<T> {
  dir: string;
  name: string;
  schema: z.ZodMiniType<T>;
  empty: () => T;
  warn?: Warn;
  /** The API keys in use (resolved by the Runtime): their values are never written. */
  secrets?: () => readonly string[];
  /**
   * Answer a read from memory while the file is the one read last (same inode, size, change
   * and modification times, or still missing): for state read on every request (the breaker's),
   * where opening, parsing and validating the file each time was a tenth of a batch's CPU.
   */
  cacheReads?: boolean;
}

/** What identifies one version of a file: an atomic write renames a new inode into place. */
type FileVersion = string;

function versionOf(path: string): FileVersion {
  const stats = lstatSync(path, { bigint: true, throwIfNoEntry: false });
  return stats ? `${stats.dev}:${stats.ino}:${stats.size}:${stats.mtimeNs}:${stats.ctimeNs}:${stats.mode}` : 'missing';
}

export class JsonStore<T extends Record<string, unknown>> {
  /** A value the filesystem refused: this run's later reads see it (the run goes on in memory). */
  private unsaved?: T;
  readonly path: string;
  /** The folder the user chose, under which every folder is ours (and must not be a link). */
  private readonly root: string;

  constructor(private readonly options: JsonStoreOptions<T>) {
    this.path = join(options.dir, `${options.name}.json`);
    this.root = rootOf(options.dir);
  }

  /** The last value read with cacheReads, and the version of the file it was read from. */
  private cached?: { version: FileVersion; value: T };

  /** The stored value; an invalid file is moved aside and the empty value returned. */
  read(): T {
    if (this.unsaved !== undefined) return this.unsaved;
    if (!this.options.cacheReads) return this.readFile();
    // The version is taken before the read: a file replaced in between is read afresh next time.
    let version: FileVersion;
    try {
      version = versionOf(this.path);
    } catch {
      return this.readFile();
    }
    if (this.cached?.version === version) return this.cached.value;
    const value = this.readFile();
    this.cached = { version, value };
    return value;
  }

  private readFile(): T {
    let raw: unknown;
    try {
      if (!stateDirIsSafe(this.options.dir, this.root)) return this.options.empty();
      const text = readStateFile(this.path);
      if (text === undefined) return this.options.empty();
      raw = JSON.parse(text);
    } catch (error) {
      if (error instanceof UnsafeStatePathError) {
        stateNotSaved(error, this.options.warn);
        return this.options.empty();
      }
      return this.setAside(error instanceof SyntaxError ? 'not valid JSON' : String((error as Error).message));
    }
    const parsed = this.options.schema.safeParse(raw);
    if (parsed.success) return parsed.data;
    if (raw && typeof raw === 'object' && Object.keys(raw).length === 0) return this.options.empty();
    return this.setAside(`unexpected content (${parsed.error.issues[0]?.message ?? 'schema'})`);
  }

  /** Writes the value; a filesystem that refuses it is warned about (stateNotSaved), not thrown. */
  async write(value: T): Promise<void> {
    try {
      this.save(value);
      this.unsaved = undefined;
    } catch (error) {
      stateNotSaved(error, this.options.warn);
      this.unsaved = value;
    }
  }

  private save(value: T): void {
    ensureStateDir(this.options.dir, this.root);
    sweepStaleTempFiles(this.options.dir);
    writeStateFileAtomic(this.path, `${JSON.stringify(withoutSecrets(value, this.options.secrets?.() ?? []), null, '\t')}\n`);
  }

  /**
   * Read-modify-write under the file's lock; returning `current` itself writes nothing. Where
   * the file cannot be locked or written, the change is made in memory only (stateNotSaved).
   */
  async update(change: (current: T) => T): Promise<T> {
    return this.underLock(
      async () => {
        // Under the lock, the file itself: a version is only as fine as the clock's ticks.
        const current = this.unsaved ?? this.readFile();
        const next = change(current);
        if (next !== current) await this.write(next);
        return next;
      },
      () => {
        const current = this.read();
        const next = change(current);
        if (next !== current) this.unsaved = next;
        return next;
      },
    );
  }

  /** Writes `value` under the file's lock, whatever the file holds (which is not read). */
  async replace(value: T): Promise<void> {
    await this.underLock(
      () => this.write(value),
      () => {
        this.unsaved = value;
      },
    );
  }

  /**
   * Runs `locked` holding the file's lock; where the state folder or the lock cannot be had,
   * says so once (stateNotSaved) and runs `unlockable` instead, which keeps the change in memory.
   */
  private async underLock<R>(locked: () => Promise<R>, unlockable: () => R): Promise<R> {
    let release: () => void;
    try {
      ensureStateDir(this.options.dir, this.root);
      release = await lockStateFile(this.path);
    } catch (error) {
      stateNotSaved(error, this.options.warn);
      return unlockable();
    }
    try {
      return await locked();
    } finally {
      release();
    }
  }

  private setAside(reason: string): T {
    const aside = `${this.path}.corrupt-${new Date().toISOString().replace(/[:.]/g, '-')}`;
    try {
      renameSync(this.path, aside);
      (this.options.warn ?? defaultWarn)(`${this.path} was unreadable (${reason}); moved it to ${aside} and started afresh`);
    } catch {
      // Another process set it aside first.
    }
    return this.options.empty();
  }
}
