// The market regime label and trend strength the rules read (market.regime, market.adx), computed from recent bars.
import type { MarketEvent } from '../market/bar.ts';

/** Bars the volatility of one-bar returns is measured over. */
export const REGIME_BARS = 30;
/** Wilder's period for the average directional index. */
export const ADX_PERIOD = 14;

export type Regime = 'normal' | 'volatile';

/** The price a bar is judged by: its trade close, or the quote mid for a minute nothing traded in. */
export function barClose(e: MarketEvent): number {
  return e.trade?.close ?? (e.quote.bidClose + e.quote.askClose) / 2;
}

function barHigh(e: MarketEvent): number {
  return e.trade?.high ?? (e.quote.bidHigh + e.quote.askHigh) / 2;
}

function barLow(e: MarketEvent): number {
  return e.trade?.low ?? (e.quote.bidLow + e.quote.askLow) / 2;
}

/** Standard deviation of one-bar returns over the last `bars` bars, basis points; null without enough bars or when a return is not a number. */
export function returnVolatilityBps(history: readonly MarketEvent[], bars = REGIME_BARS): number | null {
  if (history.length < bars + 1) return null;
  const returns: number[] = [];
  for (let i = history.length - bars; i < history.length; i++) {
    const before = barClose(history[i - 1]!);
    returns.push(((barClose(history[i]!) - before) / before) * 10_000);
  }
  const mean = returns.reduce((s, r) => s + r, 0) / returns.length;
  const variance = returns.reduce((s, r) => s + (r - mean) ** 2, 0) / returns.length;
  const vol = Math.sqrt(variance);
  // A bar at price 0 makes a return of 0/0 or x/0: not a measure, and NaN would compare as calm.
  return Number.isFinite(vol) ? vol : null;
}

/**
 * `volatile` while returns swing more than `volatileBps` per bar (a crash or a squeeze, when fills
 * and stops slip); `normal` otherwise. Null before there are enough bars: the rules then fail closed.
 */
export function regimeOf(history: readonly MarketEvent[], volatileBps: number): Regime | null {
  const vol = returnVolatilityBps(history);
  if (vol === null) return null;
  return vol > volatileBps ? 'volatile' : 'normal';
}

/**
 * Wilder's average directional index (0-100) over the history, null before 2 x period + 1 bars.
 * Smoothed with Wilder's running averages from the oldest bar given, so callers pass a bounded window.
 */
export function averageDirectionalIndex(history: readonly MarketEvent[], period = ADX_PERIOD): number | null {
  if (history.length < 2 * period + 1) return null;
  let tr = 0;
  let plus = 0;
  let minus = 0;
  let adx: number | null = null;
  const dx: number[] = [];
  for (let i = 1; i < history.length; i++) {
    const cur = history[i]!;
    const prev = history[i - 1]!;
    const up = barHigh(cur) - barHigh(prev);
    const down = barLow(prev) - barLow(cur);
    const range = Math.max(barHigh(cur) - barLow(cur), Math.abs(barHigh(cur) - barClose(prev)), Math.abs(barLow(cur) - barClose(prev)));
    const pdm = up > down && up > 0 ? up : 0;
    const mdm = down > up && down > 0 ? down : 0;
    const seeding = i <= period;
    tr = seeding ? tr + range : tr - tr / period + range;
    plus = seeding ? plus + pdm : plus - plus / period + pdm;
    minus = seeding ? minus + mdm : minus - minus / period + mdm;
    if (i < period) continue;
    const sum = plus + minus;
    const value = tr > 0 && sum > 0 ? (100 * Math.abs(plus - minus)) / sum : 0;
    if (adx === null) {
      dx.push(value);
      if (dx.length === period) adx = dx.reduce((s, v) => s + v, 0) / period;
    } else {
      adx = (adx * (period - 1) + value) / period;
    }
  }
  return adx;
}
