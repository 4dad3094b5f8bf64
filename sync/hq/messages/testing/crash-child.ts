import { createLogger } from '../../../../firmware/src/log/logger.js';
import { openPGlite } from '../../db.js';
import { parseMessagesConfig } from '../config.js';
import { Dispatcher } from '../dispatcher.js';
import { providersFromConfig } from '../providers.js';
import { SqlOutboxStore } from '../sql-store.js';

/**
 * A dispatcher in its own process, for crash tests: it runs one round against the PGlite
 * database in BASHGAH_OUTBOX_DIR at the clock BASHGAH_OUTBOX_NOW_MS, and the test kills it
 * (SIGKILL) while the provider holds its reply.
 */
const dataDir = process.env.BASHGAH_OUTBOX_DIR;
const config = parseMessagesConfig(JSON.parse(process.env.BASHGAH_OUTBOX_CONFIG ?? '{}'));
const nowMs = Number(process.env.BASHGAH_OUTBOX_NOW_MS);
const leaseMs = Number(process.env.BASHGAH_OUTBOX_LEASE_MS ?? '60000');
if (!dataDir || !Number.isFinite(nowMs)) throw new Error('BASHGAH_OUTBOX_DIR and BASHGAH_OUTBOX_NOW_MS are required');
const db = await openPGlite(dataDir);
const dispatcher = new Dispatcher({ store: new SqlOutboxStore(db), providers: providersFromConfig(config), config, logger: createLogger({ level: 'silent' }), now: () => nowMs, leaseMs });
process.stdout.write('claiming\n');
const summary = await dispatcher.runOnce();
process.stdout.write(`${JSON.stringify(summary)}\n`);
await db.close();
