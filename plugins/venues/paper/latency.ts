// Order latency drawn from a configured range with the injected random source, so a seeded backtest reproduces.

export interface LatencyRange {
  readonly minMs: number;
  readonly maxMs: number;
}

/** A whole number of ms, uniform over [min, max] inclusive. */
export function drawLatencyMs(range: LatencyRange, random: () => number): number {
  const r = random();
  if (!(r >= 0 && r < 1)) throw new RangeError(`random() must return a number in [0, 1), got ${r}`);
  const span = range.maxMs - range.minMs;
  return range.minMs + Math.min(span, Math.floor(r * (span + 1)));
}
