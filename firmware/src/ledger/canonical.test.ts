import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { canonicalCopy, canonicalJson } from './canonical.js';

describe('canonicalCopy', () => {
  it('is exactly the canonical text parsed back, and gives that text again, for any value', () => {
    const values = fc.anything({
      withBigInt: false,
      withBoxedValues: true,
      withDate: true,
      withMap: true,
      withSet: true,
      withNullPrototype: true,
      withObjectString: true,
      withSparseArray: true,
      withTypedArray: true,
      withUnicodeString: true,
      key: fc.oneof(fc.string(), fc.constantFrom('__proto__', '10', '9', 'constructor', '')),
    });
    fc.assert(
      fc.property(fc.array(values), (ops) => {
        const text = canonicalJson(ops);
        const copy = canonicalCopy(ops);
        // toEqual: toStrictEqual also compares `.constructor`, which a key named "constructor" shadows.
        expect(copy).toEqual(JSON.parse(text));
        expect(JSON.stringify(copy)).toBe(text);
      }),
      { numRuns: 2000 },
    );
  });

  it('turns what JSON has no text for into what JSON makes of it', () => {
    const fn = () => 1;
    expect(canonicalCopy([Number.NaN, -0, Infinity, undefined, fn, { b: undefined, a: fn, c: 1 }])).toStrictEqual([null, 0, null, null, null, { c: 1 }]);
    expect(() => canonicalCopy([1n])).toThrow(TypeError);
  });
});
