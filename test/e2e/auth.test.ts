// `auth login|status|logout` against a real Secret Service: this test starts its own D-Bus
// session daemon and an unlocked gnome-keyring (Debian packages that .ci/run installs), runs
// the binary inside that session, and stops both. Without a keyring service the commands
// must say so plainly.
import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { type FakeOpenRouter, startFakeOpenRouter } from '../helpers/fake-openrouter.js';
import { type CliSandbox, cliSandbox } from '../helpers/run-cli.js';

const KEY = `sk-or-v1-keyring${'0'.repeat(40)}`;
let fake: FakeOpenRouter;
let cli: CliSandbox;
let bus: ChildProcess;
let keyring: ChildProcess | undefined;
let session: Record<string, string>;

beforeAll(async () => {
  // Fail loudly rather than skip: a skipped keyring test proves nothing.
  execFileSync('which', ['dbus-daemon', 'gnome-keyring-daemon']);
  fake = await startFakeOpenRouter({ apiKey: KEY });
  cli = cliSandbox(fake.url);
  delete cli.env.OPENROUTER_API_KEY;
  bus = spawn('dbus-daemon', ['--session', '--nofork', '--print-address=1'], { stdio: ['ignore', 'pipe', 'ignore'] });
  const address = await new Promise<string>((resolve, reject) => {
    bus.stdout?.once('data', (chunk: Buffer) => resolve(chunk.toString().trim()));
    bus.once('exit', () => reject(new Error('dbus-daemon exited')));
  });
  session = { DBUS_SESSION_BUS_ADDRESS: address };
  keyring = spawn('gnome-keyring-daemon', ['--unlock', '--foreground', '--components=secrets'], {
    env: { ...process.env, ...session, HOME: cli.home, XDG_DATA_HOME: `${cli.home}/.local/share` },
    stdio: ['pipe', 'ignore', 'ignore'],
  });
  keyring.stdin?.end('test-password');
  // Wait until our daemon owns the secrets name. NameHasOwner, unlike a call to the service,
  // never starts one by D-Bus activation (which would be a second, locked keyring).
  for (let i = 0; i < 100; i++) {
    const reply = execFileSync(
      'dbus-send',
      ['--session', '--print-reply', '--dest=org.freedesktop.DBus', '/org/freedesktop/DBus', 'org.freedesktop.DBus.NameHasOwner', 'string:org.freedesktop.secrets'],
      { env: { ...process.env, ...session }, encoding: 'utf8' },
    );
    if (reply.includes('boolean true')) break;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}, 20_000);

afterAll(async () => {
  keyring?.kill();
  bus?.kill();
  await fake.close();
  cli.dispose();
});

const run = (args: string[], options: { stdin?: string; env?: Record<string, string | undefined> } = {}) =>
  cli.run(args, { ...options, env: { ...session, ...options.env } });

describe('auth with the OS keyring', () => {
  it('login verifies and stores the key; chat then finds it; status says where it came from; logout removes it', async () => {
    const login = await run(['auth', 'login'], { stdin: `${KEY}\n` });
    expect(login.stderr).toBe('key accepted by OpenRouter (sk-or-v1-tes...0000)\n');
    expect(login.code).toBe(0);
    expect(login.stdout).toContain('stored sk-or-v1-key…0000 in the OS keyring');
    expect(login.stdout + login.stderr).not.toContain(KEY);
    expect(fake.requests.at(-1)?.path).toBe('/key');

    const chat = await run(['chat', 'hi']);
    expect(chat).toMatchObject({ code: 0, stdout: 'Hello from fake\n' });
    expect(fake.requests.at(-1)?.headers.authorization).toBe(`Bearer ${KEY}`);

    const status = await run(['auth', 'status']);
    expect(status.stdout).toMatch(/key sk-or-v1-key…0000 from the OS keyring; OpenRouter knows it as /);
    const fromEnv = await run(['auth', 'status'], { env: { OPENROUTER_API_KEY: KEY } });
    expect(fromEnv.stdout).toContain('from env OPENROUTER_API_KEY');

    expect((await run(['auth', 'logout'])).stdout).toContain('removed the key from the OS keyring');
    expect((await run(['auth', 'logout'])).stdout).toContain('no key was stored');
    const none = await run(['chat', 'hi']);
    expect(none.code).toBe(4);
    expect(none.stderr).toContain('devsynth-or auth login');
  });

  it('login refuses a key OpenRouter rejects (exit 4) and something that is not a key (exit 2), storing nothing', async () => {
    const rejected = await run(['auth', 'login'], { stdin: 'sk-or-v1-wrongwrongwrongwrong\n' });
    expect(rejected.code).toBe(4);
    expect((await run(['auth', 'login'], { stdin: 'hunter2\n' })).code).toBe(2);
    expect((await run(['auth', 'status'])).code).toBe(4);
  });

  it('says clearly when no keyring service is available', async () => {
    const noBus = { DBUS_SESSION_BUS_ADDRESS: 'unix:path=/nonexistent/bus' };
    const login = await run(['auth', 'login', '--no-verify'], { stdin: `${KEY}\n`, env: noBus });
    expect(login.code).toBe(3);
    expect(login.stderr).toMatch(/^devsynth-or: no OS keyring is available here/);
    expect(login.stderr).toContain('use OPENROUTER_API_KEY instead');
    // Key resolution simply finds no key there.
    const chat = await run(['chat', 'hi'], { env: noBus });
    expect(chat.code).toBe(4);
  });
});
