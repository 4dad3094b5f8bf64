#!/usr/bin/env node
import { realpathSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { commandLoaders } from './commands/index.js';
import { UsageError, type CommandIO } from './command.js';
import { ConfigError } from '../config/load.js';

/** Finds the longest registered command path that prefixes the arguments. */
function resolve(argv: string[]) {
  let best: (typeof commandLoaders)[number] | undefined;
  for (const entry of commandLoaders) {
    const matches = entry.path.every((word, index) => argv[index] === word);
    if (matches && (!best || entry.path.length > best.path.length)) best = entry;
  }
  return best;
}

function helpText(): string {
  const width = Math.max(...commandLoaders.map((entry) => entry.path.join(' ').length), 4);
  const lines = commandLoaders.map((entry) => `  ${entry.path.join(' ').padEnd(width)}  ${entry.summary}`);
  return `usage: bashgah <command> [options]\n\ncommands:\n${lines.join('\n')}\n\nbashgah help <command> shows a command's options.\n`;
}

export async function main(argv: string[], io: CommandIO): Promise<number> {
  if (argv.length === 0 || argv[0] === '--help' || argv[0] === '-h') {
    io.out(helpText());
    return argv.length === 0 ? 2 : 0;
  }
  if (argv[0] === 'help') {
    const entry = resolve(argv.slice(1));
    if (!entry) {
      io.out(helpText());
      return argv.length > 1 ? 2 : 0;
    }
    io.out(`${(await entry.load()).usage}\n`);
    return 0;
  }
  const entry = resolve(argv);
  if (!entry) {
    io.err(`bashgah: unknown command "${argv.join(' ')}"\n\n${helpText()}`);
    return 2;
  }
  const command = await entry.load();
  try {
    return await command.run(argv.slice(entry.path.length), io);
  } catch (error) {
    if (error instanceof UsageError) {
      io.err(`bashgah ${entry.path.join(' ')}: ${error.message}\n\n${command.usage}\n`);
      return 2;
    }
    if (error instanceof ConfigError) {
      io.err(`bashgah: ${error.message}\n`);
      return 78; // EX_CONFIG: systemd shows it as a configuration problem.
    }
    throw error;
  }
}

// Run when executed (directly or through the `bashgah` symlink), not when imported by tests.
const invokedDirectly = process.argv[1] !== undefined && realpathSync(process.argv[1]) === fileURLToPath(import.meta.url);
if (invokedDirectly) {
  const io: CommandIO = {
    out: (text) => process.stdout.write(text),
    err: (text) => process.stderr.write(text),
    env: process.env,
  };
  main(process.argv.slice(2), io).then(
    (code) => {
      process.exitCode = code;
    },
    (error: unknown) => {
      process.stderr.write(`bashgah: ${(error as Error).stack ?? String(error)}\n`);
      process.exitCode = 1;
    },
  );
}
