// The API key in the OS keyring (Secret Service on Linux, Keychain on macOS, Credential
// Manager on Windows) through @napi-rs/keyring, which ships prebuilt binaries. It loads only
// when a command needs the keyring. Where no keyring service runs (a container, CI without
// a desktop session), every call says so plainly instead of failing obscurely.
import { ConfigError } from '../core/index.js';

const SERVICE = 'devsynth-or';
const ACCOUNT = 'openrouter';

export interface Keyring {
  get(): Promise<string | undefined>;
  set(key: string): Promise<void>;
  /** True when a key was there to delete. */
  delete(): Promise<boolean>;
}

function unavailable(error: unknown): ConfigError {
  const reason = error instanceof Error ? error.message : String(error);
  return new ConfigError(`no OS keyring is available here (${reason})`, {
    hint: 'use OPENROUTER_API_KEY instead, or start a keyring service (on Linux: a D-Bus session with gnome-keyring or KeePassXC)',
  });
}

async function entry() {
  try {
    const { Entry } = await import('@napi-rs/keyring');
    return new Entry(SERVICE, ACCOUNT);
  } catch (error) {
    throw unavailable(error);
  }
}

const NOT_FOUND = /no matching entry|not found|no entry/i;

export function createKeyring(): Keyring {
  return {
    async get() {
      const item = await entry();
      try {
        return item.getPassword() ?? undefined;
      } catch (error) {
        if (NOT_FOUND.test(String((error as Error).message))) return undefined;
        throw unavailable(error);
      }
    },
    async set(key) {
      const item = await entry();
      try {
        item.setPassword(key);
      } catch (error) {
        throw unavailable(error);
      }
    },
    async delete() {
      const item = await entry();
      try {
        return item.deletePassword();
      } catch (error) {
        if (NOT_FOUND.test(String((error as Error).message))) return false;
        throw unavailable(error);
      }
    },
  };
}
