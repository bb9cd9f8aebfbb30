// Base URLs must be https, except loopback hosts where http serves local gateways and tests.
// A key sent over plain http to anywhere else is a key given away.
import { ConfigError } from './errors.js';

function isLoopback(hostname: string): boolean {
  const host = hostname.replace(/^\[|\]$/g, '');
  return host === 'localhost' || host === '::1' || /^127(\.\d{1,3}){3}$/.test(host);
}

/** Whether a request may go to `url`: https, or http on a loopback host. */
export function isSecureUrl(url: URL): boolean {
  return url.protocol === 'https:' || (url.protocol === 'http:' && isLoopback(url.hostname));
}

/** Throws ConfigError (exit 3) unless `url` is https, or http on a loopback host. */
export function assertSecureBaseUrl(url: string, source = 'base_url'): void {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new ConfigError(`${source} is not a valid URL: "${url}"`);
  }
  if (isSecureUrl(parsed)) return;
  throw new ConfigError(`${source} must use https:// (http:// is allowed only for localhost): "${url}"`, {
    hint: 'use https://openrouter.ai/api/v1, or a local gateway on 127.0.0.1',
  });
}
