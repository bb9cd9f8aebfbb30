// Attachments a conversation holds, kept once each under DEVSYNTH_HOME/attachments/, named by
// the SHA-256 of their bytes: a session file refers to them (a few dozen bytes) instead of
// carrying megabytes of base64 into every save, and the same photo sent in ten turns or ten
// sessions is stored once. Written through safe-files (no link followed, atomic, 0600);
// checked against its name when read back, so a file changed or truncated since is never
// sent as if it were the original.
import { createHash } from 'node:crypto';
import { lstatSync } from 'node:fs';
import { join } from 'node:path';
import { stateNotSaved, type Warn } from './json-store.js';
import { rootOf } from './paths.js';
import { ensureStateDir, readStateBytes, stateDirIsSafe, sweepStaleTempFiles, UnsafeStatePathError, writeStateFileAtomic } from './safe-files.js';

export const ATTACHMENTS_DIR = 'attachments';

const SHA256 = /^[0-9a-f]{64}$/;
const EXTENSION = /^[a-z0-9]{1,8}$/;

export function sha256Of(bytes: Uint8Array): string {
  return createHash('sha256').update(bytes).digest('hex');
}

/** Why a stored attachment could not be read back; the caller says so and goes on without it. */
export class AttachmentUnavailableError extends Error {
  constructor(
    readonly sha256: string,
    readonly reason: 'missing' | 'changed' | 'unsafe',
    detail: string,
  ) {
    super(detail);
  }
}

export function createAttachmentStore(stateDir: string, options: { warn?: Warn } = {}) {
  const dir = join(stateDir, ATTACHMENTS_DIR);
  const root = rootOf(stateDir);
  const pathOf = (sha256: string, ext: string) => {
    // Both parts come from a session file: only a hash and a short extension make a name here.
    if (!SHA256.test(sha256) || !EXTENSION.test(ext)) throw new AttachmentUnavailableError(sha256, 'unsafe', `not an attachment name: ${sha256}.${ext}`);
    return join(dir, `${sha256}.${ext}`);
  };

  return {
    dir,
    /**
     * Keeps `bytes` (once: a file of that hash already there is left as it is) and returns
     * their hash; false when the filesystem refused (said once, as for all state).
     */
    put(bytes: Uint8Array, ext: string, sha256 = sha256Of(bytes)): { sha256: string; saved: boolean } {
      try {
        const path = pathOf(sha256, ext);
        ensureStateDir(dir, root);
        sweepStaleTempFiles(dir);
        // Written once: the same bytes are already there. Whether they still are is checked
        // when they are read back (hashing megabytes on every save would buy nothing more).
        if (sizeOf(path) !== bytes.length) writeStateFileAtomic(path, bytes);
        return { sha256, saved: true };
      } catch (error) {
        stateNotSaved(error, options.warn);
        return { sha256, saved: false };
      }
    },
    /** The bytes stored under `sha256`, checked against it; AttachmentUnavailableError otherwise. */
    get(sha256: string, ext: string): Buffer {
      const path = pathOf(sha256, ext);
      let bytes: Buffer | undefined;
      try {
        bytes = stateDirIsSafe(dir, root) ? readStateBytes(path) : undefined;
      } catch (error) {
        if (error instanceof UnsafeStatePathError) throw new AttachmentUnavailableError(sha256, 'unsafe', error.message);
        throw new AttachmentUnavailableError(sha256, 'missing', `${path} could not be read (${(error as Error).message})`);
      }
      if (bytes === undefined) throw new AttachmentUnavailableError(sha256, 'missing', `${path} is missing`);
      if (sha256Of(bytes) !== sha256) throw new AttachmentUnavailableError(sha256, 'changed', `${path} no longer holds what was attached (its content changed)`);
      return bytes;
    },
  };
}

/** A plain file's size; undefined when there is none. A link or folder there: refused by the write. */
function sizeOf(path: string): number | undefined {
  try {
    const stats = lstatSync(path);
    return stats.isFile() ? stats.size : undefined;
  } catch {
    return undefined;
  }
}
export type AttachmentStore = ReturnType<typeof createAttachmentStore>;
