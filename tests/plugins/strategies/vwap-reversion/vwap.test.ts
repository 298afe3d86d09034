// The VWAP band on hand-computed values: typical price weighted by volume, and the volume-weighted sigma.
import { describe, expect, it } from 'vitest';
import { typicalPrice, vwapBand } from '../../../../plugins/strategies/vwap-reversion/vwap.ts';
import { MINUTE, T0, marketEvent } from '../market-event-fixtures.ts';

const bar = (i: number, high: number, low: number, close: number, volume = 1) => marketEvent({ ts: T0 + i * MINUTE, open: close, high, low, close, volume }).trade!;

describe('VWAP band', () => {
  it('weights typical prices by volume: tp 10 x 1 and tp 12 x 3 give VWAP 11.5 and sigma sqrt(0.75)', () => {
    const bars = [bar(0, 11, 9, 10, 1), bar(1, 13, 11, 12, 3)];
    expect(typicalPrice(bars[1]!)).toBe(12);
    const band = vwapBand(bars)!;
    expect(band.vwap).toBeCloseTo(11.5, 12);
    expect(band.sigma).toBeCloseTo(Math.sqrt(0.75), 12);
    expect(band.volume).toBe(4);
  });

  it('has no VWAP for bars that traded nothing', () => {
    expect(vwapBand([bar(0, 11, 9, 10, 0), bar(1, 11, 9, 10, 0)])).toBeNull();
  });
});
