// Tests of latency draws: uniform whole milliseconds inside the configured range, driven only by the injected random source.
import { describe, expect, it } from 'vitest';
import { seededRandom } from '../../../../engine/market/seeded-random.ts';
import { drawLatencyMs } from '../../../../plugins/venues/paper/latency.ts';

describe('drawLatencyMs', () => {
  it('maps [0, 1) onto whole ms in [min, max], both ends reachable', () => {
    expect(drawLatencyMs({ minMs: 50, maxMs: 250 }, () => 0)).toBe(50);
    expect(drawLatencyMs({ minMs: 50, maxMs: 250 }, () => 0.999999999)).toBe(250);
    expect(drawLatencyMs({ minMs: 7, maxMs: 7 }, () => 0.5)).toBe(7);
  });

  it('reproduces a sequence for a seed and covers the range', () => {
    const draw = (seed: number) => {
      const random = seededRandom(seed);
      return Array.from({ length: 2_000 }, () => drawLatencyMs({ minMs: 10, maxMs: 20 }, random));
    };
    expect(draw(3)).toEqual(draw(3));
    expect(new Set(draw(3))).toEqual(new Set([10, 11, 12, 13, 14, 15, 16, 17, 18, 19, 20]));
  });

  it('refuses a random source that leaves [0, 1)', () => {
    expect(() => drawLatencyMs({ minMs: 0, maxMs: 1 }, () => 1)).toThrow(RangeError);
    expect(() => drawLatencyMs({ minMs: 0, maxMs: 1 }, () => Number.NaN)).toThrow(RangeError);
  });
});
