// A private, throwaway OS keychain for tests: its own D-Bus session bus and an unlocked
// gnome-keyring in a temp HOME, so keytar in this process talks to it and never to a real one.
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { mkdtemp, rm, writeFile, mkdir } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);

export interface PrivateKeyring {
  /** The environment a child process needs to reach this keyring. */
  env: { HOME: string; DBUS_SESSION_BUS_ADDRESS: string; XDG_RUNTIME_DIR: string; XDG_DATA_HOME: string };
  stop(): Promise<void>;
}

// A session bus with no service directories: nothing gets auto-activated behind our back.
function busConfig(dir: string): string {
  return `<!DOCTYPE busconfig PUBLIC "-//freedesktop//DTD D-Bus Bus Configuration 1.0//EN"
 "http://www.freedesktop.org/standards/dbus/1.0/busconfig.dtd">
<busconfig>
  <type>session</type>
  <listen>unix:dir=${dir}</listen>
  <auth>EXTERNAL</auth>
  <policy context="default">
    <allow send_destination="*" eavesdrop="true"/>
    <allow eavesdrop="true"/>
    <allow own="*"/>
  </policy>
</busconfig>
`;
}

/** Asks the keyring whether its default collection exists and is unlocked: the signal it is ready. */
async function defaultCollectionUnlocked(address: string): Promise<boolean> {
  try {
    const { stdout } = await run('dbus-send', [
      `--bus=${address}`,
      '--print-reply',
      '--reply-timeout=2000',
      '--dest=org.freedesktop.secrets',
      '/org/freedesktop/secrets/aliases/default',
      'org.freedesktop.DBus.Properties.Get',
      'string:org.freedesktop.Secret.Collection',
      'string:Locked',
    ]);
    return /boolean false/.test(stdout);
  } catch {
    return false;
  }
}

export async function startPrivateKeyring(options: { timeoutMs?: number } = {}): Promise<PrivateKeyring> {
  const timeoutMs = options.timeoutMs ?? 15_000;
  const home = await mkdtemp(join(tmpdir(), 'mshahara-keyring-'));
  const runtimeDir = join(home, 'run');
  const dataHome = join(home, '.local', 'share');
  await mkdir(runtimeDir, { recursive: true, mode: 0o700 });
  await mkdir(dataHome, { recursive: true });
  await writeFile(join(home, 'bus.conf'), busConfig(home));

  const { stdout } = await run('dbus-daemon', [
    `--config-file=${join(home, 'bus.conf')}`,
    '--fork',
    '--print-address=1',
    '--print-pid=1',
  ]);
  const [address, pidText] = stdout.trim().split('\n');
  const busPid = Number(pidText);
  if (!address || !Number.isInteger(busPid)) throw new Error(`dbus-daemon printed no address/pid: ${stdout}`);

  const env = { HOME: home, DBUS_SESSION_BUS_ADDRESS: address, XDG_RUNTIME_DIR: runtimeDir, XDG_DATA_HOME: dataHome };
  const keyring: ChildProcess = spawn('gnome-keyring-daemon', ['--foreground', '--unlock', '--components=secrets'], {
    env: { ...process.env, ...env, DISPLAY: '' },
    stdio: ['pipe', 'ignore', 'pipe'],
  });
  let keyringLog = '';
  keyring.stderr?.on('data', (chunk: Buffer) => (keyringLog += chunk.toString()));
  let keyringExited = false;
  keyring.on('exit', () => (keyringExited = true));
  // --unlock reads the login keyring's password from stdin until EOF; it must not be empty.
  keyring.stdin?.end('mshahara-test-keyring');

  const saved = { HOME: process.env.HOME, DBUS_SESSION_BUS_ADDRESS: process.env.DBUS_SESSION_BUS_ADDRESS };
  const stop = async (): Promise<void> => {
    if (!keyringExited) {
      const exited = new Promise((resolve) => keyring.once('exit', resolve));
      keyring.kill('SIGTERM');
      // A keyring that ignores SIGTERM must still not outlive the test run.
      const force = setTimeout(() => keyring.kill('SIGKILL'), 3_000);
      await exited;
      clearTimeout(force);
    }
    try {
      process.kill(busPid, 'SIGTERM');
    } catch {
      // already gone
    }
    for (const [key, value] of Object.entries(saved)) {
      if (value === undefined) delete process.env[key];
      else process.env[key] = value;
    }
    await rm(home, { recursive: true, force: true });
  };

  const deadline = Date.now() + timeoutMs;
  while (!(await defaultCollectionUnlocked(address))) {
    if (keyringExited || Date.now() > deadline) {
      await stop();
      throw new Error(`gnome-keyring did not come up on the private bus: ${keyringLog.trim() || 'no output'}`);
    }
    // Each probe is a round trip to the bus; this only spaces them out, correctness does not depend on it.
    await new Promise((resolve) => setTimeout(resolve, 25));
  }

  // libsecret reads these when keytar first connects, so set them before any keytar call.
  process.env.HOME = home;
  process.env.DBUS_SESSION_BUS_ADDRESS = address;
  return { env, stop };
}
