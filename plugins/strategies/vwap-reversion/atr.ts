// Average true range: how far price typically travels in one bar, gaps included, for stop and target distances.
import type { Bar } from '../../../engine/plugins/plugin-api.ts';
import { mean } from './rolling-stats.ts';

/** The bar's range stretched to cover a gap from the previous close. */
export function trueRange(bar: Pick<Bar, 'high' | 'low'>, previousClose: number): number {
  return Math.max(bar.high - bar.low, Math.abs(bar.high - previousClose), Math.abs(bar.low - previousClose));
}

/**
 * Simple mean of the last `period` true ranges, so it needs period + 1 bars (the first one only
 * lends its close). A simple mean rather than Wilder's smoothing: Wilder's value depends on how
 * far back the history starts, and the same bar must give the same ATR whatever history the
 * runner happens to keep. Null when there are too few bars.
 */
export function averageTrueRange(bars: readonly Bar[], period: number): number | null {
  if (!Number.isInteger(period) || period < 1 || bars.length < period + 1) return null;
  const recent = bars.slice(bars.length - period - 1);
  const ranges: number[] = [];
  for (let i = 1; i < recent.length; i++) ranges.push(trueRange(recent[i]!, recent[i - 1]!.close));
  return mean(ranges);
}
