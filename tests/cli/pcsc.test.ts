import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PcscdHarness } from '../../hardware/readers/pcsc/testing/pcscd-harness.js';
import { ntag213 } from '../../hardware/readers/pcsc/testing/card-models.js';
import { VirtualCard } from '../../hardware/readers/pcsc/testing/virtual-card.js';
import { ROOT } from '../kiosk/service.js';
import { kioskTree, runCli, type KioskTree } from './support.js';

// The real stack a technician has: pcscd (started here, as root, as CI runs) with Debian's vpcd
// virtual reader, and the shipped CLI as a child process.
let pcscd: PcscdHarness;
let tree: KioskTree;
let env: NodeJS.ProcessEnv;
const cards: VirtualCard[] = [];

beforeAll(async () => {
  pcscd = await PcscdHarness.start();
  tree = await kioskTree('pcsc');
  tree.writeConfig({ hardware: { readers: { drivers: [{ id: 'nfc', driver: 'pcsc', ignoreReaders: 'SAM|00 01' }] } } });
  env = { ...tree.env, PCSCLITE_CSOCK_NAME: pcscd.socketPath };
  delete env.BASHGAH_PCSCD_SOCKET;
});
afterAll(async () => {
  await Promise.all(cards.map((card) => card.remove()));
  await pcscd?.dispose();
  tree?.remove();
});

describe('with the real pcscd', () => {
  it('doctor finds pcscd and the PC/SC reader', async () => {
    const result = await runCli(['doctor', '--json'], env);
    const checks = new Map((JSON.parse(result.stdout) as { checks: Array<{ name: string; state: string; detail: string }> }).checks.map((check) => [check.name, check]));
    expect(checks.get('pcscd')).toMatchObject({ state: 'ok', detail: `running (${pcscd.socketPath} answers)` });
    expect(checks.get('reader nfc')!.state).toBe('ok');
  });

  it('tap-test shows the card tapped on the reader', async () => {
    const child = spawn(process.execPath, [join(ROOT, 'dist/firmware/src/cli/main.js'), 'tap-test', '--timeout', '20', '--json'], { env, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    const waiting = new Promise<void>((resolve) => child.stderr.on('data', (chunk: Buffer) => {
      stderr += chunk.toString();
      if (stderr.includes('hold a card')) resolve();
    }));
    const exited = new Promise<number | null>((resolve) => child.once('exit', resolve));
    await Promise.race([waiting, exited]);
    cards.push(await VirtualCard.insert(pcscd.slot(0), ntag213(Buffer.from('04A1B2C3D4E5F6', 'hex'))));
    expect(await exited, stderr).toBe(0);
    expect(JSON.parse(stdout)).toMatchObject({ ok: true, card: { readerId: 'nfc', technology: 'iso14443-3', cardId: 'nfc:04A1B2C3D4E5F6', tagText: 'باشگاه' } });
    expect(stderr).toMatch(/^reader:pcsc:nfc: ok \(1 reader\(s\): Virtual PCD 00 00\)$/m);
  });
});
