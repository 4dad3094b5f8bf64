import { parseArgs } from 'node:util';
import { readFile } from 'node:fs/promises';
import type { Readable } from 'node:stream';
import type { CommandIO } from '../command.js';
import { UsageError } from '../command.js';
import { emit, fail, table } from '../output.js';
import { InputError, LineInput } from '../../ops/line-input.js';
import { HqError } from '../../../../sync/hq/errors.js';
import { addStaffUser, disableStaffUser, listStaffUsers, newUserProblem, setStaffPassword } from '../../../../sync/hq/dashboard/users.js';
import { PASSWORD_LENGTH_MIN, passwordProblem } from '../../../../sync/hq/dashboard/passwords.js';
import { withHqDb } from './hq-db.js';

/**
 * `bashgah hq user …`: the dashboard's staff users. Passwords never travel on the command
 * line (shell history, `ps`): asked twice without echo on a terminal, else the first line of
 * stdin or of `--password-file`.
 */
export const HQ_USER_USAGE = `  user add <username> --role <manager|store-manager|support> [--store <id>]... [--display-name <name>] [--password-file <file>]
                                               add a dashboard user (password from stdin, not shown)
  user list                                    dashboard users, their roles and stores
  user disable <username>                      refuse the user from now on (ends their sessions)
  user password <username> [--password-file <file>]
                                               set a new password (lifts a lock-out, ends their sessions)`;

interface UserOptions {
  json: boolean;
  dataDir: string;
  role?: string;
  stores: string[];
  displayName?: string;
  passwordFile?: string;
}

function parse(args: string[], env: NodeJS.ProcessEnv): { positionals: string[]; options: UserOptions } {
  try {
    const { values, positionals } = parseArgs({
      args,
      allowPositionals: true,
      strict: true,
      options: {
        json: { type: 'boolean', default: false },
        'data-dir': { type: 'string' },
        role: { type: 'string' },
        store: { type: 'string', multiple: true },
        'display-name': { type: 'string' },
        'password-file': { type: 'string' },
      },
    });
    return {
      positionals,
      options: {
        json: values.json ?? false,
        dataDir: values['data-dir'] ?? env.BASHGAH_HQ_DATA_DIR ?? '/var/lib/bashgah-hq',
        stores: values.store ?? [],
        ...(values.role ? { role: values.role } : {}),
        ...(values['display-name'] !== undefined ? { displayName: values['display-name'] } : {}),
        ...(values['password-file'] ? { passwordFile: values['password-file'] } : {}),
      },
    };
  } catch (error) {
    throw new UsageError((error as Error).message);
  }
}

async function readPassword(io: CommandIO, stdin: Readable, passwordFile: string | undefined): Promise<string> {
  if (passwordFile) {
    const first = (await readFile(passwordFile, 'utf8')).split(/\r?\n/)[0] ?? '';
    if (first.length === 0) throw new UsageError(`${passwordFile}: the first line (the password) is empty`);
    return first;
  }
  const input = new LineInput(stdin);
  try {
    const ask = input.isTerminal;
    if (ask) io.err(`password (at least ${PASSWORD_LENGTH_MIN} characters, not shown): `);
    const password = await input.secret();
    if (ask) io.err('\n');
    if (password === undefined || password === '') throw new UsageError('no password on stdin: type it, pipe it in, or use --password-file');
    if (ask) {
      io.err('the same password again: ');
      const again = await input.secret();
      io.err('\n');
      if (again !== password) throw new UsageError('the two passwords differ; nothing changed');
    }
    return password;
  } catch (error) {
    if (error instanceof InputError) throw new UsageError(error.message);
    throw error;
  } finally {
    input.close();
  }
}


/** Runs `hq user <verb> …`; head office refusals become one clear line and exit code 1. */
export async function runUserAction(args: string[], io: CommandIO, stdin: () => Readable = () => process.stdin): Promise<number> {
  const { positionals, options } = parse(args, io.env);
  const [verb, username, ...extra] = positionals;
  if (extra.length > 0) throw new UsageError(`unexpected arguments: ${extra.join(' ')}`);
  try {
    switch (verb) {
      case 'list':
        return await withHqDb(options.dataDir, io.env, async (db) => {
          const users = await listStaffUsers(db);
          const now = Date.now();
          emit(io, options, { users }, () =>
            users.length === 0
              ? 'no dashboard users yet: add one with `bashgah hq user add <username> --role manager`\n'
              : table(users, [
                  { header: 'username', value: (u) => u.username },
                  { header: 'name', value: (u) => u.displayName },
                  { header: 'role', value: (u) => u.role },
                  { header: 'stores', value: (u) => (u.storeIds === null ? 'all' : u.storeIds.join(',')) },
                  { header: 'state', value: (u) => (u.disabled ? 'disabled' : u.lockedUntilMs !== null && u.lockedUntilMs > now ? 'locked out' : 'active') },
                ]),
          );
          return 0;
        });
      case 'add': {
        if (!username) throw new UsageError('user add needs a username');
        if (!options.role) throw new UsageError('user add needs --role manager|store-manager|support');
        const role = options.role;
        const password = await readPassword(io, stdin(), options.passwordFile);
        const newUser = { username, role, storeIds: options.stores, password, ...(options.displayName !== undefined ? { displayName: options.displayName } : {}) };
        // Checked before the database is opened: a typo is answered at once.
        const problem = newUserProblem(newUser);
        if (problem) throw new HqError('BAD_REQUEST', problem);
        return await withHqDb(options.dataDir, io.env, async (db) => {
          const user = await addStaffUser(db, newUser, Date.now());
          const { id, displayName, storeIds } = user;
          emit(io, options, { id, username, displayName, role, storeIds }, () => `user ${username} added (${role}${storeIds ? `, stores ${storeIds.join(', ')}` : ', all stores'})\n`);
          return 0;
        });
      }
      case 'disable':
        if (!username) throw new UsageError('user disable needs a username');
        return await withHqDb(options.dataDir, io.env, async (db) => {
          await disableStaffUser(db, username, Date.now());
          emit(io, options, { username, disabled: true }, () => `user ${username} disabled; their sessions are ended\n`);
          return 0;
        });
      case 'password': {
        if (!username) throw new UsageError('user password needs a username');
        const password = await readPassword(io, stdin(), options.passwordFile);
        const problem = passwordProblem(password);
        if (problem) throw new HqError('BAD_REQUEST', `password: ${problem}`);
        return await withHqDb(options.dataDir, io.env, async (db) => {
          await setStaffPassword(db, username, password, Date.now());
          emit(io, options, { username, passwordChanged: true }, () => `password of ${username} changed; their sessions are ended and any lock-out lifted\n`);
          return 0;
        });
      }
      default:
        throw new UsageError(verb ? `unknown user action "${verb}"` : 'user needs an action: add, list, disable, password');
    }
  } catch (error) {
    if (error instanceof HqError) return fail(io, options, `hq user ${verb ?? ''}`, error.message, 1);
    throw error;
  }
}
