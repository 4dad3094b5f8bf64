import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { freePort, ROOT } from '../kiosk/service.js';
import { DEMO_MEMBER_CARD } from '../../firmware/src/kiosk/demo-seed.js';

/** `bashgah demo --with-hq`: the compiled CLI runs a kiosk and a head office; a purchase at the kiosk reaches the head office. */
const CLI = join(ROOT, 'dist/firmware/src/cli/main.js');
const POS_TOKEN = 'demo-hq-pos-token-0123456789';
const ADMIN_TOKEN = 'demo-hq-admin-token-0123456789';
const START_TIMEOUT_MS = 45_000;
const SYNC_TIMEOUT_MS = 30_000;
const EXIT_TIMEOUT_MS = 8_000;

const dataDir = mkdtempSync(join(tmpdir(), 'bashgah-demo-hq-'));
const children = new Set<ChildProcess>();
afterAll(() => {
  for (const child of children) child.kill('SIGKILL');
  rmSync(dataDir, { recursive: true, force: true });
});

interface Started {
  child: ChildProcess;
  url: string;
  hqUrl: string;
  hqAdminToken: string;
  hqDashboardUser: string;
  hqDashboardPassword: string;
  exitCode(): Promise<number | null>;
}

async function startDemo(ports: { kiosk: number; hq: number }, args: string[], extraEnv: NodeJS.ProcessEnv = {}): Promise<Started> {
  const child = spawn(process.execPath, [CLI, 'demo', '--json', ...args], {
    cwd: ROOT,
    env: {
      ...process.env,
      BASHGAH_DATA_DIR: dataDir,
      BASHGAH_PORT: String(ports.kiosk),
      BASHGAH_HQ_PORT: String(ports.hq),
      BASHGAH_DEMO_TOKEN: POS_TOKEN,
      BASHGAH_HQ_ADMIN_TOKEN: ADMIN_TOKEN,
      BASHGAH_LOG_LEVEL: 'warn',
      ...extraEnv,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  children.add(child);
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => { children.delete(child); resolve(code); }));
  let stderr = '';
  child.stderr!.on('data', (chunk: Buffer) => { stderr = (stderr + chunk.toString()).slice(-4000); });
  const facts = await new Promise<Record<string, string>>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`demo did not start in time:\n${stderr}`)), START_TIMEOUT_MS);
    let buffered = '';
    child.stdout!.on('data', (chunk: Buffer) => {
      buffered += chunk.toString();
      const lines = buffered.split('\n');
      buffered = lines.pop() ?? '';
      for (const line of lines) {
        const event = JSON.parse(line) as Record<string, string>;
        if (event.event === 'listening') {
          clearTimeout(timer);
          resolve(event);
        }
      }
    });
    void exited.then((code) => { clearTimeout(timer); reject(new Error(`demo exited with ${code}:\n${stderr}`)); });
  });
  return { child, url: facts.url!, hqUrl: facts.hqUrl!, hqAdminToken: facts.hqAdminToken!, hqDashboardUser: facts.hqDashboardUser!, hqDashboardPassword: facts.hqDashboardPassword!, exitCode: () => exited };
}

async function stopDemo(demo: Started): Promise<number | null> {
  demo.child.kill('SIGTERM');
  const timeout = new Promise<'timeout'>((resolve) => setTimeout(() => resolve('timeout'), EXIT_TIMEOUT_MS).unref());
  const result = await Promise.race([demo.exitCode(), timeout]);
  if (result === 'timeout') throw new Error(`demo did not exit within ${EXIT_TIMEOUT_MS} ms of SIGTERM`);
  return result;
}

interface HqMember { id: string; storeId: string; balances: Record<string, number> }

async function hqGet<T>(demo: Started, path: string): Promise<T> {
  const response = await fetch(`${demo.hqUrl}${path}`, { headers: { authorization: `Bearer ${demo.hqAdminToken}` } });
  if (response.status !== 200) throw new Error(`GET ${path}: ${response.status} ${await response.text()}`);
  return (await response.json()) as T;
}

/** Polls the head office until the member shows `points`; returns what it last saw. */
async function waitForPoints(demo: Started, memberId: string, points: number): Promise<HqMember | undefined> {
  const deadline = Date.now() + SYNC_TIMEOUT_MS;
  let seen: HqMember | undefined;
  while (Date.now() < deadline) {
    const { members } = await hqGet<{ members: HqMember[] }>(demo, '/v1/members?limit=100');
    seen = members.find((member) => member.id === memberId);
    if (seen?.balances.points === points) return seen;
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
  return seen;
}

describe('bashgah demo --with-hq', () => {
  it('runs kiosk and head office in one process; a purchase reaches the head office; restarts reuse the device', { timeout: 180_000 }, async () => {
    const ports = { kiosk: await freePort(), hq: await freePort() };
    const demo = await startDemo(ports, ['--with-hq']);
    expect(demo.hqUrl).toBe(`http://127.0.0.1:${ports.hq}`);
    expect(demo.hqAdminToken).toBe(ADMIN_TOKEN);

    const response = await fetch(`${demo.url}/api/v1/purchases`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${POS_TOKEN}` },
      body: JSON.stringify({ card: DEMO_MEMBER_CARD, amountRial: 2_500_000, receiptId: 'demo-hq-1' }),
    });
    expect(response.status).toBe(201);
    const purchase = (await response.json()) as { memberId: string; pointsEarned: number; balance: number };
    expect(purchase.pointsEarned).toBeGreaterThan(0);

    // The dashboard is there too, with the demo manager printed at start.
    const signIn = await fetch(`${demo.hqUrl}/v1/dashboard/session`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ username: demo.hqDashboardUser, password: demo.hqDashboardPassword }),
    });
    expect(signIn.status).toBe(200);
    expect(((await signIn.json()) as { user: { role: string } }).user.role).toBe('manager');

    const atHq = await waitForPoints(demo, purchase.memberId, purchase.balance);
    expect(atHq?.balances.points).toBe(purchase.balance);
    expect(atHq?.storeId).toBe('demo-store');
    expect(await stopDemo(demo)).toBe(0);

    // Again on the same data, this time switched on from the environment: the kiosk keeps its
    // identity (one device at the head office), and the chain's data is still there.
    const again = await startDemo(ports, [], { BASHGAH_DEMO_HQ: '1' });
    expect(again.hqDashboardPassword).toBe(demo.hqDashboardPassword);
    const { devices } = await hqGet<{ devices: Array<{ id: string }> }>(again, '/v1/devices');
    expect(devices.map((device) => device.id)).toEqual(['demo-kiosk']);
    expect((await waitForPoints(again, purchase.memberId, purchase.balance))?.balances.points).toBe(purchase.balance);
    expect(await stopDemo(again)).toBe(0);
  });
});
