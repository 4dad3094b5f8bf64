import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { tapTestCommand } from '../../firmware/src/cli/commands/tap-test.js';
import { createReaders } from '../../hardware/readers/create-readers.js';
import type { ReaderHub } from '../../hardware/readers/hub.js';
import { SimulatedReader } from '../../hardware/readers/simulated/simulated-reader.js';
import { kioskTree, runCli, runCommand, type KioskTree } from './support.js';

let tree: KioskTree;
beforeAll(async () => {
  tree = await kioskTree('tap');
  tree.writeConfig({ hardware: { readers: { drivers: [{ id: 'front', driver: 'simulated' }, { id: 'side', driver: 'simulated' }] } } });
});
afterAll(() => tree.remove());

/** The command with the real reader factory; `act` drives the simulated readers once it waits. */
function withReaders(act: (readers: SimulatedReader[]) => void) {
  let hub: ReaderHub | undefined;
  const command = tapTestCommand({
    createReaders: async (...args) => (hub = await createReaders(...args)),
    onWaiting: (started) => act(started.drivers.filter((driver): driver is SimulatedReader => driver instanceof SimulatedReader)),
  });
  return { command, stopped: () => hub!.statuses().every((status) => status.state === 'disabled') };
}

describe('bashgah tap-test', () => {
  it('shows the reader, technology and card id of a tap, then stops the readers', async () => {
    const run = withReaders((readers) => setTimeout(() => readers[1]!.tap('04A1B2C3D4E5F6', { tagText: 'سلام' }), 50));
    const result = await runCommand(run.command, ['--timeout', '5', '--json'], tree.env);
    expect(result.code, result.stderr).toBe(0);
    expect(JSON.parse(result.stdout)).toEqual({ ok: true, card: { readerId: 'side', technology: 'iso14443-3', cardId: 'nfc:04A1B2C3D4E5F6', tagText: 'سلام' }, problems: [] });
    expect(result.stderr).toMatch(/reader:simulated:front ok, reader:simulated:side ok/);
    expect(run.stopped()).toBe(true);
    const human = await runCommand(withReaders((readers) => readers[0]!.tap('em:0012345678')).command, [], tree.env);
    expect(human.stdout).toMatch(/^reader\s+front\ntechnology\s+em4100\ncard id\s+em:0012345678\n$/);
  });

  it('reports a bad swipe and keeps waiting for a good card', async () => {
    const run = withReaders((readers) => {
      readers[0]!.swipe(';garbage?');
      readers[0]!.swipe(';6037991234567890=2912101?');
    });
    const result = await runCommand(run.command, ['--json'], tree.env);
    expect(result.code).toBe(0);
    const answer = JSON.parse(result.stdout);
    expect(answer.card).toMatchObject({ technology: 'magstripe', cardId: expect.stringMatching(/^mag:[0-9a-f]+$/) });
    expect(answer.problems).toHaveLength(1);
    expect(result.stderr).toMatch(/front: .*try again/);
    expect(result.stdout + result.stderr).not.toContain('6037991234567890');
  });

  it('gives up after the timeout, naming the readers', async () => {
    const started = Date.now();
    const result = await runCommand(withReaders(() => undefined).command, ['--timeout', '1', '--json'], tree.env);
    expect(result.code).toBe(1);
    expect(Date.now() - started).toBeGreaterThanOrEqual(1000);
    expect(JSON.parse(result.stdout).error).toMatch(/no card was read within 1 s; readers: reader:simulated:front ok/);
  });

  it('refuses bad options and a bad reader configuration', async () => {
    for (const timeout of ['0', '601', '2.5', 'soon']) expect((await runCli(['tap-test', '--timeout', timeout], tree.env)).code).toBe(2);
    expect((await runCli(['tap-test', 'now'], tree.env)).code).toBe(2);
    tree.writeConfig({ hardware: { readers: { drivers: [{ id: 'x', driver: 'telepathy' }] } } });
    try {
      const result = await runCli(['tap-test', '--timeout', '1'], tree.env);
      expect(result.code).toBe(78);
      expect(result.stderr).toMatch(/unknown driver "telepathy"; valid drivers: simulated, pcsc/);
    } finally {
      tree.writeConfig({ hardware: { readers: { drivers: [{ id: 'front', driver: 'simulated' }, { id: 'side', driver: 'simulated' }] } } });
    }
  });
});
