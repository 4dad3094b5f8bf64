import { parseArgs } from 'node:util';
import type { Command } from '../command.js';
import { UsageError } from '../command.js';
import { loadConfig } from '../../config/load.js';
import { createLogger } from '../../log/logger.js';
import { serveKiosk } from '../../kiosk/serve.js';

const usage = `usage: bashgah start

Runs the kiosk service with the configuration in BASHGAH_CONFIG (default
/etc/bashgah/config.json) and the data in BASHGAH_DATA_DIR (default /var/lib/bashgah).
BASHGAH_HOST / BASHGAH_PORT override http.host / http.port. Stops cleanly on SIGTERM.`;

export const command: Command = {
  path: ['start'],
  summary: 'run the kiosk service (real configuration)',
  usage,
  async run(args, io) {
    try {
      parseArgs({ args, options: {}, allowPositionals: false });
    } catch (error) {
      throw new UsageError((error as Error).message);
    }
    const { config, dataDir, source } = await loadConfig(io.env);
    const logger = createLogger({ level: config.logging.level });
    logger.info({ source, dataDir }, 'starting the kiosk');
    return serveKiosk({ config, dataDir, logger });
  },
};
