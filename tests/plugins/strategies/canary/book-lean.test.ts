// Reading the book's lean: queue imbalance with real sizes, momentum of the mid otherwise, neutral when neither moves.
import { describe, expect, it } from 'vitest';
import { bookLean, midOf, queueImbalance } from '../../../../plugins/strategies/canary/book-lean.ts';
import { MINUTE, T0, marketEvent } from '../market-event-fixtures.ts';

const options = { imbalanceThreshold: 0.2, momentumBars: 3 };

describe('queueImbalance', () => {
  it('is (bid size - ask size) / total', () => {
    expect(queueImbalance(marketEvent({ ts: T0, bidSize: 30, askSize: 10 }).quote)).toBeCloseTo(0.5, 12);
    expect(queueImbalance(marketEvent({ ts: T0, bidSize: 10, askSize: 30 }).quote)).toBeCloseTo(-0.5, 12);
  });

  it('is null without real sizes: synthesized, missing or both zero', () => {
    expect(queueImbalance(marketEvent({ ts: T0, bidSize: 30, askSize: 10, synthesized: true }).quote)).toBeNull();
    expect(queueImbalance(marketEvent({ ts: T0 }).quote)).toBeNull();
    expect(queueImbalance(marketEvent({ ts: T0, bidSize: 0, askSize: 0 }).quote)).toBeNull();
  });
});

describe('bookLean', () => {
  const series = (mids: number[], sizes: { bidSize?: number; askSize?: number } = {}) =>
    mids.map((m, i) => marketEvent({ ts: T0 + i * MINUTE, close: m, bid: m - 0.5, ask: m + 0.5, ...sizes }));

  it('follows the book at or above the threshold', () => {
    const h = series([100, 100, 100, 100], { bidSize: 6, askSize: 4 }); // imbalance exactly 0.2
    expect(bookLean(h[h.length - 1]!, h, options)).toMatchObject({ direction: 'buy', basis: 'book' });
    const h2 = series([100, 100, 100, 100], { bidSize: 4, askSize: 6 });
    expect(bookLean(h2[h2.length - 1]!, h2, options)).toMatchObject({ direction: 'sell', basis: 'book' });
  });

  it('falls back to the mid change over momentumBars below the threshold', () => {
    const up = series([100, 99, 98, 101], { bidSize: 5, askSize: 5 });
    expect(bookLean(up[3]!, up, options)).toMatchObject({ direction: 'buy', basis: 'momentum' });
    const down = series([100, 101, 102, 99]);
    const lean = bookLean(down[3]!, down, options);
    expect(lean).toMatchObject({ direction: 'sell', basis: 'momentum' });
    expect(lean.detail).toContain('-100.0 bps');
  });

  it('is neutral when the mid has not moved or history is too short', () => {
    const flat = series([100, 102, 98, 100]);
    expect(bookLean(flat[3]!, flat, options)).toMatchObject({ direction: 'neutral', basis: 'none' });
    const short = series([100, 101]);
    expect(bookLean(short[1]!, short, options)).toMatchObject({ direction: 'neutral', basis: 'none' });
  });

  it('takes the mid from the closing bid and ask', () => {
    expect(midOf({ bidClose: 99, askClose: 101 })).toBe(100);
  });
});
