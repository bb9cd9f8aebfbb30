// A CA file for TLS on top of the system's (a corporate proxy's CA, a local gateway's). Node's
// own fetch takes NODE_EXTRA_CA_CERTS only at start-up and offers no per-request CA, so a
// configured ca_file goes through node-fetch.ts with the CAs given per request: the same
// redirect rules and body caps as every other request.
// Certificates are always verified: this only adds trust, it never turns checking off.
import { readFileSync } from 'node:fs';
import { ConfigError } from '../errors.js';
import { createNodeFetch } from './node-fetch.js';

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
  // node:tls loads on the first request, so that runs without a ca_file never pay for it.
  let ready: Promise<ReturnType<typeof createNodeFetch>> | undefined;
  return (async (input: string, init?: Parameters<ReturnType<typeof createNodeFetch>>[1]) => {
    ready ??= import('node:tls').then(({ rootCertificates }) => createNodeFetch({ ca: [...rootCertificates, ca] }));
    return (await ready)(input, init);
  }) as unknown as typeof globalThis.fetch;
}
