import { describe, expect, it } from 'vitest';
// @ts-expect-error plain ES module without type declarations (kiosk-ui is JS with JSDoc)
import { jalaliToIso } from './jalali.js';

function jalaliOf(iso: string): [number, number, number] {
  const parts = new Intl.DateTimeFormat('en-US-u-ca-persian-nu-latn', { year: 'numeric', month: 'numeric', day: 'numeric', timeZone: 'UTC' })
    .formatToParts(new Date(`${iso}T12:00:00Z`));
  const get = (type: string) => Number(parts.find((part) => part.type === type)!.value);
  return [get('year'), get('month'), get('day')];
}

describe('jalaliToIso', () => {
  it('matches known dates', () => {
    expect(jalaliToIso(1403, 1, 1)).toBe('2024-03-20');
    expect(jalaliToIso(1399, 12, 30)).toBe('2021-03-20');
    expect(jalaliToIso(1370, 6, 31)).toBe('1991-09-22');
  });
  it('agrees with Intl on every day for a decade', () => {
    const start = Date.UTC(2015, 0, 1);
    for (let day = 0; day < 3653; day++) {
      const iso = new Date(start + day * 86_400_000).toISOString().slice(0, 10);
      const [jy, jm, jd] = jalaliOf(iso);
      expect(jalaliToIso(jy, jm, jd)).toBe(iso);
    }
  });
  it('refuses impossible dates', () => {
    expect(jalaliToIso(1403, 12, 31)).toBeNull();
    expect(jalaliToIso(1402, 12, 30)).toBeNull(); // 1402 is not a leap year
    expect(jalaliToIso(1403, 13, 1)).toBeNull();
    expect(jalaliToIso(1403, 7, 31)).toBeNull();
  });
});
