// Specs for the data-quality score: 1 for clean data, falling with outliers and missing fields, recovering as they age out.
import { describe, expect, it } from 'vitest';
import { DataQuality } from '../../../engine/market/data-quality.ts';
import { seededRandom } from '../../../engine/market/seeded-random.ts';

/** A random walk around 6800 with 1 bps steps: a calm market. */
function calmPrices(n: number, seed = 1): number[] {
  const r = seededRandom(seed);
  let p = 6_800;
  return Array.from({ length: n }, () => {
    p *= 1 + (r() - 0.5) * 0.0002;
    return p;
  });
}

function feed(q: DataQuality, prices: readonly number[], instrument = 'BTC-USD'): number {
  let outliers = 0;
  for (const p of prices) {
    const v = q.observePrice(instrument, p);
    if (v.outlier) outliers++;
    q.record(instrument, { outlier: v.outlier });
  }
  return outliers;
}

describe('DataQuality', () => {
  it('scores clean data 1 and flags no outlier in a calm market', () => {
    const q = new DataQuality();
    expect(feed(q, calmPrices(300))).toBe(0);
    expect(q.score('BTC-USD')).toBe(1);
  });

  it('has no score before any message: callers fail closed', () => {
    expect(new DataQuality().score('BTC-USD')).toBeNull();
  });

  it('flags a fat-finger print and lowers the score by its share of the window', () => {
    const q = new DataQuality({ scoreWindow: 100 });
    feed(q, calmPrices(99));
    const v = q.observePrice('BTC-USD', 6_800 * 1.1);
    expect(v.outlier).toBe(true);
    expect(v.deviationBps).toBeGreaterThan(900);
    q.record('BTC-USD', { outlier: true });
    expect(q.score('BTC-USD')).toBeCloseTo(0.99, 10);
    expect(q.outliers).toBe(1);
  });

  it('falls further with every outlier and every message missing a field', () => {
    const q = new DataQuality({ scoreWindow: 100 });
    feed(q, calmPrices(80));
    const before = q.score('BTC-USD')!;
    for (let i = 0; i < 10; i++) feed(q, [i % 2 === 0 ? 9_000 : 5_000]);
    const afterOutliers = q.score('BTC-USD')!;
    for (let i = 0; i < 10; i++) q.record('BTC-USD', { missingFields: ['sourceTs'] });
    const afterMissing = q.score('BTC-USD')!;
    expect(before).toBe(1);
    expect(afterOutliers).toBeLessThan(before);
    expect(afterMissing).toBeLessThan(afterOutliers);
    expect(afterMissing).toBeCloseTo(0.8, 10);
    expect(q.missing).toBe(10);
  });

  it('recovers as bad messages leave the window', () => {
    const q = new DataQuality({ scoreWindow: 20 });
    for (let i = 0; i < 20; i++) q.record('A', { missingFields: ['price'] });
    expect(q.score('A')).toBe(0);
    for (let i = 0; i < 20; i++) q.record('A', {});
    expect(q.score('A')).toBe(1);
  });

  it('does not flag a quiet market where every price is the same (robust spread 0): the band is a floor', () => {
    const q = new DataQuality();
    feed(q, Array.from({ length: 50 }, () => 6_800));
    expect(q.observePrice('BTC-USD', 6_801).outlier).toBe(false);
    expect(q.observePrice('BTC-USD', 6_800 * 1.006).outlier).toBe(true);
  });

  it('accepts a lasting move once it is the new median', () => {
    const q = new DataQuality({ priceWindow: 20, minSamples: 10 });
    feed(q, calmPrices(20));
    const jumped = calmPrices(40, 2).map((p) => p * 1.05);
    const outliers = jumped.map((p) => q.observePrice('BTC-USD', p).outlier);
    expect(outliers.slice(0, 5).every(Boolean)).toBe(true);
    expect(outliers.slice(-20).some(Boolean)).toBe(false);
  });

  it('keeps instruments apart', () => {
    const q = new DataQuality();
    feed(q, calmPrices(50), 'BTC-USD');
    expect(q.observePrice('ETH-USD', 400).outlier).toBe(false);
  });
});
