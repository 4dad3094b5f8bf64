/** One `bashgah` subcommand. Each lives in its own file under `commands/`. */
export interface Command {
  /** Words that select it, e.g. `['journal', 'verify']`. */
  path: string[];
  summary: string;
  /** Shown by `bashgah help <command>`. */
  usage: string;
  run(args: string[], io: CommandIO): Promise<number>;
}

/** Where a command writes; tests pass buffers, the real CLI passes stdout and stderr. */
export interface CommandIO {
  out: (text: string) => void;
  err: (text: string) => void;
  env: NodeJS.ProcessEnv;
}

/** A usage mistake: printed with the command's usage, exit code 2. */
export class UsageError extends Error {
  override name = 'UsageError';
}
