import { parseArgs } from 'node:util';
import { readFile, writeFile } from 'node:fs/promises';
import type { Command, CommandIO } from '../command.js';
import { UsageError } from '../command.js';
import { createLogger } from '../../log/logger.js';
import { appliedMigrations } from '../../../../sync/hq/migrations.js';
import { headOfficeKey, listDevices, registerDevice, revokeDevice } from '../../../../sync/hq/devices.js';
import { chainCounts } from '../../../../sync/hq/queries.js';
import { importJournalBundle } from '../../../../sync/hq/bundles.js';
import { startHqServer } from '../../../../sync/hq/server.js';
import { loadMessagesConfig } from '../../../../sync/hq/insight/messages-runtime.js';
import { generateDeviceKeyPair } from '../../../../sync/protocol/signing.js';
import { writeKeyFile } from '../../../../sync/agent/identity.js';
import { HQ_USER_USAGE, runUserAction } from './hq-users.js';
import { withHqDb } from './hq-db.js';

const USAGE = `usage: bashgah hq <action> [options]

The head office server and its administration. PostgreSQL from DATABASE_URL; without it an
embedded PostgreSQL (PGlite, fsync on) in --data-dir (default BASHGAH_HQ_DATA_DIR or /var/lib/bashgah-hq).

actions:
  serve [--host 127.0.0.1] [--port 8090]     run the server (admin token from BASHGAH_HQ_ADMIN_TOKEN)
        [--messages-config <file>]           SMS/e-mail outbox settings, JSON (or BASHGAH_HQ_MESSAGES_CONFIG); none: nothing is sent
  migrate                                      apply schema migrations
  status                                       chain counts and schema version
  devices                                      every device with its sync state
  device add <id> --store <store> --out <file> provision a kiosk: writes its key file (mode 0600)
  device revoke <id>                           refuse the device from now on
  import <bundle> --out <file>                 import a store's sync bundle, write the bundle going back
${HQ_USER_USAGE}

options: --data-dir <dir>, --json`;

interface Options {
  json: boolean;
  dataDir: string;
  host: string;
  port: number;
  store?: string;
  out?: string;
  messagesConfig?: string;
}

function parse(args: string[], env: NodeJS.ProcessEnv): { positionals: string[]; options: Options } {
  let parsed;
  try {
    parsed = parseArgs({
      args,
      allowPositionals: true,
      options: {
        json: { type: 'boolean', default: false },
        'data-dir': { type: 'string' },
        host: { type: 'string', default: '127.0.0.1' },
        port: { type: 'string', default: '8090' },
        store: { type: 'string' },
        out: { type: 'string' },
        'messages-config': { type: 'string' },
      },
    });
  } catch (error) {
    throw new UsageError((error as Error).message);
  }
  const port = Number(parsed.values.port);
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new UsageError(`--port must be 0-65535, got ${parsed.values.port}`);
  return {
    positionals: parsed.positionals,
    options: {
      json: parsed.values.json ?? false,
      dataDir: parsed.values['data-dir'] ?? env.BASHGAH_HQ_DATA_DIR ?? '/var/lib/bashgah-hq',
      host: parsed.values.host ?? '127.0.0.1',
      port,
      ...(parsed.values.store ? { store: parsed.values.store } : {}),
      ...(parsed.values.out ? { out: parsed.values.out } : {}),
      ...((parsed.values['messages-config'] ?? env.BASHGAH_HQ_MESSAGES_CONFIG) ? { messagesConfig: parsed.values['messages-config'] ?? env.BASHGAH_HQ_MESSAGES_CONFIG } : {}),
    },
  };
}

function print(io: CommandIO, options: Options, value: unknown, text: string): void {
  io.out(options.json ? `${JSON.stringify(value, null, 2)}\n` : `${text}\n`);
}

const time = (ms: number | null) => (ms === null ? '-' : new Date(Number(ms)).toISOString().replace('.000Z', 'Z'));

async function serve(options: Options, io: CommandIO): Promise<number> {
  const logger = createLogger({ name: 'bashgah-hq' });
  // Validated before anything starts: a typo in the gateway settings is an error, not silence.
  const messages = await loadMessagesConfig(options.messagesConfig);
  const server = await startHqServer({
    ...(io.env.DATABASE_URL ? { databaseUrl: io.env.DATABASE_URL } : {}),
    dataDir: options.dataDir,
    host: options.host,
    port: options.port,
    ...(io.env.BASHGAH_HQ_ADMIN_TOKEN ? { adminToken: io.env.BASHGAH_HQ_ADMIN_TOKEN } : {}),
    logger,
    messages,
  });
  logger.info({ url: server.url, database: server.db.kind }, 'head office listening');
  io.out(`head office listening on ${server.url} (${server.db.kind})\n`);
  await new Promise<void>((resolve) => {
    process.once('SIGTERM', resolve);
    process.once('SIGINT', resolve);
  });
  await server.close();
  return 0;
}

export const hqCommand: Command = {
  path: ['hq'],
  summary: 'head office server: serve, migrate, devices, import bundles, dashboard users',
  usage: USAGE,
  async run(args, io) {
    if (args[0] === 'user') return runUserAction(args.slice(1), io);
    const { positionals, options } = parse(args, io.env);
    const [action, ...rest] = positionals;
    switch (action) {
      case 'serve':
        return serve(options, io);
      case 'migrate':
        return withHqDb(options.dataDir, io.env, async (db) => {
          const versions = await appliedMigrations(db);
          print(io, options, { versions }, `schema at version ${versions[versions.length - 1] ?? 0} (${versions.length} migrations applied)`);
          return 0;
        });
      case 'status':
        return withHqDb(options.dataDir, io.env, async (db) => {
          const counts = await chainCounts(db);
          const text = Object.entries(counts).map(([name, count]) => `${name.padEnd(14)} ${count}`).join('\n');
          print(io, options, { database: db.kind, schema: await appliedMigrations(db), counts }, `database       ${db.kind}\n${text}`);
          return 0;
        });
      case 'devices':
        return withHqDb(options.dataDir, io.env, async (db) => {
          const devices = await listDevices(db);
          const lines = devices.map((d) => `${d.id.padEnd(20)} ${d.storeId.padEnd(16)} ${String(d.highWaterMark).padStart(10)}  ${time(d.lastPushAtMs).padEnd(21)} ${d.revokedAtMs === null ? 'active' : 'revoked'}`);
          print(io, options, { devices }, [`${'device'.padEnd(20)} ${'store'.padEnd(16)} ${'records'.padStart(10)}  ${'last push'.padEnd(21)} state`, ...lines].join('\n'));
          return 0;
        });
      case 'device':
        return deviceAction(rest, options, io);
      case 'import':
        return importBundle(rest, options, io);
      default:
        throw new UsageError(action ? `unknown action "${action}"` : 'an action is required');
    }
  },
};

async function deviceAction(rest: string[], options: Options, io: CommandIO): Promise<number> {
  const [verb, deviceId] = rest;
  if (!deviceId) throw new UsageError('a device id is required');
  if (verb === 'add') {
    if (!options.store || !options.out) throw new UsageError('device add needs --store and --out');
    const { store, out } = options;
    return withHqDb(options.dataDir, io.env, async (db) => {
      const pair = generateDeviceKeyPair();
      await registerDevice(db, deviceId, store, pair.publicKey, Date.now());
      const hq = await headOfficeKey(db);
      await writeKeyFile(out, { deviceId, storeId: store, privateKeyPem: pair.privateKeyPem, hqPublicKey: hq.publicKey });
      print(io, options, { deviceId, storeId: store, keyFile: out }, `device ${deviceId} provisioned for store ${store}; key file written to ${out} (copy it to the kiosk's data directory)`);
      return 0;
    });
  }
  if (verb === 'revoke') {
    return withHqDb(options.dataDir, io.env, async (db) => {
      await revokeDevice(db, deviceId, Date.now());
      print(io, options, { deviceId, revoked: true }, `device ${deviceId} revoked`);
      return 0;
    });
  }
  throw new UsageError(`unknown device action "${verb ?? ''}"`);
}

async function importBundle(rest: string[], options: Options, io: CommandIO): Promise<number> {
  const [path] = rest;
  if (!path || !options.out) throw new UsageError('import needs a bundle file and --out');
  const out = options.out;
  const text = await readFile(path, 'utf8');
  return withHqDb(options.dataDir, io.env, async (db) => {
    const result = await importJournalBundle(db, text, Date.now());
    await writeFile(out, result.returnBundle, { mode: 0o600 });
    const r = result.ingest;
    print(io, options, result.ingest, `device ${r.deviceId}: ${r.stored} records stored, ${r.duplicates} already there, high-water mark ${r.highWaterMark}; answer written to ${out}`);
    return 0;
  });
}

export default hqCommand;
