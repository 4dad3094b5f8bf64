/**
 * Paper status over ESC/POS, both ways: the query bytes the driver sends, the reply bytes a
 * printer (or the fake one) answers, and their meaning. Pure; the codec is where tests live.
 */
export type PaperState = 'ok' | 'near-end' | 'out';
export type StatusQuery = 'dle-eot' | 'gs-r';

/** DLE EOT 4: real-time roll paper sensor status; answered even while the printer is busy. */
export const DLE_EOT_PAPER = Buffer.from([0x10, 0x04, 0x04]);
/** GS r 1: paper sensor status, answered in turn with the data before it. */
export const GS_R_PAPER = Buffer.from([0x1d, 0x72, 0x01]);

export function queryBytes(query: StatusQuery): Buffer {
  return query === 'dle-eot' ? DLE_EOT_PAPER : GS_R_PAPER;
}

/**
 * DLE EOT 4 reply: bits 2-3 (0x0C) paper near end, bits 5-6 (0x60) paper out; bits 1 and 4
 * are always set (0x12), bits 0 and 7 always clear. GS r 1 reply: bits 0-1 (0x03) near end,
 * bits 2-3 (0x0C) paper out, bit 4 set and bit 7 clear.
 */
export function decodePaperStatus(query: StatusQuery, reply: number): PaperState {
  if (query === 'dle-eot') {
    if ((reply & 0x93) !== 0x12) throw new RangeError(`not a DLE EOT 4 reply: 0x${hex(reply)}`);
    if ((reply & 0x60) !== 0) return 'out';
    return (reply & 0x0c) !== 0 ? 'near-end' : 'ok';
  }
  if ((reply & 0x90) !== 0x00 && (reply & 0x90) !== 0x10) throw new RangeError(`not a GS r 1 reply: 0x${hex(reply)}`);
  if ((reply & 0x0c) !== 0) return 'out';
  return (reply & 0x03) !== 0 ? 'near-end' : 'ok';
}

export function encodePaperStatus(query: StatusQuery, paper: PaperState): number {
  if (query === 'dle-eot') return 0x12 | (paper === 'out' ? 0x6c : paper === 'near-end' ? 0x0c : 0);
  return paper === 'out' ? 0x0f : paper === 'near-end' ? 0x03 : 0x00;
}

function hex(value: number): string {
  return value.toString(16).padStart(2, '0');
}
