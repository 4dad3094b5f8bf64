/**
 * A process that commits transfers as fast as it can and prints each acknowledged commit id,
 * one per line, the moment its promise resolves. The crash test kills it with SIGKILL at a
 * random moment and checks that every printed id survived.
 *
 * usage: node ledger-crash-child.js <dataDir> <retryFrom>
 */
import { Ledger } from '../../firmware/src/ledger/ledger.js';
import { createLogger } from '../../firmware/src/log/logger.js';
import { clubAccount, memberAccount } from '../../firmware/src/ledger/types.js';

const [dataDir, retryFromText] = process.argv.slice(2);
if (!dataDir || !retryFromText) {
  process.stderr.write('usage: ledger-crash-child <dataDir> <retryFrom>\n');
  process.exit(2);
}
const actor = { kind: 'pos' as const, id: 'crash-test' };
const ledger = await Ledger.open({ dataDir, snapshotEveryRecords: 400, logger: createLogger({ level: 'silent' }) });
if (!ledger.core.members.has('m1')) await ledger.commit({ id: 'setup', actor, ops: [{ op: 'member.create', memberId: 'm1', name: 'Crash Test', phone: '09120000000', smsConsent: false, storeId: 's1' }] });
process.stdout.write('ready\n');

// Start a little before where the previous run stopped: ids it may or may not have
// committed are retried, and each must still count once.
let next = Number(retryFromText);
const take = (): number => next++;
async function worker(): Promise<void> {
  for (;;) {
    const id = `k${take()}`;
    await ledger.commit({ id, actor, ops: [{ op: 'transfer', debit: clubAccount('earned'), credit: memberAccount('m1'), amount: 1, unit: 'points', reason: 'earn' }] });
    process.stdout.write(`${id}\n`);
  }
}
await Promise.all(Array.from({ length: 8 }, worker));
