// Latency statistics over nanosecond samples: percentiles by nearest rank, mean, ops/s.

export interface Summary {
  readonly samples: number;
  readonly p50_us: number;
  readonly p90_us: number;
  readonly p99_us: number;
  readonly max_us: number;
  readonly mean_us: number;
  readonly ops_per_s: number;
}

/** The value at quantile q (0..1) of sorted samples, nearest rank: p99 of 10,000 samples is the 9,900th. */
export function quantile(sorted: Float64Array | readonly number[], q: number): number {
  if (sorted.length === 0) return Number.NaN;
  const rank = Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1));
  return sorted[rank]!;
}

export function summarize(samplesNs: readonly number[]): Summary {
  const sorted = Float64Array.from(samplesNs).sort();
  const total = sorted.reduce((a, b) => a + b, 0);
  const us = (ns: number) => round(ns / 1000, 3);
  return {
    samples: sorted.length,
    p50_us: us(quantile(sorted, 0.5)),
    p90_us: us(quantile(sorted, 0.9)),
    p99_us: us(quantile(sorted, 0.99)),
    max_us: us(sorted[sorted.length - 1] ?? Number.NaN),
    mean_us: us(total / sorted.length),
    ops_per_s: Math.round(sorted.length / (total / 1e9)),
  };
}

export function round(value: number, digits: number): number {
  const f = 10 ** digits;
  return Math.round(value * f) / f;
}

/** Elapsed nanoseconds since `start` (from process.hrtime.bigint()), as a number. */
export function since(start: bigint): number {
  return Number(process.hrtime.bigint() - start);
}
