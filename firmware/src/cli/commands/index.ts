import type { Command } from '../command.js';

/**
 * Every `bashgah` subcommand. Each is imported lazily so that `bashgah status` does not load
 * the printer driver or fastify.
 */
export const commandLoaders: Array<{ path: string[]; summary: string; load: () => Promise<Command> }> = [
  { path: ['journal', 'verify'], summary: 'check the ledger journal (checksums, sequence, hash chain)', load: async () => (await import('./journal.js')).verifyCommand },
  { path: ['backup'], summary: 'copy the ledger (snapshot + journal) to a file or USB stick', load: async () => (await import('./backup.js')).backupCommand },
  { path: ['restore'], summary: 'put a backup in place of the ledger (service stopped)', load: async () => (await import('./backup.js')).restoreCommand },
  { path: ['journal', 'repair'], summary: 'cut damage out of the journal, keeping a copy', load: async () => (await import('./journal.js')).repairCommand },
  { path: ['config', 'get'], summary: 'show the configuration or one setting', load: async () => (await import('./config-get.js')).command },
  { path: ['config', 'set'], summary: 'change settings (validated, written atomically)', load: async () => (await import('./config-set.js')).command },
  { path: ['logs'], summary: 'show the service log (journalctl)', load: async () => (await import('./logs.js')).command },
  { path: ['start'], summary: 'run the kiosk service (real configuration)', load: async () => (await import('./start.js')).command },
  { path: ['demo'], summary: 'run the kiosk with simulated hardware; prints its URL and a POS token', load: async () => (await import('./demo.js')).command },
  { path: ['simulate'], summary: 'tap/swipe/remove a card or take the paper out on a running demo', load: async () => (await import('./simulate.js')).command },
  { path: ['lottery', 'verify'], summary: 'check a drawn lottery against its published seed hash', load: async () => (await import('./lottery-verify.js')).command },
  { path: ['hq'], summary: 'head office server: serve, migrate, devices, import bundles', load: async () => (await import('./hq.js')).hqCommand },
];
