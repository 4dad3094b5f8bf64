// Jalali (Solar Hijri) ↔ Gregorian for dates typed on the keypad. Displaying dates uses the
// browser's Intl (persian calendar); typing one needs the reverse, which Intl does not offer.
// The arithmetic is the well-known jalaali-js algorithm (Borkowski's leap-year breaks).

const BREAKS = [-61, 9, 38, 199, 426, 686, 756, 818, 1111, 1181, 1210, 1635, 2060, 2097, 2192, 2262, 2324, 2394, 2456, 3178];

/** @param {number} a @param {number} b */
const div = (a, b) => ~~(a / b);
/** @param {number} a @param {number} b */
const mod = (a, b) => a - ~~(a / b) * b;

/** @param {number} jy */
function jalCal(jy) {
  const gy = jy + 621;
  let leapJ = -14;
  let jp = /** @type {number} */ (BREAKS[0]);
  let jump = 0;
  if (jy < jp || jy >= /** @type {number} */ (BREAKS[BREAKS.length - 1])) throw new RangeError(`Jalali year ${jy} is out of range`);
  for (let i = 1; i < BREAKS.length; i += 1) {
    const jm = /** @type {number} */ (BREAKS[i]);
    jump = jm - jp;
    if (jy < jm) break;
    leapJ = leapJ + div(jump, 33) * 8 + div(mod(jump, 33), 4);
    jp = jm;
  }
  let n = jy - jp;
  leapJ = leapJ + div(n, 33) * 8 + div(mod(n, 33) + 3, 4);
  if (mod(jump, 33) === 4 && jump - n === 4) leapJ += 1;
  const leapG = div(gy, 4) - div((div(gy, 100) + 1) * 3, 4) - 150;
  const march = 20 + leapJ - leapG;
  if (jump - n < 6) n = n - jump + div(jump + 4, 33) * 33;
  let leap = mod(mod(n + 1, 33) - 1, 4);
  if (leap === -1) leap = 4;
  return { leap, gy, march };
}

/** @param {number} gy @param {number} gm @param {number} gd */
function g2d(gy, gm, gd) {
  let d = div((gy + div(gm - 8, 6) + 100100) * 1461, 4) + div(153 * mod(gm + 9, 12) + 2, 5) + gd - 34840408;
  d = d - div(div(gy + 100100 + div(gm - 8, 6), 100) * 3, 4) + 752;
  return d;
}

/** @param {number} jdn */
function d2g(jdn) {
  let j = 4 * jdn + 139361631;
  j = j + div(div(4 * jdn + 183187720, 146097) * 3, 4) * 4 - 3908;
  const i = div(mod(j, 1461), 4) * 5 + 308;
  const gd = div(mod(i, 153), 5) + 1;
  const gm = mod(div(i, 153), 12) + 1;
  const gy = div(j, 1461) - 100100 + div(8 - gm, 6);
  return { gy, gm, gd };
}

/** @param {number} jy @param {number} jm */
export function jalaliMonthLength(jy, jm) {
  if (jm <= 6) return 31;
  if (jm <= 11) return 30;
  return jalCal(jy).leap === 0 ? 30 : 29;
}

/**
 * `YYYY-MM-DD` (Gregorian) for a Jalali date, or null when it is not a real date.
 * @param {number} jy @param {number} jm @param {number} jd
 */
export function jalaliToIso(jy, jm, jd) {
  if (!Number.isInteger(jy) || !Number.isInteger(jm) || !Number.isInteger(jd)) return null;
  if (jy < 1300 || jy > 1500 || jm < 1 || jm > 12 || jd < 1 || jd > jalaliMonthLength(jy, jm)) return null;
  const r = jalCal(jy);
  const { gy, gm, gd } = d2g(g2d(r.gy, 3, r.march) + (jm - 1) * 31 - div(jm, 7) * (jm - 7) + jd - 1);
  return `${String(gy).padStart(4, '0')}-${String(gm).padStart(2, '0')}-${String(gd).padStart(2, '0')}`;
}
