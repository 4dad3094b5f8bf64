import { spawn, type ChildProcess } from 'node:child_process';
import { createPublicKey } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, readlinkSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildRelease, repoRoot, runAsync, tamperedCopy } from './support/release.js';
import { freePort, TestSshd } from './support/sshd.js';

// Provisioning over a real OpenSSH server into temporary image roots on this machine, with
// the real head office (`bashgah hq serve`, embedded PGlite) taking the registration.
const work = mkdtempSync(join(tmpdir(), 'bashgah-provision-'));
const sshd = new TestSshd();
const token = 'test-admin-token-0123456789';
let release = '';
let hq: ChildProcess | undefined;
let hqUrl = '';

async function startHeadOffice(): Promise<void> {
  const port = await freePort();
  hqUrl = `http://127.0.0.1:${port}`;
  let log = '';
  hq = spawn(process.execPath, ['dist/firmware/src/cli/main.js', 'hq', 'serve', '--host', '127.0.0.1', '--port', String(port), '--data-dir', join(work, 'hq-data')], {
    cwd: repoRoot,
    env: { ...process.env, BASHGAH_HQ_ADMIN_TOKEN: token, DATABASE_URL: '' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  hq.stdout!.setEncoding('utf8').on('data', (chunk: string) => (log += chunk));
  hq.stderr!.setEncoding('utf8').on('data', (chunk: string) => (log += chunk));
  const deadline = Date.now() + 90_000;
  while (Date.now() < deadline) {
    if (hq.exitCode !== null) throw new Error(`head office exited: ${log}`);
    if (log.includes('head office listening')) return;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error(`head office did not start: ${log}`);
}

async function deviceAtHeadOffice(deviceId: string): Promise<{ status: number; body: Record<string, unknown> }> {
  const response = await fetch(`${hqUrl}/v1/devices/${deviceId}`, { headers: { authorization: `Bearer ${token}` } });
  return { status: response.status, body: (await response.json()) as Record<string, unknown> };
}

beforeAll(async () => {
  mkdirSync(join(work, 'hq-data'));
  const headOffice = startHeadOffice();
  release = buildRelease(join(work, 'out'), 'p1', 'copy');
  await sshd.start();
  await headOffice;
});
afterAll(() => {
  sshd.stop();
  hq?.kill('SIGTERM');
  rmSync(work, { recursive: true, force: true });
});

function freshRoot(name: string): string {
  const root = join(work, name);
  mkdirSync(root);
  return root;
}

function provision(root: string, extra: string[] = [], env: NodeJS.ProcessEnv = { ...process.env, BASHGAH_HQ_TOKEN: token }) {
  return runAsync(
    'bash',
    ['scripts/provision.sh', 'root@127.0.0.1', ...sshd.provisionArgs(), '--store', 'فروشگاه آزمایشی', '--store-id', 'test-store', '--hq', hqUrl, '--root', root, '--release', release, ...extra],
    env,
  );
}

const lines = (output: string, mark: string) => output.split('\n').filter((line) => line.startsWith(`[${mark}]`));

describe('provisioning over SSH into an image root', () => {
  const root = join(work, 'image');

  it('first run installs everything and registers the key', async () => {
    mkdirSync(root);
    const result = await provision(root);
    expect(result.code, result.output).toBe(0);
    for (const step of ['release', 'users', 'config', 'key', 'register', 'record', 'units']) {
      expect(result.output, step).toMatch(new RegExp(`^\\[changed\\] +${step} `, 'm'));
    }
    expect(result.output).toMatch(/^\[skipped\] +packages +--root: apt-get needs the running system/m);
    expect(result.output).toMatch(/^\[skipped\] +health +--root/m);
    expect(readlinkSync(join(root, 'opt/bashgah/current'))).toBe('releases/p1');
    const passwd = readFileSync(join(root, 'etc/passwd'), 'utf8');
    const uid = Number(/^bashgah:x:(\d+):/m.exec(passwd)?.[1]);
    expect(uid).toBeGreaterThan(0);
    const config = JSON.parse(readFileSync(join(root, 'etc/bashgah/config.json'), 'utf8'));
    expect(config.device).toEqual({ id: 'test-store-kiosk', storeId: 'test-store', storeName: 'فروشگاه آزمایشی' });
    expect(statSync(join(root, 'etc/bashgah/config.json')).mode & 0o777).toBe(0o640);
    const key = statSync(join(root, 'var/lib/bashgah/identity/device-key.pem'));
    expect([key.uid, key.mode & 0o777]).toEqual([uid, 0o600]);
    expect(readFileSync(join(root, 'etc/systemd/system/bashgah.service'), 'utf8')).toContain('Type=notify');
    // Enabled inside the image: the link points at the image's own /etc path.
    expect(readlinkSync(join(root, 'etc/systemd/system/multi-user.target.wants/bashgah.service'))).toBe('/etc/systemd/system/bashgah.service');
    expect(existsSync(join(root, 'etc/polkit-1/rules.d/50-bashgah-pcscd.rules'))).toBe(true);
    expect(existsSync(join(root, 'etc/modprobe.d/bashgah-blacklist-nfc.conf'))).toBe(true);
    const device = await deviceAtHeadOffice('test-store-kiosk');
    expect(device.status).toBe(200);
    expect(device.body).toMatchObject({ storeId: 'test-store' });
    // The head office's key came back with the registration and was recorded for the kiosk.
    const hqKey = readFileSync(join(root, 'var/lib/bashgah/identity/hq-public-key.b64'), 'utf8').trim();
    expect(createPublicKey({ key: Buffer.from(hqKey, 'base64'), format: 'der', type: 'spki' }).asymmetricKeyType).toBe('ed25519');
  });

  it('a second run changes nothing and says so', async () => {
    const configTime = statSync(join(root, 'etc/bashgah/config.json')).mtimeMs;
    const keyBefore = readFileSync(join(root, 'var/lib/bashgah/identity/device-key.pem'));
    const result = await provision(root);
    expect(result.code, result.output).toBe(0);
    expect(lines(result.output, 'changed')).toEqual([]);
    expect(lines(result.output, 'ok').length).toBeGreaterThanOrEqual(7);
    expect(result.output).toContain('nothing changed: root@127.0.0.1');
    // A second POST would have been refused (409, the device exists): none was made.
    expect(statSync(join(root, 'etc/bashgah/config.json')).mtimeMs).toBe(configTime);
    expect(readFileSync(join(root, 'var/lib/bashgah/identity/device-key.pem'))).toEqual(keyBefore);
  });

  it('a changed setting is the only change on the next run', async () => {
    const result = await provision(root, ['--set', 'display.language=en']);
    expect(result.code, result.output).toBe(0);
    expect(lines(result.output, 'changed').map((line) => line.split(/\s+/)[1])).toEqual(['config']);
    expect(JSON.parse(readFileSync(join(root, 'etc/bashgah/config.json'), 'utf8')).display).toEqual({ language: 'en' });
  });
});

describe('provisioning plans and failures', () => {
  it('a dry run prints the plan and writes nothing', async () => {
    const root = freshRoot('dry');
    const result = await provision(root, ['--dry-run'], { ...process.env, BASHGAH_HQ_TOKEN: '' });
    expect(result.code, result.output).toBe(0);
    for (const step of ['release', 'users', 'config', 'key', 'register', 'units']) {
      expect(result.output, step).toMatch(new RegExp(`^\\[plan\\] +${step} +would `, 'm'));
    }
    expect(result.output).toContain('dry run finished');
    expect(readdirSync(root)).toEqual([]);
  });

  it('stops at a refused registration: nothing after it runs', async () => {
    // The provisioned image, pointed at the head office by another address with a wrong token.
    const root = join(work, 'image');
    const recordBefore = readFileSync(join(root, 'var/lib/bashgah/identity/registration.json'), 'utf8');
    const result = await provision(root, ['--hq', `${hqUrl}/`], { ...process.env, BASHGAH_HQ_TOKEN: 'wrong-token-0123456789' });
    expect(result.code).toBe(1);
    expect(result.output).toMatch(/^\[FAILED\] +register +the head office refused the admin token.*HTTP 401/m);
    expect(result.output).toContain('stopped at step "register"');
    expect(result.output).not.toMatch(/^\[\w+\] +(record|units) /m);
    expect(readFileSync(join(root, 'var/lib/bashgah/identity/registration.json'), 'utf8')).toBe(recordBefore);
  });

  it('stops at an invalid setting with the reason from the schema, changing nothing', async () => {
    const root = join(work, 'image');
    const before = readFileSync(join(root, 'etc/bashgah/config.json'), 'utf8');
    const result = await provision(root, ['--set', 'http.port=70000']);
    expect(result.code).toBe(1);
    expect(result.output).toMatch(/^\[FAILED\] +config +could not write \/etc\/bashgah\/config.json: .*\/http\/port: must be <= 65535/m);
    expect(result.output).toContain('stopped at step "config"');
    expect(result.output).not.toMatch(/^\[\w+\] +(key|register|units) /m);
    expect(readFileSync(join(root, 'etc/bashgah/config.json'), 'utf8')).toBe(before);
  });

  it('stops at a damaged release, before touching users or config', async () => {
    const root = freshRoot('damaged');
    const damaged = tamperedCopy(buildRelease(join(work, 'small'), 'p2', 'none'), work);
    const result = await provision(root, ['--release', damaged]);
    expect(result.code).toBe(1);
    expect(result.output).toContain('release files do not match SHA256SUMS');
    expect(result.output).toMatch(/^\[FAILED\] +release +could not install release p2/m);
    expect(result.output).toContain('stopped at step "release"');
    expect(existsSync(join(root, 'etc/bashgah'))).toBe(false);
    expect(existsSync(join(root, 'etc/passwd'))).toBe(false);
  });

  it('refuses bad arguments before connecting, and reports an unreachable device', async () => {
    const root = freshRoot('args');
    const noToken = await provision(root, [], { ...process.env, BASHGAH_HQ_TOKEN: '' });
    expect(noToken.code).toBe(2);
    expect(noToken.output).toContain('BASHGAH_HQ_TOKEN is not set');
    const badHq = await provision(root, ['--hq', 'ftp://example']);
    expect(badHq.output).toContain('--hq must be an http(s) URL');
    const badId = await provision(root, ['--device-id', 'Kiosk 1']);
    expect(badId.output).toContain('--device-id "Kiosk 1" must match');
    const persianOnly = await runAsync('bash', ['scripts/provision.sh', 'root@127.0.0.1', '--store', 'فروشگاه', '--no-register']);
    expect(persianOnly.output).toContain('give --store-id');
    const unreachable = await runAsync('bash', ['scripts/provision.sh', 'root@127.0.0.1', '--ssh-port', '1', '--store', 'shop', '--no-register', '--release', release]);
    expect(unreachable.code).not.toBe(0);
    expect(unreachable.output).toContain('cannot connect to root@127.0.0.1 over SSH');
    expect(readdirSync(root)).toEqual([]);
  });
});
