import { closeSync, fstatSync, openSync, readdirSync, writeFileSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Ledger } from '../../firmware/src/ledger/ledger.js';
import { ledgerDirectory } from '../../firmware/src/ledger/paths.js';
import { kioskLedgerModules } from '../../firmware/src/kiosk/ledger-modules.js';
import { addStaff } from '../../firmware/src/kiosk/staff/admin.js';
import { createLogger } from '../../firmware/src/log/logger.js';
import { kioskTree, runCli, type KioskTree } from './support.js';

let tree: KioskTree;
beforeAll(async () => {
  tree = await kioskTree('status');
});
afterAll(() => tree.remove());

describe('bashgah status with the service stopped', () => {
  it('says the service is not running and reads journal, disk and clock from the files', async () => {
    const empty = await runCli(['status', '--json'], tree.env);
    expect(empty.code).toBe(3);
    expect(JSON.parse(empty.stdout).checks).toMatchObject({
      journal: { state: 'absent', detail: expect.stringContaining('no ledger in') },
      disk: { state: 'absent', detail: expect.stringContaining('does not exist yet') },
    });

    const ledger = await Ledger.open({ dataDir: ledgerDirectory(tree.dataDir), modules: kioskLedgerModules(), logger: createLogger({ level: 'silent' }) });
    for (const [index, name] of ['Ali', 'Sara', 'Reza'].entries()) await addStaff(ledger, { name, cardId: `em:00123${index}`, pin: '1234' }, { kind: 'technician', id: 'test' });
    await ledger.close();
    const result = await runCli(['status', '--json'], tree.env);
    expect(result.code).toBe(3);
    const report = JSON.parse(result.stdout);
    expect(report).toMatchObject({
      service: { running: false, url: `http://127.0.0.1:${tree.port}/healthz`, reason: 'ECONNREFUSED' },
      status: 'not running',
      checks: {
        readers: { state: 'unknown', detail: 'the service is not running' },
        printer: { state: 'unknown' },
        sync: { state: 'unknown' },
        journal: { state: 'ok', detail: 'last record 3, 3 records in the journal' },
        disk: { state: 'ok', detail: expect.stringMatching(/^\d+ MiB free of \d+ MiB/) },
        clock: { state: 'degraded', detail: expect.stringContaining('not synchronised') },
      },
    });
    writeFileSync(tree.env.BASHGAH_TIMESYNC_FLAG!, '');
    const human = await runCli(['status'], tree.env);
    expect(human.stdout).toMatch(/^service\s+NOT RUNNING .*sudo systemctl start bashgah$/m);
    expect(human.stdout).toMatch(/^clock\s+ok\s+synchronised since boot$/m);
    expect(human.stdout).toMatch(/^journal\s+ok\s+last record 3/m);
  });

  it('shows a damaged journal as failing', async () => {
    const journal = join(ledgerDirectory(tree.dataDir), 'journal');
    const fd = openSync(join(journal, readdirSync(journal)[0]!), 'r+');
    writeSync(fd, Buffer.from('XXXX'), 0, 4, Math.floor(fstatSync(fd).size / 6));
    closeSync(fd);
    const report = JSON.parse((await runCli(['status', '--json'], tree.env)).stdout);
    expect(report.checks.journal).toMatchObject({ state: 'failing', detail: expect.stringContaining('bashgah journal verify') });
  });

  it('fails clearly on bad usage and an invalid configuration', async () => {
    expect((await runCli(['status', 'now'], tree.env)).code).toBe(2);
    expect((await runCli(['status', '--verbose'], tree.env)).code).toBe(2);
    writeFileSync(tree.configPath, '{"http": {"port": -1}}');
    const invalid = await runCli(['status'], tree.env);
    expect(invalid.code).toBe(78);
    expect(invalid.stderr).toContain('/http/port');
  });
});
