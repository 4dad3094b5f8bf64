import type { FastifyInstance } from 'fastify';
import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';

/**
 * Chart.js (pinned in package.json) served from node_modules for the dashboard's charts, so
 * the head office needs no internet and no bundler. Public: it is a library, not data.
 */
const require = createRequire(import.meta.url);
let chartJs: Promise<Buffer> | undefined;

export function chartJsPath(): string {
  return join(dirname(require.resolve('chart.js')), 'chart.umd.min.js');
}

export async function registerVendorRoutes(api: FastifyInstance): Promise<void> {
  api.get('/insight/vendor/chart.umd.min.js', async (_request, reply) => {
    chartJs ??= readFile(chartJsPath());
    return reply.type('application/javascript; charset=utf-8').header('cache-control', 'public, max-age=86400').send(await chartJs);
  });
}
