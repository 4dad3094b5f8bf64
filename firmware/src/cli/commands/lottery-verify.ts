import { readFile } from 'node:fs/promises';
import type { Command } from '../command.js';
import { UsageError } from '../command.js';
import { emit, fail, keyValues, parseCommandArgs } from '../output.js';
import { drawTickets, seedHash, SEED_PATTERN } from '../../loyalty/engagement/lottery.js';

const usage = `usage: bashgah lottery verify FILE [--json]

Checks a drawn lottery as published (JSON with id, seedHash, seed, tickets, prizes, winners):
the revealed seed must hash to the seedHash published before tickets closed, and the winners
must be exactly those the seed picks from the ticket list. Anyone can run it; no ledger needed.
Exit code 0 when the draw checks out, 1 when it does not.`;

const MAX_FILE_BYTES = 64 * 1024 * 1024;

interface PublishedLottery {
  id: string;
  seedHash: string;
  seed: string;
  tickets: string[];
  prizes: unknown[];
  winners: Array<{ prizeIndex: number; ticket: number; memberId: string }>;
}

function parseLottery(text: string): PublishedLottery | string {
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch {
    return 'the file is not JSON';
  }
  const candidate = data as Partial<PublishedLottery>;
  if (typeof candidate !== 'object' || candidate === null || typeof candidate.id !== 'string') return 'missing lottery id';
  if (typeof candidate.seedHash !== 'string' || !SEED_PATTERN.test(candidate.seedHash)) return 'missing or malformed seedHash';
  if (typeof candidate.seed !== 'string' || !SEED_PATTERN.test(candidate.seed)) return 'the seed has not been revealed (or is malformed)';
  if (!Array.isArray(candidate.tickets) || !candidate.tickets.every((owner) => typeof owner === 'string')) return 'tickets must be a list of member ids';
  if (!Array.isArray(candidate.prizes) || !Array.isArray(candidate.winners)) return 'prizes and winners must be lists';
  return candidate as PublishedLottery;
}

export const command: Command = {
  path: ['lottery', 'verify'],
  summary: 'check a drawn lottery against its published seed hash',
  usage,
  async run(args, io) {
    const parsed = parseCommandArgs(args);
    if (parsed.positionals.length !== 1) throw new UsageError('expected one FILE');
    const path = parsed.positionals[0]!;
    let text: string;
    try {
      const bytes = await readFile(path);
      if (bytes.length > MAX_FILE_BYTES) return fail(io, parsed, 'lottery verify', `${path} is larger than 64 MiB`, 1);
      text = bytes.toString('utf8');
    } catch (error) {
      return fail(io, parsed, 'lottery verify', `cannot read ${path}: ${(error as Error).message}`, 1);
    }
    const lottery = parseLottery(text);
    if (typeof lottery === 'string') return fail(io, parsed, 'lottery verify', lottery, 1);
    const seedMatches = seedHash(lottery.seed) === lottery.seedHash;
    const expected = drawTickets(lottery.seed, lottery.id, lottery.tickets.length, lottery.prizes.length);
    const winnersMatch =
      expected.length === lottery.winners.length &&
      expected.every((ticket, index) => {
        const winner = lottery.winners[index];
        return winner !== undefined && winner.prizeIndex === index && winner.ticket === ticket && winner.memberId === lottery.tickets[ticket];
      });
    const ok = seedMatches && winnersMatch;
    emit(io, parsed, { ok, lotteryId: lottery.id, seedMatches, winnersMatch, tickets: lottery.tickets.length, expectedTickets: expected }, () =>
      keyValues([
        ['lottery', lottery.id],
        ['tickets', lottery.tickets.length],
        ['seed matches published hash', seedMatches],
        ['winners match the seed', winnersMatch],
        ['winning tickets (recomputed)', expected.join(', ') || '-'],
        ['verdict', ok ? 'the draw checks out' : 'the draw does NOT check out'],
      ]),
    );
    return ok ? 0 : 1;
  },
};
