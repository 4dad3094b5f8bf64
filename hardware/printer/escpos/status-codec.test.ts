import { describe, expect, it } from 'vitest';
import { decodePaperStatus, encodePaperStatus, type PaperState } from './status-codec.js';
import { statusQueries } from './transport.js';

describe('paper status codec', () => {
  it('reads real DLE EOT 4 replies', () => {
    expect(decodePaperStatus('dle-eot', 0x12)).toBe('ok');
    expect(decodePaperStatus('dle-eot', 0x1e)).toBe('near-end'); // 0x12 | 0x0C
    expect(decodePaperStatus('dle-eot', 0x72)).toBe('out'); // 0x12 | 0x60
    expect(decodePaperStatus('dle-eot', 0x7e)).toBe('out');
  });

  it('reads GS r 1 replies', () => {
    expect(decodePaperStatus('gs-r', 0x00)).toBe('ok');
    expect(decodePaperStatus('gs-r', 0x03)).toBe('near-end');
    expect(decodePaperStatus('gs-r', 0x0c)).toBe('out');
  });

  it('rejects bytes that cannot be a status reply', () => {
    expect(() => decodePaperStatus('dle-eot', 0x00)).toThrow(/not a DLE EOT 4 reply: 0x00/);
    expect(() => decodePaperStatus('dle-eot', 0x93)).toThrow(RangeError);
    expect(() => decodePaperStatus('gs-r', 0x80)).toThrow(/not a GS r 1 reply/);
  });

  it('round-trips what the fake printer answers', () => {
    for (const query of ['dle-eot', 'gs-r'] as const) {
      for (const paper of ['ok', 'near-end', 'out'] as PaperState[]) expect(decodePaperStatus(query, encodePaperStatus(query, paper))).toBe(paper);
    }
  });
});

describe('which status queries are sent', () => {
  it('asks EPSON in real time before a job and in turn after it, STAR nothing, device files nothing', () => {
    expect(statusQueries({ model: 'epson', interface: 'tcp://10.0.0.5:9100', statusQuery: 'auto' })).toEqual({ before: 'dle-eot', after: 'gs-r' });
    expect(statusQueries({ model: 'star', interface: 'tcp://10.0.0.5:9100', statusQuery: 'auto' })).toEqual({});
    expect(statusQueries({ model: 'star', interface: 'tcp://10.0.0.5:9100', statusQuery: 'dle-eot' })).toEqual({ before: 'dle-eot', after: 'dle-eot' });
    expect(statusQueries({ model: 'epson', interface: '/dev/usb/lp0', statusQuery: 'gs-r' })).toEqual({});
  });
});
