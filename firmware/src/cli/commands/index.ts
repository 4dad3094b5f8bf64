import type { Command } from '../command.js';

/**
 * Every `bashgah` subcommand. Each is imported lazily so that `bashgah status` does not load
 * the printer driver or fastify.
 */
export const commandLoaders: Array<{ path: string[]; summary: string; load: () => Promise<Command> }> = [
];
