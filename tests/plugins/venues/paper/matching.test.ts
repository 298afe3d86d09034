// Tests of pure matching: the touch an order meets on arrival, crossing through a limit, maker liquidity, taker versus maker.
import { describe, expect, it } from 'vitest';
import { crossedThrough, type MatchableOrder, makerLiquidity, matchOrder, type MatchTerms, touchAt } from '../../../../plugins/venues/paper/matching.ts';
import { event, MINUTE, T0 } from './paper-fixture.ts';

const terms: MatchTerms = { slippage: { baseBps: 0, bpsPer10kUsd: 0 }, priceTick: 0.01, quantityStep: 0.001, makerAvailable: 100 };
const e = event({ ts: T0, bid: 99, ask: 100, bidOpen: 97, askOpen: 98, askLow: 95, bidHigh: 101, volume: 8 });

function o(overrides: Partial<MatchableOrder>): MatchableOrder {
  return { side: 'buy', type: 'limit', quantity: 1, filledQuantity: 0, limitPrice: 96, arrivalTs: T0, expiresAt: null, arrived: false, resting: false, ...overrides };
}

describe('touchAt', () => {
  it('is the opening quote for an order that was there when the period began, else the closing quote', () => {
    expect(touchAt(e, T0)).toEqual({ bid: 97, ask: 98, ts: T0 });
    expect(touchAt(e, T0 - 5)).toEqual({ bid: 97, ask: 98, ts: T0 });
    expect(touchAt(e, T0 + 1)).toEqual({ bid: 99, ask: 100, ts: T0 + MINUTE });
  });
});

describe('crossedThrough', () => {
  it('needs the other side to go through the limit: touching it is a queue of unknown length, not a fill', () => {
    expect(crossedThrough('buy', 95.01, e.quote)).toBe(true);
    expect(crossedThrough('buy', 95, e.quote)).toBe(false);
    expect(crossedThrough('sell', 100.99, e.quote)).toBe(true);
    expect(crossedThrough('sell', 101, e.quote)).toBe(false);
  });
});

describe('makerLiquidity', () => {
  it('is a share of traded volume, else of the quoted size on the other side, else nothing', () => {
    expect(makerLiquidity('buy', e, 0.25)).toBe(2);
    const quiet = event({ ts: T0, bid: 99, ask: 100, volume: null, askSize: 4, bidSize: 6 });
    expect(makerLiquidity('buy', quiet, 0.5)).toBe(2);
    expect(makerLiquidity('sell', quiet, 0.5)).toBe(3);
    expect(makerLiquidity('buy', event({ ts: T0, bid: 99, ask: 100, volume: null }), 0.5)).toBe(0);
  });
});

describe('matchOrder', () => {
  it('ignores an event that ended before the order reached the book', () => {
    expect(matchOrder(o({ arrivalTs: T0 + MINUTE + 1 }), e, terms)).toEqual({ arrived: false, resting: false, execution: null });
  });

  it('takes at the arrival touch for a market order, the whole quantity', () => {
    expect(matchOrder(o({ type: 'market', limitPrice: null, quantity: 3 }), e, terms).execution).toEqual({ liquidity: 'taker', price: 98, quantity: 3, ts: T0 });
  });

  it('rests a limit that is not marketable on arrival and fills it as maker when the whole period came after arrival', () => {
    const result = matchOrder(o({ limitPrice: 96 }), e, { ...terms, makerAvailable: 0.4 });
    expect(result).toEqual({ arrived: true, resting: true, execution: { liquidity: 'maker', price: 96, quantity: 0.4, ts: T0 + MINUTE } });
  });

  it('does not fill a limit that arrived mid-period against the part of the range it may have missed', () => {
    expect(matchOrder(o({ limitPrice: 96, arrivalTs: T0 + 10 }), e, terms)).toEqual({ arrived: true, resting: true, execution: null });
  });

  it('fills nothing past expiry: neither a touch after it nor a period ending after it', () => {
    expect(matchOrder(o({ type: 'market', limitPrice: null, arrivalTs: T0 + 1, expiresAt: T0 + 100 }), e, terms).execution).toBeNull();
    expect(matchOrder(o({ arrived: true, resting: true, expiresAt: T0 + MINUTE - 1 }), e, terms).execution).toBeNull();
    expect(matchOrder(o({ arrived: true, resting: true, expiresAt: T0 + MINUTE }), e, terms).execution).not.toBeNull();
  });

  it('never fills more than remains, and nothing once filled', () => {
    expect(matchOrder(o({ arrived: true, resting: true, filledQuantity: 0.75 }), e, terms).execution?.quantity).toBe(0.25);
    expect(matchOrder(o({ arrived: true, resting: true, filledQuantity: 1 }), e, terms).execution).toBeNull();
  });
});
