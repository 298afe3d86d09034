// Rolling VWAP of trade bars (typical price weighted by volume) and the volume-weighted spread of prices around it.
import type { Bar } from '../../../engine/plugins/plugin-api.ts';
import { weightedStats } from './rolling-stats.ts';

/** (high + low + close) / 3: one bar's representative traded price. */
export function typicalPrice(bar: Pick<Bar, 'high' | 'low' | 'close'>): number {
  return (bar.high + bar.low + bar.close) / 3;
}

export interface VwapBand {
  /** Sum(typical price x volume) / Sum(volume) over the bars. */
  readonly vwap: number;
  /** Volume-weighted standard deviation of typical prices around the VWAP (the usual VWAP band width). */
  readonly sigma: number;
  readonly volume: number;
}

/** The VWAP and its band over every bar given; null when they traded no volume. */
export function vwapBand(bars: readonly Bar[]): VwapBand | null {
  const stats = weightedStats(
    bars.map(typicalPrice),
    bars.map((b) => b.volume),
  );
  return stats === null ? null : { vwap: stats.mean, sigma: stats.std, volume: stats.totalWeight };
}
