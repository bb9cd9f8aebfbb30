// A user's config file read with a cap: settings fit in a few kilobytes, and a file of
// megabytes (or a device such as /dev/zero given as --config) would only cost memory and time
// before failing anyway. Refused before any parsing.
import { closeSync, fstatSync, openSync, readSync } from 'node:fs';
import { ConfigError } from '../core/index.js';

export const MAX_CONFIG_BYTES = 1024 * 1024;

function tooLarge(path: string): ConfigError {
  return new ConfigError(`${path}: the configuration file is larger than ${MAX_CONFIG_BYTES / 1024 / 1024} MB`, {
    hint: 'a configuration file holds settings only; check that --config names the right file',
  });
}

export function readConfigFile(path: string, maxBytes = MAX_CONFIG_BYTES): string {
  let fd: number;
  try {
    fd = openSync(path, 'r');
  } catch (error) {
    throw new ConfigError(`${path}: cannot read the configuration file (${(error as NodeJS.ErrnoException).code ?? (error as Error).message})`);
  }
  try {
    const stat = fstatSync(fd);
    if (stat.isDirectory()) throw new ConfigError(`${path}: is a directory, not a configuration file`);
    // A regular file says its size; a pipe or a device does not, so the reading stops at the cap too.
    if (stat.isFile() && stat.size > maxBytes) throw tooLarge(path);
    // One byte over the cap tells a file of exactly the cap from a longer one.
    const buffer = Buffer.allocUnsafe(maxBytes + 1);
    let length = 0;
    for (;;) {
      const read = readSync(fd, buffer, length, buffer.length - length, null);
      if (read === 0) break;
      length += read;
      if (length === buffer.length) throw tooLarge(path);
    }
    return buffer.toString('utf8', 0, length);
  } finally {
    closeSync(fd);
  }
}
