import { spawn } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Ledger } from '../../firmware/src/ledger/ledger.js';
import { ledgerDirectory } from '../../firmware/src/ledger/paths.js';
import { kioskLedgerModules } from '../../firmware/src/kiosk/ledger-modules.js';
import { createLogger } from '../../firmware/src/log/logger.js';
import { SyncAgent } from '../../sync/agent/agent.js';
import { SyncAgentConfigSchema } from '../../sync/agent/config.js';
import { DirectiveExecutor } from '../../sync/agent/directive-executor.js';
import { keyFilePath, loadIdentity } from '../../sync/agent/identity.js';
import { parseMessage } from '../../sync/protocol/validate.js';
import { deliverDirectives, listDirectives, queueAdjustment } from '../../sync/hq/directives/index.js';
import { ROOT } from '../kiosk/service.js';
import { adminGet, listenHq, openBackend, type Backend, type RunningHq } from '../sync/support/hq.js';
import { provisionKey } from './directives-harness.js';

/**
 * A kiosk killed (SIGKILL) right after its ledger made a directive durable, before it saved
 * its pull cursor or pushed the record: after the restart the directive is delivered again,
 * skipped by the ledger, pushed, and counted exactly once at the kiosk and the head office.
 */
const CHILD = join(ROOT, 'dist/tests/support/directives-crash-child.js');
const CHILD_TIMEOUT_MS = 30_000;

describe('a kiosk killed between applying a directive and acknowledging it', () => {
  let backend: Backend;
  let hq: RunningHq;
  let dataDir: string;

  beforeAll(async () => {
    backend = await openBackend('pglite');
    hq = await listenHq(backend.db);
    dataDir = await mkdtemp(join(tmpdir(), 'bashgah-directives-crash-'));
  });
  afterAll(async () => {
    await hq?.close();
    await backend?.close();
    await rm(dataDir, { recursive: true, force: true });
  });

  const logger = createLogger({ level: 'silent' });
  const openKiosk = async () => {
    const ledger = await Ledger.open({ dataDir: ledgerDirectory(dataDir), modules: kioskLedgerModules(), logger });
    const config = parseMessage(SyncAgentConfigSchema, { enabled: true, headOfficeUrl: hq.url }, 'config');
    const executor = new DirectiveExecutor(ledger, logger);
    const agent = await SyncAgent.open({ config, identity: await loadIdentity(keyFilePath(dataDir, config.keyFile)), ledger, dataDir, logger, onPull: async (page) => void (await executor.apply(page)) });
    return { ledger, agent, executor };
  };

  it('applies it exactly once', async () => {
    await provisionKey(hq.app, dataDir, 'kiosk-crash', 'store-crash');
    const first = await openKiosk();
    await first.ledger.commit({ id: 'enrol', actor: { kind: 'pos', id: 'till-1' }, ops: [
      { op: 'member.create', memberId: 'mc', name: 'نرگس', phone: '09121110000', smsConsent: true, storeId: 'store-crash' },
      { op: 'transfer', debit: 'club:earned', credit: 'member:mc:points', amount: 40, unit: 'points', reason: 'earn' },
    ] });
    await first.agent.syncOnce();
    await first.agent.stop();
    await first.ledger.close();

    const { directiveId } = await backend.db.transaction((tx) => queueAdjustment(tx, { memberId: 'mc', points: 700, reason: 'جبران', requestedBy: 'manager-1', atMs: Date.now() }));
    const child = spawn(process.execPath, [CHILD, dataDir, hq.url], { stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    let errors = '';
    child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (errors = (errors + chunk.toString()).slice(-2000)));
    const timer = setTimeout(() => child.kill('SIGKILL'), CHILD_TIMEOUT_MS);
    const signal = await new Promise<NodeJS.Signals | null>((resolve) => child.once('exit', (_code, killedBy) => resolve(killedBy)));
    clearTimeout(timer);
    expect(output, errors).toMatch(/^applied \d+$/m);
    expect(signal).toBe('SIGKILL');
    expect((await listDirectives(backend.db)).find((d) => d.directiveId === directiveId)?.state).toBe('delivered');

    const second = await openKiosk();
    expect(second.ledger.balance('member:mc:points')).toBe(740);
    // The head office still lists it as open: delivered again, the ledger skips it.
    const again = await deliverDirectives(backend.db, 'kiosk-crash', Date.now());
    expect(again.map((d) => d.id)).toEqual([directiveId]);
    const page = { storeId: 'store-crash', members: [], cards: [], blockedCards: [], documents: [], directives: again, nextRevision: 0, more: false, serverTimeMs: Date.now() };
    expect(await second.executor.apply(page)).toMatchObject({ applied: 0, skipped: 1 });
    await second.agent.syncOnce({ pullNow: true });
    await second.agent.syncOnce({ pullNow: true });
    expect(second.ledger.balance('member:mc:points')).toBe(740);
    expect((await listDirectives(backend.db)).find((d) => d.directiveId === directiveId)?.state).toBe('applied');
    const member = await adminGet<{ member: { balances: Record<string, number> } }>(hq.app, '/v1/members/mc');
    expect(member.member.balances.points).toBe(740);
    await second.agent.stop();
    await second.ledger.close();
  });
});
