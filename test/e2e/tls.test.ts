// TLS against a local HTTPS fake whose certificate this test's own CA signed: certificates
// are always verified; NODE_EXTRA_CA_CERTS or ca_file add the CA; plain http is refused
// except on loopback.
import { rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { OpenRouterConnectionError, OpenRouterProvider } from '../../src/index.js';
import { type FakeOpenRouter, startFakeOpenRouter, TEST_API_KEY } from '../helpers/fake-openrouter.js';
import { type CliSandbox, cliSandbox } from '../helpers/run-cli.js';
import { generateTestCertificates, type TestCertificates } from '../helpers/test-ca.js';

let certs: TestCertificates;
let fake: FakeOpenRouter;
let cli: CliSandbox;

beforeAll(async () => {
  certs = generateTestCertificates();
  fake = await startFakeOpenRouter({ tls: { key: certs.key, cert: certs.cert } });
  cli = cliSandbox(fake.url);
});
afterAll(async () => {
  await fake.close();
  cli.dispose();
  rmSync(certs.dir, { recursive: true, force: true });
});

describe('TLS', () => {
  it('refuses a certificate from an unknown CA: exit 7 with the CA hint, not retried', async () => {
    const result = await cli.run(['chat', 'hi']);
    expect(result.code).toBe(7);
    expect(result.stderr).toMatch(/TLS certificate rejected \((UNABLE_TO_VERIFY_LEAF_SIGNATURE|SELF_SIGNED_CERT_IN_CHAIN|UNABLE_TO_GET_ISSUER_CERT_LOCALLY)\)/);
    expect(result.stderr).toContain('NODE_EXTRA_CA_CERTS or ca_file');
    expect(fake.requests).toHaveLength(0);
  });

  it('trusts the CA given by NODE_EXTRA_CA_CERTS', async () => {
    const result = await cli.run(['chat', 'hi'], { env: { NODE_EXTRA_CA_CERTS: certs.caFile } });
    expect(result).toMatchObject({ code: 0, stdout: 'Hello from fake\n' });
  });

  it('trusts the CA given by ca_file in the config', async () => {
    const config = join(cli.home, 'ca.yml');
    writeFileSync(config, `llm:\n  providers:\n    openrouter:\n      ca_file: ${certs.caFile}\n`);
    const result = await cli.run(['--config', config, 'chat', 'hi']);
    expect(result).toMatchObject({ code: 0, stdout: 'Hello from fake\n', stderr: '' });
    const missing = join(cli.home, 'missing-ca.yml');
    writeFileSync(missing, 'llm:\n  providers:\n    openrouter:\n      ca_file: /nonexistent/ca.pem\n');
    const refused = await cli.run(['--config', missing, 'chat', 'hi']);
    expect(refused.code).toBe(3);
    expect(refused.stderr).toContain('cannot read ca_file /nonexistent/ca.pem');
  });

  it('in the library: caFile trusts the CA; without it the error is a TLS connection error', async () => {
    const trusted = new OpenRouterProvider({ apiKey: TEST_API_KEY, baseUrl: fake.url, caFile: certs.caFile, env: {} });
    await expect(trusted.generate('hi')).resolves.toBe('Hello from fake');
    const untrusted = new OpenRouterProvider({ apiKey: TEST_API_KEY, baseUrl: fake.url, env: {}, maxRetries: 0 });
    const error = await untrusted.generate('hi').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(OpenRouterConnectionError);
    expect((error as OpenRouterConnectionError).failure).toBe('tls');
  });
});
