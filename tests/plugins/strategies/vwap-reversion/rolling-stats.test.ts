// Rolling statistics on hand-computed values: mean, population standard deviation, weighted mean and spread.
import { describe, expect, it } from 'vitest';
import { mean, populationStd, weightedStats } from '../../../../plugins/strategies/vwap-reversion/rolling-stats.ts';

describe('rolling stats', () => {
  it('computes the mean and the population standard deviation', () => {
    expect(mean([2, 4, 4, 4, 5, 5, 7, 9])).toBe(5);
    expect(populationStd([2, 4, 4, 4, 5, 5, 7, 9])).toBe(2);
    expect(mean([])).toBeNull();
    expect(populationStd([])).toBeNull();
  });

  it('weights values: [1, 2, 3] by [1, 1, 2] has mean 2.25 and variance 0.6875', () => {
    const s = weightedStats([1, 2, 3], [1, 1, 2])!;
    expect(s.mean).toBeCloseTo(2.25, 12);
    expect(s.std).toBeCloseTo(Math.sqrt(0.6875), 12);
    expect(s.totalWeight).toBe(4);
  });

  it('has no answer for zero total weight, a negative or NaN weight, or mismatched lengths', () => {
    expect(weightedStats([1, 2], [0, 0])).toBeNull();
    expect(weightedStats([1, 2], [1, -1])).toBeNull();
    expect(weightedStats([1, 2], [1, Number.NaN])).toBeNull();
    expect(weightedStats([1, 2], [1])).toBeNull();
    expect(weightedStats([], [])).toBeNull();
  });
});
