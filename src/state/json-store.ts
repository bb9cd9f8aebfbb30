// One JSON file of state behind conf (atomic writes, mode 0600), a zod schema, and a
// cross-process lock for read-modify-write, so that parallel CLI runs in a CI job never lose
// an update nor leave a torn file. A file that is not valid is set aside with a warning, never
// a crash; and no API key is ever written. Reads are a plain readFile: conf (with its schema
// validator) and the lock library load only when something is written, which keeps them out
// of read-only commands' start-up.
import { mkdirSync, readFileSync, renameSync } from 'node:fs';
import { join } from 'node:path';
import type Conf from 'conf';
import type * as z from '../config/zod.js';
import { redactValue } from '../core/index.js';

export type Warn = (message: string) => void;

export const defaultWarn: Warn = (message) => process.stderr.write(`devsynth-or: warning: ${message}\n`);

/** Those already told, this run, that state could not be written: once is enough. */
const toldUnwritable = new WeakSet<Warn>();

/**
 * A write of state that failed in the filesystem (a read-only or missing home, a full disk, a
 * lock never released): said once per run, and the run goes on. State is what later runs
 * build on; the answer, the vectors or the listing asked for now matter more.
 */
export function stateNotSaved(error: unknown, warn: Warn = defaultWarn): void {
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
}

const LOCK_OPTIONS = {
  realpath: false,
  // Many short critical sections: retry quickly, and take over a lock whose holder died.
  retries: { retries: 200, minTimeout: 5, maxTimeout: 100, randomize: true },
  stale: 10_000,
};

// The two libraries behind a write, imported once, when first needed or when warmed up.
const loadConf = () => import('conf');
const loadLock = () => import('proper-lockfile');
let confModule: ReturnType<typeof loadConf> | undefined;
let lockModule: ReturnType<typeof loadLock> | undefined;
const importConf = () => (confModule ??= loadConf());
const importLock = () => (lockModule ??= loadLock());

/**
 * Starts loading what writing state takes, for a command that will write once its request is
 * answered: the modules then load while the request is in flight, not after the answer.
 */
export function warmUpStateWrites(): void {
  void importConf().catch(() => undefined);
  void importLock().catch(() => undefined);
}

export class JsonStore<T extends Record<string, unknown>> {
  private confInstance?: Conf<Record<string, unknown>>;
  /** A value the filesystem refused: this run's later reads see it (the run goes on in memory). */
  private unsaved?: T;
  readonly path: string;

  constructor(private readonly options: JsonStoreOptions<T>) {
    this.path = join(options.dir, `${options.name}.json`);
  }

  /** conf reads the file as it is constructed, so it is made on first write, where a bad file is handled. */
  private async conf(): Promise<Conf<Record<string, unknown>>> {
    if (!this.confInstance) {
      const { default: Conf } = await importConf();
      mkdirSync(this.options.dir, { recursive: true, mode: 0o700 });
      const make = () => new Conf<Record<string, unknown>>({ cwd: this.options.dir, configName: this.options.name, configFileMode: 0o600 });
      try {
        this.confInstance = make();
      } catch (error) {
        this.setAside(error instanceof SyntaxError ? 'not valid JSON' : String((error as Error).message));
        this.confInstance = make();
      }
    }
    return this.confInstance;
  }

  /** The stored value; an invalid file is moved aside and the empty value returned. */
  read(): T {
    if (this.unsaved !== undefined) return this.unsaved;
    let raw: unknown;
    try {
      raw = JSON.parse(readFileSync(this.path, 'utf8'));
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return this.options.empty();
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
      await this.save(value);
      this.unsaved = undefined;
    } catch (error) {
      stateNotSaved(error, this.options.warn);
      this.unsaved = value;
    }
  }

  private async save(value: T): Promise<void> {
    // Cheap insurance: whatever reaches a state file is scrubbed of anything shaped like a key.
    // Each string is redacted before serialising: redacting the JSON text could eat an escape
    // (`\"Bearer x\"`) and leave a file that no longer parses.
    (await this.conf()).store = redactValue(value) as Record<string, unknown>;
  }

  /**
   * Read-modify-write under the file's lock; returning `current` itself writes nothing. Where
   * the file cannot be locked or written, the change is made in memory only (stateNotSaved).
   */
  async update(change: (current: T) => T): Promise<T> {
    let release: (() => Promise<void>) | undefined;
    try {
      mkdirSync(this.options.dir, { recursive: true, mode: 0o700 });
      const { default: lockfile } = await importLock();
      release = await lockfile.lock(this.path, LOCK_OPTIONS);
    } catch (error) {
      stateNotSaved(error, this.options.warn);
      const current = this.read();
      const next = change(current);
      if (next !== current) this.unsaved = next;
      return next;
    }
    try {
      const current = this.read();
      const next = change(current);
      if (next !== current) await this.write(next);
      return next;
    } finally {
      await release().catch((error: unknown) => stateNotSaved(error, this.options.warn));
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
