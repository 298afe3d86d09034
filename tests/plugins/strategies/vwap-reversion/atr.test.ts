// True range and ATR on hand-computed values, gaps up and down included.
import { describe, expect, it } from 'vitest';
import { averageTrueRange, trueRange } from '../../../../plugins/strategies/vwap-reversion/atr.ts';
import { MINUTE, T0, marketEvent } from '../market-event-fixtures.ts';

const bar = (i: number, high: number, low: number, close: number, volume = 1) => marketEvent({ ts: T0 + i * MINUTE, open: close, high, low, close, volume }).trade!;

describe('true range and ATR', () => {
  // Closes 10, 11, 14.5, 9.5; the third bar gaps up, the fourth gaps down.
  const bars = [bar(0, 10.5, 9.5, 10), bar(1, 12, 9, 11), bar(2, 15, 14, 14.5), bar(3, 10, 9, 9.5)];

  it('stretches the range over a gap from the previous close', () => {
    expect(trueRange(bars[1]!, 10)).toBe(3);
    expect(trueRange(bars[2]!, 11)).toBe(4);
    expect(trueRange(bars[3]!, 14.5)).toBe(5.5);
  });

  it('averages the last period true ranges: ATR(3) = (3 + 4 + 5.5) / 3, ATR(2) = (4 + 5.5) / 2', () => {
    expect(averageTrueRange(bars, 3)).toBeCloseTo(12.5 / 3, 12);
    expect(averageTrueRange(bars, 2)).toBeCloseTo(4.75, 12);
  });

  it('needs period + 1 bars', () => {
    expect(averageTrueRange(bars, 4)).toBeNull();
    expect(averageTrueRange(bars, 0)).toBeNull();
  });
});
