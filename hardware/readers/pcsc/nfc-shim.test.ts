import { EventEmitter } from 'node:events';
import { describe, expect, it } from 'vitest';
import { trapErrorEmits, type NfcReader } from './nfc-shim.js';

describe('trapErrorEmits', () => {
  it("routes nfc-pcsc's this.emit(err) to a handler and leaves named events alone", () => {
    const reader = new EventEmitter() as NfcReader;
    const failures: Error[] = [];
    const cards: unknown[] = [];
    trapErrorEmits(reader, (error) => failures.push(error));
    reader.on('card', (card) => cards.push(card));
    const connectError = new Error('An error occurred while connecting.');
    // What nfc-pcsc's Reader does on a failed connect: the error object as the event name.
    expect(reader.emit(connectError as unknown as string)).toBe(true);
    reader.emit('card', { atr: Buffer.alloc(0) });
    expect(failures).toEqual([connectError]);
    expect(cards).toHaveLength(1);
  });
});
