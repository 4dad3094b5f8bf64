import { existsSync } from 'node:fs';
import type { Readable } from 'node:stream';
import type { Command, CommandIO } from '../command.js';
import { UsageError } from '../command.js';
import { emit, fail, parseCommandArgs, table, type OutputMode } from '../output.js';
import { loadConfig } from '../../config/load.js';
import { ledgerDirectory } from '../../ledger/paths.js';
import { LedgerError } from '../../ledger/types.js';
import { addStaff, resetStaffPin, staffList } from '../../kiosk/staff/admin.js';
import { PIN_PATTERN } from '../../kiosk/staff/pin.js';
import { nfcCardId } from '../../../../hardware/readers/card-id.js';
import { InputError, LineInput } from '../../ops/line-input.js';
import { LedgerBusyError, openToolLedger, technicianActor } from '../../ops/tool-ledger.js';

/** Same shape the staff ledger module accepts. */
const CARD_ID = /^[a-z0-9]{2,8}:[A-Za-z0-9_.-]{1,128}$/;
const UID_HEX = /^([0-9A-Fa-f]{8}|[0-9A-Fa-f]{14}|[0-9A-Fa-f]{20})$/;
const STAFF_ID = /^[A-Za-z0-9_-]{1,64}$/;

/** A card id as `bashgah tap-test` shows it (nfc:04A1...), or a bare NFC UID in hex. */
export function normaliseCard(text: string): string {
  const trimmed = text.trim();
  if (UID_HEX.test(trimmed)) return nfcCardId(Buffer.from(trimmed, 'hex'));
  if (CARD_ID.test(trimmed)) return trimmed;
  throw new UsageError(`"${trimmed.slice(0, 40)}" is not a card id: use what \`bashgah tap-test\` shows (e.g. nfc:04A1B2C3D4E5F6) or a UID in hex`);
}

/**
 * The PIN comes from stdin, never from the command line (shell history, `ps`). On a terminal it
 * is asked twice without echo; from a pipe (or with --pin-stdin) it is the first line.
 */
async function readPin(io: CommandIO, stdin: Readable, fromPipe: boolean): Promise<string> {
  const input = new LineInput(stdin);
  try {
    const ask = !fromPipe && input.isTerminal;
    if (ask) io.err('new PIN (4 to 8 digits, not shown): ');
    const pin = (await input.secret())?.trim();
    if (ask) io.err('\n');
    if (pin === undefined || pin === '') throw new UsageError('no PIN on stdin: pipe it in, e.g. `printf "%s\\n" "$PIN" | bashgah staff add ... --pin-stdin`');
    if (!PIN_PATTERN.test(pin)) throw new UsageError('a PIN is 4 to 8 digits');
    if (ask) {
      io.err('the same PIN again: ');
      const again = (await input.secret())?.trim();
      io.err('\n');
      if (again !== pin) throw new UsageError('the two PINs differ; nothing changed');
    }
    return pin;
  } catch (error) {
    if (error instanceof InputError) throw new UsageError(error.message);
    throw error;
  } finally {
    input.close();
  }
}

const LEDGER_MESSAGES: Record<string, string> = {
  CARD_IN_USE: 'this card already belongs to a staff member (see `bashgah staff list`)',
  UNKNOWN_STAFF: 'no staff member has that id (see `bashgah staff list`)',
  STAFF_EXISTS: 'a staff member with that id exists already',
  INVALID_OPERATION: 'the ledger refused the change',
};

/** Ledger refusals and a busy ledger become one clear line; anything else is a bug and rises. */
function failure(io: CommandIO, mode: OutputMode, name: string, error: unknown): number {
  if (error instanceof LedgerBusyError) return fail(io, mode, name, error.message, 75);
  if (error instanceof LedgerError) return fail(io, mode, name, `${LEDGER_MESSAGES[error.code] ?? error.code}: ${error.message}`, 1);
  throw error;
}

export function staffAddCommand(stdin: () => Readable = () => process.stdin): Command {
  return {
    path: ['staff', 'add'],
    summary: 'add a staff member (name, staff card, PIN from stdin)',
    usage: `usage: bashgah staff add --name NAME --card CARD [--pin-stdin] [--json]

Adds a cashier or manager who can open staff mode by tapping CARD and typing the PIN.
  --name       1 to 80 characters (Persian is fine)
  --card       the card id \`bashgah tap-test\` shows (nfc:04A1B2C3D4E5F6) or a UID in hex
  --pin-stdin  read the PIN (4 to 8 digits) as the first line of stdin; without it, it is asked
               twice on the terminal. Never give the PIN as an argument.
Works on the ledger while the service is stopped (sudo systemctl stop bashgah).`,
    async run(args, io) {
      const parsed = parseCommandArgs(args, { name: { type: 'string' }, card: { type: 'string' }, 'pin-stdin': { type: 'boolean' } });
      if (parsed.positionals.length > 0) {
        const hint = parsed.positionals.some((word) => /^\d{4,8}$/.test(word)) ? ' (never put a PIN on the command line: use --pin-stdin)' : '';
        throw new UsageError(`unexpected argument${hint}`);
      }
      const name = typeof parsed.values.name === 'string' ? parsed.values.name.trim() : '';
      if (name.length === 0 || name.length > 80) throw new UsageError('--name is required, 1 to 80 characters');
      if (typeof parsed.values.card !== 'string') throw new UsageError('--card is required');
      const cardId = normaliseCard(parsed.values.card);
      const { dataDir } = await loadConfig(io.env);
      const pin = await readPin(io, stdin(), parsed.values['pin-stdin'] === true);
      try {
        const ledger = await openToolLedger(dataDir);
        try {
          const staffId = await addStaff(ledger, { name, cardId, pin }, technicianActor(io.env));
          emit(io, parsed, { ok: true, staffId, name }, () => `added ${staffId} (${name}); they open staff mode by tapping their card and typing the PIN\n`);
          return 0;
        } finally {
          await ledger.close();
        }
      } catch (error) {
        return failure(io, parsed, 'staff add', error);
      }
    },
  };
}

export function staffPinResetCommand(stdin: () => Readable = () => process.stdin): Command {
  return {
    path: ['staff', 'pin-reset'],
    summary: 'give a staff member a new PIN (from stdin) and lift a lock-out',
    usage: `usage: bashgah staff pin-reset STAFF_ID [--pin-stdin] [--json]

Sets a new PIN (4 to 8 digits) for STAFF_ID (see \`bashgah staff list\`) and unlocks them if
too many wrong PINs locked them out. The PIN is read from stdin: asked twice on a terminal,
or the first line of a pipe. Works on the ledger while the service is stopped.`,
    async run(args, io) {
      const parsed = parseCommandArgs(args, { 'pin-stdin': { type: 'boolean' } });
      if (parsed.positionals.length !== 1) throw new UsageError('give exactly one staff id (and the PIN on stdin, never as an argument)');
      const staffId = parsed.positionals[0]!;
      if (!STAFF_ID.test(staffId)) throw new UsageError(`"${staffId.slice(0, 40)}" is not a staff id (see \`bashgah staff list\`)`);
      const { dataDir } = await loadConfig(io.env);
      const pin = await readPin(io, stdin(), parsed.values['pin-stdin'] === true);
      try {
        const ledger = await openToolLedger(dataDir);
        try {
          await resetStaffPin(ledger, staffId, pin, technicianActor(io.env));
          emit(io, parsed, { ok: true, staffId }, () => `new PIN set for ${staffId}; any lock-out is lifted\n`);
          return 0;
        } finally {
          await ledger.close();
        }
      } catch (error) {
        return failure(io, parsed, 'staff pin-reset', error);
      }
    },
  };
}

export const staffListCommand: Command = {
  path: ['staff', 'list'],
  summary: 'list staff members (id, name, locked until)',
  usage: `usage: bashgah staff list [--json]

Lists staff members from the ledger (the service must be stopped while this reads it).`,
  async run(args, io) {
    const parsed = parseCommandArgs(args);
    if (parsed.positionals.length > 0) throw new UsageError(`unexpected argument "${parsed.positionals[0]}"`);
    const { dataDir } = await loadConfig(io.env);
    if (!existsSync(ledgerDirectory(dataDir))) {
      return fail(io, parsed, 'staff list', `there is no ledger in ${dataDir} yet (BASHGAH_DATA_DIR): nothing to list`, 1);
    }
    try {
      const ledger = await openToolLedger(dataDir);
      try {
        const staff = staffList(ledger).map((member) => ({ ...member, locked: member.lockedUntilMs > Date.now() }));
        emit(io, parsed, { ok: true, staff }, () =>
          staff.length === 0
            ? 'no staff members yet: add one with `bashgah staff add --name NAME --card CARD`\n'
            : table(staff, [
                { header: 'id', value: (row) => row.staffId },
                { header: 'name', value: (row) => row.name },
                { header: 'locked until', value: (row) => (row.locked ? new Date(row.lockedUntilMs).toISOString() : null) },
              ]),
        );
        return 0;
      } finally {
        await ledger.close();
      }
    } catch (error) {
      return failure(io, parsed, 'staff list', error);
    }
  },
};
