/**
 * A kiosk's ledger and sync agent that pulls once, carries out the head office's directives,
 * prints `applied <seq>` and kills itself with SIGKILL right then: after the ledger made the
 * directive durable, before the pull cursor is saved and before the record is pushed. The
 * directives test (tests/hq-dashboard/directives-crash.test.ts) then restarts the kiosk and
 * checks the directive still counts exactly once.
 *
 * usage: node directives-crash-child.js <dataDir> <headOfficeUrl>
 */
import { Ledger } from '../../firmware/src/ledger/ledger.js';
import { ledgerDirectory } from '../../firmware/src/ledger/paths.js';
import { kioskLedgerModules } from '../../firmware/src/kiosk/ledger-modules.js';
import { createLogger } from '../../firmware/src/log/logger.js';
import { SyncAgent } from '../../sync/agent/agent.js';
import { SyncAgentConfigSchema } from '../../sync/agent/config.js';
import { DirectiveExecutor } from '../../sync/agent/directive-executor.js';
import { keyFilePath, loadIdentity } from '../../sync/agent/identity.js';
import { parseMessage } from '../../sync/protocol/validate.js';

const [dataDir, headOfficeUrl] = process.argv.slice(2);
if (!dataDir || !headOfficeUrl) {
  process.stderr.write('usage: directives-crash-child <dataDir> <headOfficeUrl>\n');
  process.exit(2);
}
const logger = createLogger({ level: 'silent' });
const ledger = await Ledger.open({ dataDir: ledgerDirectory(dataDir), modules: kioskLedgerModules(), logger });
const executor = new DirectiveExecutor(ledger, logger);
const config = parseMessage(SyncAgentConfigSchema, { enabled: true, headOfficeUrl }, 'config');
const agent = await SyncAgent.open({
  config,
  identity: await loadIdentity(keyFilePath(dataDir, config.keyFile)),
  ledger,
  dataDir,
  logger,
  async onPull(page) {
    const summary = await executor.apply(page);
    if (summary.applied > 0) {
      process.stdout.write(`applied ${ledger.lastSeq}\n`, () => process.kill(process.pid, 'SIGKILL'));
      await new Promise(() => undefined);
    }
  },
});
await agent.syncOnce({ pullNow: true });
process.stdout.write('nothing-applied\n');
process.exit(3);
