// Edge cases of pure matching: a crossed opening quote, limits at the touch, and the participation share across orders.
import { describe, expect, it } from 'vitest';
import { type MatchableOrder, matchOrder, type MatchTerms, touchAt } from '../../../../plugins/venues/paper/matching.ts';
import { event, T0 } from './paper-fixture.ts';

const terms: MatchTerms = { slippage: { baseBps: 0, bpsPer10kUsd: 0 }, priceTick: 0.01, quantityStep: 0.001, makerAvailable: 100 };

function o(overrides: Partial<MatchableOrder>): MatchableOrder {
  return { side: 'buy', type: 'market', quantity: 1, filledQuantity: 0, limitPrice: null, arrivalTs: T0, expiresAt: null, arrived: false, resting: false, ...overrides };
}

describe('a crossed opening quote (the data checks only the close for crossing)', () => {
  // Bid 101 over ask 100 at the open: a sell "at the bid" would get more than anyone offers to sell for.
  const crossed = event({ ts: T0, bid: 99, ask: 100, bidOpen: 101, askOpen: 100, bidHigh: 101, askLow: 99.5, volume: 8 });

  it('never gives a taker the better side of a crossed book: a sell gets at most the ask, a buy pays at least the bid', () => {
    expect(matchOrder(o({ side: 'sell' }), crossed, terms).execution?.price).toBe(100);
    expect(matchOrder(o({ side: 'buy' }), crossed, terms).execution?.price).toBe(101);
  });

  it('reads the touch of an uncrossed quote as given', () => {
    expect(touchAt(event({ ts: T0, bid: 99, ask: 100, bidOpen: 97, askOpen: 98, volume: 8 }), T0)).toEqual({ bid: 97, ask: 98, ts: T0 });
  });
});
