// A CA file for TLS on top of the system's (a corporate proxy's CA, a local gateway's). Node's
// own fetch takes NODE_EXTRA_CA_CERTS only at start-up and offers no per-request CA, so a
// configured ca_file goes through undici's fetch with an Agent that trusts it too.
// Certificates are always verified: this only adds trust, it never turns checking off.
import { readFileSync } from 'node:fs';
import type { Dispatcher } from 'undici';
import { ConfigError } from '../errors.js';

export function fetchTrusting(caFile: string): typeof globalThis.fetch {
  let ca: string;
  try {
    ca = readFileSync(caFile, 'utf8');
  } catch (error) {
    throw new ConfigError(`cannot read ca_file ${caFile}: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`);
  }
  if (!ca.includes('-----BEGIN CERTIFICATE-----')) {
    throw new ConfigError(`ca_file ${caFile} holds no PEM certificate`);
  }
  // undici (and node:tls) load on the first request, so that runs without a ca_file never pay for them.
  let ready: Promise<{ fetch: (input: unknown, init: unknown) => Promise<unknown>; dispatcher: Dispatcher }> | undefined;
  const load = async () => {
    const [{ rootCertificates }, undici] = await Promise.all([import('node:tls'), import('undici')]);
    return { fetch: undici.fetch as never, dispatcher: new undici.Agent({ connect: { ca: [...rootCertificates, ca] } }) };
  };
  return (async (input: unknown, init?: Record<string, unknown>) => {
    ready ??= load();
    const { fetch, dispatcher } = await ready;
    return fetch(input, { ...init, dispatcher });
  }) as unknown as typeof globalThis.fetch;
}
