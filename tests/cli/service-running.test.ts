import { writeFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { control, startDemo, type DemoService } from '../kiosk/service.js';
import { kioskTree, runCli, type KioskTree } from './support.js';

// One real kiosk service (the compiled `bashgah demo`, simulated hardware) for every command
// that must read from it or stay away from what it owns.
let tree: KioskTree;
let service: DemoService;

beforeAll(async () => {
  tree = await kioskTree('running');
  writeFileSync(tree.env.BASHGAH_TIMESYNC_FLAG!, '');
  // The service polls the printer's paper often, so a paper-out shows up within the test.
  tree.writeConfig({ hardware: { printer: { driver: 'simulated', idleStatusPollMs: 200 } } });
  service = await startDemo({ port: tree.port, dataDir: tree.dataDir, configPath: tree.configPath, posToken: 'pos-token-for-cli-tests' });
});
afterAll(async () => {
  await service?.stop();
  tree.remove();
});

describe('technician commands while the service runs', () => {
  it('status reads the service\'s /healthz', async () => {
    const result = await runCli(['status', '--json'], tree.env);
    expect(result.code, result.stdout).toBe(0);
    expect(JSON.parse(result.stdout)).toMatchObject({
      service: { running: true, url: `http://127.0.0.1:${tree.port}/healthz`, uptimeSeconds: expect.any(Number) },
      status: 'ok',
      checks: { readers: { state: 'ok' }, printer: { state: 'ok' }, journal: { state: 'ok' }, sync: { state: 'disabled' }, disk: { state: 'ok' }, clock: { state: 'ok' } },
    });
    expect((await runCli(['status'], tree.env)).stdout).toMatch(/^service\s+running \(http:\/\/127\.0\.0\.1:\d+\/healthz, up \d+ s\)$/m);
  });

  it('doctor asks the service about the readers and the printer', async () => {
    const healthy = JSON.parse((await runCli(['doctor', '--json'], tree.env)).stdout) as { checks: Array<{ name: string; state: string; detail: string; fix?: string }> };
    const byName = new Map(healthy.checks.map((check) => [check.name, check]));
    expect(byName.get('service')).toMatchObject({ state: 'ok', detail: 'running, reports ok' });
    expect(byName.get('readers')).toMatchObject({ state: 'ok', detail: expect.stringContaining('from the running service') });
    await control(service, { action: 'paper', state: 'out' });
    try {
      // The service learns of the paper at its next status poll or job; ask until it knows.
      let printer: { state: string; fix?: string } | undefined;
      for (let attempt = 0; attempt < 40 && printer?.state !== 'fail'; attempt++) {
        const checks = (JSON.parse((await runCli(['doctor', '--json'], tree.env)).stdout) as typeof healthy).checks;
        printer = checks.find((check) => check.name === 'printer paper');
        if (printer?.state !== 'fail') await new Promise((resolve) => setTimeout(resolve, 250));
      }
      expect(printer).toMatchObject({ state: 'fail', fix: expect.stringContaining('new roll') });
    } finally {
      await control(service, { action: 'paper', state: 'in' });
    }
  });

  it('commands that need the hardware or the ledger to themselves refuse and say how to proceed', async () => {
    for (const argv of [['test-print'], ['tap-test', '--timeout', '1'], ['staff', 'list'], ['factory-reset', '--yes', '--yes']]) {
      const result = await runCli([...argv, '--json'], tree.env);
      expect(result.code, argv.join(' ')).toBe(75);
      expect(JSON.parse(result.stdout).error, argv.join(' ')).toMatch(/stop it first \(sudo systemctl stop bashgah\), run this again, then start it/);
    }
    const pid = service.child.pid;
    expect((await runCli(['staff', 'list'], tree.env)).stderr).toContain(`the kiosk service (pid ${pid}) has the ledger open`);
  });
});
