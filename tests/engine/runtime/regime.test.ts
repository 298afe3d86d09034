// Specs for the regime label and ADX: volatility of one-bar returns picks normal or volatile, ADX tells a trend from a range.
import { describe, expect, it } from 'vitest';
import { averageDirectionalIndex, barClose, REGIME_BARS, regimeOf, returnVolatilityBps } from '../../../engine/runtime/regime.ts';
import { MINUTE, marketEvent, T0 } from '../../plugins/strategies/market-event-fixtures.ts';

/** Bars closing at the given prices, each opening at the previous close. */
function bars(closes: readonly number[]) {
  return closes.map((close, i) => marketEvent({ ts: T0 + i * MINUTE, open: i === 0 ? close : closes[i - 1]!, close }));
}

describe('returnVolatilityBps', () => {
  it('is null until one more bar than the window is known', () => {
    expect(returnVolatilityBps(bars(Array(REGIME_BARS).fill(100)))).toBeNull();
    expect(returnVolatilityBps(bars(Array(REGIME_BARS + 1).fill(100)))).toBe(0);
  });

  it('measures the standard deviation of one-bar returns in basis points', () => {
    // Alternating +1% / -1% (approximately): returns of about +-100 bps around a mean near 0.
    const closes = Array.from({ length: REGIME_BARS + 1 }, (_, i) => (i % 2 === 0 ? 100 : 101));
    expect(returnVolatilityBps(bars(closes))).toBeCloseTo(99.5, 0);
  });
});

describe('regimeOf', () => {
  it('labels a calm market normal and a swinging one volatile, by the configured threshold', () => {
    const calm = bars(Array.from({ length: 40 }, (_, i) => 100 + (i % 2) * 0.01));
    const wild = bars(Array.from({ length: 40 }, (_, i) => 100 + (i % 2) * 2));
    expect(regimeOf(calm, 50)).toBe('normal');
    expect(regimeOf(wild, 50)).toBe('volatile');
  });

  it('gives no label before enough bars, so rules reading it fail closed', () => {
    expect(regimeOf(bars([100, 101]), 50)).toBeNull();
  });

  it('never calls a market normal when its returns cannot be measured (a bar at price 0): no label, so rules reading it fail closed', () => {
    // A binary contract can trade at 0: 0 -> 0 is 0/0, a NaN return, and NaN > threshold is false.
    const closes = [...Array<number>(REGIME_BARS - 1).fill(0.01), 0, 0];
    expect(regimeOf(bars(closes), 50)).toBeNull();
  });
});

describe('averageDirectionalIndex', () => {
  it('is high in a steady trend and low in a range', () => {
    const trend = bars(Array.from({ length: 80 }, (_, i) => 100 + i));
    const range = bars(Array.from({ length: 80 }, (_, i) => 100 + 2 * Math.sin((i * 2 * Math.PI) / 8)));
    expect(averageDirectionalIndex(trend)!).toBeGreaterThan(60);
    expect(averageDirectionalIndex(range)!).toBeLessThan(20);
  });

  it('needs twice its period plus one bar', () => {
    expect(averageDirectionalIndex(bars(Array(28).fill(100)))).toBeNull();
    expect(averageDirectionalIndex(bars(Array(29).fill(100)))).toBe(0);
  });
});

describe('barClose', () => {
  it('is the trade close, or the quote mid for a minute with no trades', () => {
    expect(barClose(marketEvent({ ts: T0, close: 100 }))).toBe(100);
    expect(barClose(marketEvent({ ts: T0, trade: false, bid: 99, ask: 101 }))).toBe(100);
  });
});
