// Specs for the seeded random source: the same seed gives the same sequence, in [0, 1).
import { describe, expect, it } from 'vitest';
import { seededRandom } from '../../../engine/market/seeded-random.ts';

describe('seededRandom', () => {
  it('repeats exactly for a seed and differs between seeds', () => {
    const a = seededRandom(42);
    const b = seededRandom(42);
    const c = seededRandom(43);
    const seqA = Array.from({ length: 5 }, a);
    expect(Array.from({ length: 5 }, b)).toEqual(seqA);
    expect(Array.from({ length: 5 }, c)).not.toEqual(seqA);
  });

  it('stays in [0, 1) and spreads over it', () => {
    const r = seededRandom(7);
    const values = Array.from({ length: 10_000 }, r);
    expect(values.every((v) => v >= 0 && v < 1)).toBe(true);
    const mean = values.reduce((s, v) => s + v, 0) / values.length;
    expect(mean).toBeGreaterThan(0.45);
    expect(mean).toBeLessThan(0.55);
  });

  it('refuses a seed that is not an integer', () => {
    expect(() => seededRandom(1.5)).toThrow(RangeError);
  });
});
