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
  { path: ['hq'], summary: 'head office server: serve, migrate, devices, import bundles, dashboard users', load: async () => (await import('./hq.js')).hqCommand },
  { path: ['status'], summary: 'readers, printer, journal, sync, disk and clock at a glance', load: async () => (await import('./status.js')).command },
  { path: ['doctor'], summary: 'check the kiosk and say how to fix what fails', load: async () => (await import('./doctor.js')).command },
  { path: ['test-print'], summary: 'print a test receipt (service stopped)', load: async () => (await import('./test-print.js')).command },
  { path: ['tap-test'], summary: 'wait for a card and show what was read (service stopped)', load: async () => (await import('./tap-test.js')).command },
  { path: ['staff', 'add'], summary: 'add a staff member (PIN from stdin)', load: async () => (await import('./staff.js')).staffAddCommand() },
  { path: ['staff', 'pin-reset'], summary: 'set a new staff PIN (from stdin), lifting a lock-out', load: async () => (await import('./staff.js')).staffPinResetCommand() },
  { path: ['staff', 'list'], summary: 'list staff members', load: async () => (await import('./staff.js')).staffListCommand },
  { path: ['factory-reset'], summary: 'set the kiosk back to empty (data moved aside); asks twice', load: async () => (await import('./factory-reset.js')).command },
];
