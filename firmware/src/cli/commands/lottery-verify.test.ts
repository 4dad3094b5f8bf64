import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { command } from './lottery-verify.js';
import { drawTickets, seedHash } from '../../loyalty/engagement/lottery.js';

const dir = mkdtempSync(join(tmpdir(), 'bashgah-lottery-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function published(seed: string) {
  const tickets = ['m1', 'm1', 'm2', 'm3', 'm2', 'm4', 'm1'];
  const winners = drawTickets(seed, 'yalda-1404', tickets.length, 2).map((ticket, prizeIndex) => ({ prizeIndex, ticket, memberId: tickets[ticket]! }));
  return { id: 'yalda-1404', seedHash: seedHash(seed), seed, tickets, prizes: [{ title: 'سبد یلدا' }, { title: '۲۰۰ امتیاز' }], winners };
}

async function run(data: unknown, json = true) {
  const file = join(dir, `${Math.random().toString(36).slice(2)}.json`);
  writeFileSync(file, typeof data === 'string' ? data : JSON.stringify(data));
  const out: string[] = [];
  const err: string[] = [];
  const code = await command.run(json ? [file, '--json'] : [file], { out: (text) => out.push(text), err: (text) => err.push(text), env: {} });
  return { code, out: out.join(''), err: err.join('') };
}

describe('bashgah lottery verify', () => {
  const seed = 'c3'.repeat(32);

  it('accepts an honest draw', async () => {
    const result = await run(published(seed));
    expect(result.code).toBe(0);
    expect(JSON.parse(result.out)).toMatchObject({ ok: true, seedMatches: true, winnersMatch: true, tickets: 7 });
    expect((await run(published(seed), false)).out).toMatch(/the draw checks out/);
  });

  it('refuses a swapped seed, a changed winner and an unrevealed seed', async () => {
    const other = published(seed);
    expect(JSON.parse((await run({ ...other, seed: 'c4'.repeat(32) })).out)).toMatchObject({ ok: false, seedMatches: false });
    const cheated = published(seed);
    cheated.winners[0] = { ...cheated.winners[0]!, memberId: 'm9' };
    expect((await run(cheated)).code).toBe(1);
    const { seed: _hidden, ...unrevealed } = published(seed);
    const result = await run(unrevealed);
    expect(result.code).toBe(1);
    expect(JSON.parse(result.out)).toMatchObject({ ok: false, error: expect.stringMatching(/not been revealed/) });
    expect((await run('not json')).code).toBe(1);
  });
});
