// Plain statistics over a window of numbers (mean, volume-weighted mean and spread), pure and checked for empty input.

/** Arithmetic mean; null for an empty window. */
export function mean(values: readonly number[]): number | null {
  if (values.length === 0) return null;
  let sum = 0;
  for (const v of values) sum += v;
  return sum / values.length;
}

/** Population standard deviation (divides by n: the window is the whole sample we judge by); null when empty. */
export function populationStd(values: readonly number[]): number | null {
  const m = mean(values);
  if (m === null) return null;
  let sq = 0;
  for (const v of values) sq += (v - m) ** 2;
  return Math.sqrt(sq / values.length);
}

export interface WeightedStats {
  readonly mean: number;
  /** Square root of the weighted mean squared distance from `mean`. */
  readonly std: number;
  readonly totalWeight: number;
}

/**
 * Weighted mean and standard deviation. Null when the lengths differ, a weight is negative or
 * not finite, or the weights sum to zero: a window with no volume has no VWAP to revert to.
 */
export function weightedStats(values: readonly number[], weights: readonly number[]): WeightedStats | null {
  if (values.length !== weights.length || values.length === 0) return null;
  let total = 0;
  let sum = 0;
  for (let i = 0; i < values.length; i++) {
    const w = weights[i]!;
    if (!Number.isFinite(w) || w < 0) return null;
    total += w;
    sum += w * values[i]!;
  }
  if (total <= 0) return null;
  const m = sum / total;
  let sq = 0;
  for (let i = 0; i < values.length; i++) sq += weights[i]! * (values[i]! - m) ** 2;
  return { mean: m, std: Math.sqrt(sq / total), totalWeight: total };
}
