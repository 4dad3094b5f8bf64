/** Messages between the RC522 driver (main thread) and its polling worker. */
export interface Rc522WorkerData {
  pins: { clock: number; mosi: number; miso: number; client: number; reset: number };
  pollIntervalMs: number;
  removeAfterMisses: number;
  /** Tests only: a module URL exporting `createSpi(options)` used instead of rpi-softspi. */
  spiModuleUrl?: string;
  spiOptions?: unknown;
}

export type WorkerToDriver =
  | { type: 'ready' }
  | { type: 'card'; uid: number[] }
  | { type: 'removed' }
  | { type: 'problem'; code: string; message: string };

export type DriverToWorker = { type: 'stop' };
