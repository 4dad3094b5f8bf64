import { randomBytes } from 'node:crypto';
import { rm, writeFile } from 'node:fs/promises';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import type { Command, CommandIO } from '../command.js';
import { UsageError } from '../command.js';
import { loadConfig, parseConfig } from '../../config/load.js';
import type { Config } from '../../config/schema.js';
import { createLogger } from '../../log/logger.js';
import { serveKiosk } from '../../kiosk/serve.js';
import { startDemoHq, type DemoHq } from '../../kiosk/demo-hq.js';
import { seedDemo, DEMO_MEMBER_CARD, DEMO_STAFF_CARD, DEMO_STAFF_PIN } from '../../kiosk/demo-seed.js';

const usage = `usage: bashgah demo [--with-hq] [--json]

Runs the whole kiosk with simulated hardware (a card reader, the real printer driver printing
to a fake network printer, LEDs) and embedded defaults, and prints the kiosk's URL and a POS
token. Play a customer with \`bashgah simulate tap <card>\` from another terminal.
--with-hq (or BASHGAH_DEMO_HQ=1) also runs a head office in this process (PGlite in <data>/hq),
registers the kiosk with it and turns its sync on: the whole chain in one command.
  BASHGAH_DATA_DIR    where the demo keeps its data (default ~/.local/share/bashgah/demo)
  BASHGAH_DEMO_TOKEN  the POS token to use (at least 16 characters; default: random)
  BASHGAH_PORT, BASHGAH_HOST  where to listen (default 127.0.0.1:8080)
  BASHGAH_CONFIG      a configuration file to use instead of the embedded defaults
  BASHGAH_HQ_PORT     the head office's port on 127.0.0.1 (default 8090)
  BASHGAH_HQ_ADMIN_TOKEN  its admin token (at least 16 characters; default: random)`;

/** Where the demo keeps its data, shared with `bashgah simulate`. */
export function demoDataDir(env: NodeJS.ProcessEnv): string {
  return env.BASHGAH_DATA_DIR ?? join(env.XDG_DATA_HOME ?? join(homedir(), '.local', 'share'), 'bashgah', 'demo');
}

export const CONTROL_FILE = 'demo-control.json';

async function demoConfig(env: NodeJS.ProcessEnv): Promise<Config> {
  if (env.BASHGAH_CONFIG !== undefined) return (await loadConfig(env)).config;
  const config = parseConfig({}, 'embedded defaults');
  if (env.BASHGAH_HOST !== undefined) config.http.host = env.BASHGAH_HOST;
  if (env.BASHGAH_PORT !== undefined) {
    const port = Number(env.BASHGAH_PORT);
    if (!Number.isInteger(port) || port < 0 || port > 65535) throw new UsageError(`BASHGAH_PORT must be 0..65535, got "${env.BASHGAH_PORT}"`);
    config.http.port = port;
  }
  return config;
}

function printStart(io: CommandIO, json: boolean, facts: Record<string, string>): void {
  if (json) {
    io.out(`${JSON.stringify({ event: 'listening', ...facts })}\n`);
    return;
  }
  io.out([
    'Bashgah demo is running (simulated hardware).',
    `  kiosk:        ${facts.url}`,
    `  POS token:    ${facts.posToken}`,
    `  try the API:  curl -H "Authorization: Bearer ${facts.posToken}" ${facts.url}/api/v1/members?card=${DEMO_MEMBER_CARD}`,
    `  API docs:     ${facts.url}/api/openapi.json`,
    `  a member:     bashgah simulate tap ${DEMO_MEMBER_CARD}`,
    `  staff mode:   bashgah simulate tap ${DEMO_STAFF_CARD}   (PIN ${DEMO_STAFF_PIN})`,
    `  data:         ${facts.dataDir}`,
    ...(facts.hqUrl === undefined ? [] : [
      `  head office:  ${facts.hqUrl}   (dashboard: sign in as ${facts.hqDashboardUser}, password ${facts.hqDashboardPassword})`,
      `  admin token:  ${facts.hqAdminToken}`,
      `  the chain:    curl -H "Authorization: Bearer ${facts.hqAdminToken}" ${facts.hqUrl}/v1/members`,
    ]),
    'Stop with Ctrl-C.',
    '',
  ].join('\n'));
}

export const command: Command = {
  path: ['demo'],
  summary: 'run the kiosk with simulated hardware and print its URL and a POS token',
  usage,
  async run(args, io) {
    let json = false;
    let withHq = io.env.BASHGAH_DEMO_HQ === '1';
    try {
      const { values } = parseArgs({ args, options: { json: { type: 'boolean' }, 'with-hq': { type: 'boolean' } }, allowPositionals: false });
      json = values.json === true;
      withHq ||= values['with-hq'] === true;
    } catch (error) {
      throw new UsageError((error as Error).message);
    }
    const env = io.env;
    const posToken = env.BASHGAH_DEMO_TOKEN ?? randomBytes(18).toString('base64url');
    if (posToken.length < 16 || !/^[\x21-\x7e]+$/.test(posToken)) throw new UsageError('BASHGAH_DEMO_TOKEN must be at least 16 printable ASCII characters');
    const controlToken = randomBytes(24).toString('base64url');
    const config = await demoConfig(env);
    const dataDir = demoDataDir(env);
    const logger = createLogger({ level: env.BASHGAH_LOG_LEVEL ?? 'warn' });
    const controlPath = join(dataDir, CONTROL_FILE);
    let hq: DemoHq | undefined;
    if (withHq) hq = await startDemoHq({ config, dataDir, env, logger });
    const hqFacts: Record<string, string> = hq ? { hqUrl: hq.url, hqAdminToken: hq.adminToken, hqDashboardUser: hq.dashboardUser, hqDashboardPassword: hq.dashboardPassword } : {};
    return serveKiosk({
      config,
      dataDir,
      logger,
      extraTokens: [
        { name: 'demo-pos', token: posToken, role: 'pos' },
        { name: 'demo-control', token: controlToken, role: 'technician' },
      ],
      async onListening(kiosk, url) {
        await seedDemo(kiosk);
        // Only this user can read the control token (bashgah simulate uses it).
        await writeFile(controlPath, `${JSON.stringify({ url, token: controlToken, pid: process.pid })}\n`, { mode: 0o600 });
        printStart(io, json, { url, posToken, dataDir, ...hqFacts });
      },
      async onStopped() {
        await rm(controlPath, { force: true });
        await hq?.close();
      },
    }).catch(async (error: unknown) => {
      await hq?.close();
      throw error;
    });
  },
};
