import type { PGliteDb } from '../../../sync/hq/db.js';
import { startRouteDashboard, type RouteDashboard } from './route-app.js';

/** The route-test head office on embedded PGlite (see route-app.ts; kept for the tests that import it by this name). */
export interface PGliteDashboard extends RouteDashboard {
  db: PGliteDb;
}

export async function startPGliteDashboard(): Promise<PGliteDashboard> {
  return (await startRouteDashboard('pglite')) as PGliteDashboard;
}
